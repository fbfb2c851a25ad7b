// docs/protocols/saturn.md §2.4 (usage summary and invoices)
import * as v from 'valibot';
import { IntegerSchema } from './common.js';

/** `GET /usage/summary?period=` data. `estimated_cost` is the new draft invoice's total. */
export const UsageSummarySchema = v.looseObject({
  period: v.string(),
  tokens_in: IntegerSchema,
  tokens_out: IntegerSchema,
  tool_calls: IntegerSchema,
  kb_queries: IntegerSchema,
  estimated_cost: v.number(),
});

/** Usage summary data. */
export type UsageSummary = v.InferOutput<typeof UsageSummarySchema>;

/** A calendar date, `YYYY-MM-DD`. */
const DateSchema = v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/, 'Expected a date YYYY-MM-DD'));

/**
 * An invoice as listed and as `generate` returns it. `period_end` is the first day of the next
 * month; `status` (`draft` today) is an open string.
 */
export const InvoiceSummarySchema = v.looseObject({
  invoice_id: v.string(),
  period_start: DateSchema,
  period_end: DateSchema,
  status: v.string(),
  total: v.number(),
});

/** An invoice list item. */
export type InvoiceSummary = v.InferOutput<typeof InvoiceSummarySchema>;

/** `GET /invoices` data. */
export const InvoiceListSchema = v.looseObject({ invoices: v.array(InvoiceSummarySchema) });

/** `GET /invoices` data. */
export type InvoiceList = v.InferOutput<typeof InvoiceListSchema>;

/** One invoice line; every value is a string (`"2e-06"` is Python's text for 0.000002). */
export const InvoiceLineItemSchema = v.looseObject({
  item: v.string(),
  quantity: v.string(),
  unit_price: v.string(),
});

/** One invoice line. */
export type InvoiceLineItem = v.InferOutput<typeof InvoiceLineItemSchema>;

/** `GET /invoices/{id}` data. */
export const InvoiceSchema = v.looseObject({
  invoice_id: v.string(),
  period_start: DateSchema,
  period_end: DateSchema,
  status: v.string(),
  currency: v.string(),
  total: v.number(),
  line_items: v.array(InvoiceLineItemSchema),
});

/** An invoice. */
export type Invoice = v.InferOutput<typeof InvoiceSchema>;
