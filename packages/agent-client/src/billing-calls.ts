// docs/protocols/saturn.md §2.4 (usage summary and invoices; period as a query parameter)
import {
  type Invoice,
  type InvoiceList,
  InvoiceListSchema,
  InvoiceSchema,
  type InvoiceSummary,
  InvoiceSummarySchema,
  type UsageSummary,
  UsageSummarySchema,
} from '@uplink/core-schemas/saturn';
import { pageQuery } from './list-query.js';
import { OPERATIONS } from './operations.js';
import { type SaturnCaller, withMeta } from './saturn-caller.js';
import type { CallOptions, ListOptions, SaturnPage, SaturnResult, WriteOptions } from './types.js';
import { checkId, checkPeriod } from './validate-input.js';

export async function getUsageSummary(
  c: SaturnCaller,
  period: string,
  o: CallOptions,
): Promise<SaturnResult<UsageSummary>> {
  const r = {
    method: 'GET',
    route: '/usage/summary',
    query: { period: checkPeriod(period) },
  } as const;
  return withMeta(await c.call(OPERATIONS.getUsageSummary, r, UsageSummarySchema, o));
}

export async function listInvoices(
  c: SaturnCaller,
  o: ListOptions,
): Promise<SaturnPage<InvoiceList>> {
  const r = {
    method: 'GET',
    route: '/invoices',
    query: pageQuery(c.capabilities, o, 'listInvoices'),
  } as const;
  const page = withMeta(await c.call(OPERATIONS.listInvoices, r, InvoiceListSchema, o), true);
  return page as SaturnPage<InvoiceList>;
}

export async function getInvoice(
  c: SaturnCaller,
  id: string,
  o: CallOptions,
): Promise<SaturnResult<Invoice>> {
  const r = {
    method: 'GET',
    route: `/invoices/${encodeURIComponent(checkId('invoiceId', id))}`,
  } as const;
  return withMeta(await c.call(OPERATIONS.getInvoice, r, InvoiceSchema, o));
}

export async function generateInvoice(
  c: SaturnCaller,
  period: string,
  o: WriteOptions,
): Promise<SaturnResult<InvoiceSummary>> {
  // The period goes in the query string: SATURN answers a body `{period}` with a plain 422.
  const r = {
    method: 'POST',
    route: '/invoices/generate',
    query: { period: checkPeriod(period) },
  } as const;
  return withMeta(await c.call(OPERATIONS.generateInvoice, r, InvoiceSummarySchema, o));
}
