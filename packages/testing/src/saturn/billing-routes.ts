// docs/protocols/saturn.md §2.4 (usage summary, invoices) and §2.6 (the draft invoice inserted
// before the defect fails the request; period as a query parameter)
import { requirePermission } from './auth.js';
import { SaturnFailure } from './http-io.js';
import type { SaturnContext, SaturnRoute } from './router.js';
import { detachedRead, type SaturnRuntime } from './runtime.js';
import type { FakeInvoice } from './state.js';

const PRICES = { tokens: 0.000002, calls: 0.01, seconds: 0.02 } as const;
/** Python's `str()` of each price. */
const PRICE_TEXT = { tokens: '2e-06', calls: '0.01', seconds: '0.02' } as const;

/** Python's `int()` of a string: optional whitespace and sign, digits with single underscores. */
function pythonInt(text: string): number | undefined {
  const match = /^\s*([+-]?)(\d(?:_?\d)*)\s*$/.exec(text);
  if (!match) return undefined;
  const value = Number((match[2] ?? '').replaceAll('_', ''));
  return match[1] === '-' ? -value : value;
}

const iso = (year: number, month: number): string =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;

/** `_parse_period`: exactly one `-`, two integers, a real date; else 400 `BAD_REQUEST`. */
export function parsePeriod(period: string): {
  start: string;
  end: string;
  year: number;
  month: number;
} {
  const parts = period.split('-');
  const year = parts.length === 2 ? pythonInt(parts[0] ?? '') : undefined;
  const month = parts.length === 2 ? pythonInt(parts[1] ?? '') : undefined;
  if (
    year === undefined ||
    month === undefined ||
    year < 1 ||
    year > 9999 ||
    month < 1 ||
    month > 12
  ) {
    throw new SaturnFailure('BAD_REQUEST', 'Invalid period format, expected YYYY-MM');
  }
  const end = month === 12 ? iso(year + 1, 1) : iso(year, month + 1);
  return { start: iso(year, month), end, year, month };
}

/** Create the draft invoice for `period` (`generate_invoice`); the defect fails the read-back. */
function generate(runtime: SaturnRuntime, companyId: string, period: string): FakeInvoice {
  const { start, end } = parsePeriod(period);
  const events = runtime.state.usageEvents.filter((e) => e.company_id === companyId);
  // Aggregating reads the usage rows after their session closed: with the defect on this fails
  // before the invoice is written, whenever the company has usage.
  if (events.length > 0) detachedRead(runtime, 'usage_events');
  const totals = { tokens: 0, calls: 0, seconds: 0 };
  for (const event of events) {
    const day = event.created_at.toISOString().slice(0, 10);
    if (day < start || day >= end) continue;
    if (event.unit in totals)
      totals[event.unit as keyof typeof totals] += Math.trunc(event.quantity);
  }
  const subtotal =
    totals.tokens * PRICES.tokens + totals.calls * PRICES.calls + totals.seconds * PRICES.seconds;
  const invoice: FakeInvoice = {
    invoice_id: crypto.randomUUID(),
    company_id: companyId,
    period_start: start,
    period_end: end,
    currency: runtime.billingCurrency,
    total: Math.round(subtotal * 100) / 100,
    status: 'draft',
    line_items: (['tokens', 'calls', 'seconds'] as const).map((item) => ({
      item,
      quantity: String(totals[item]),
      unit_price: PRICE_TEXT[item],
    })),
  };
  runtime.state.invoices.set(invoice.invoice_id, invoice);
  detachedRead(runtime, 'invoices');
  return invoice;
}

const summaryView = (i: FakeInvoice) => ({
  invoice_id: i.invoice_id,
  period_start: i.period_start,
  period_end: i.period_end,
  status: i.status,
  total: i.total,
});

function usageSummary({ auth, query, runtime }: SaturnContext) {
  requirePermission(auth, 'billing:read', runtime.rolePermissions);
  const period = query.get('period') ?? '';
  const invoice = generate(runtime, auth.company_id, period);
  const totals = { tokens_in: 0, tokens_out: 0, tool_calls: 0, kb_queries: 0 };
  const names: Record<string, keyof typeof totals> = {
    llm_tokens_in: 'tokens_in',
    llm_tokens_out: 'tokens_out',
    tool_call: 'tool_calls',
    kb_query: 'kb_queries',
  };
  for (const event of runtime.state.usageEvents) {
    const name = names[event.event_type];
    if (event.company_id === auth.company_id && name) totals[name] += Math.trunc(event.quantity);
  }
  return { period, ...totals, estimated_cost: invoice.total };
}

function list({ auth, runtime }: SaturnContext) {
  requirePermission(auth, 'billing:read', runtime.rolePermissions);
  const invoices = [...runtime.state.invoices.values()].filter(
    (i) => i.company_id === auth.company_id,
  );
  if (invoices.length > 0) detachedRead(runtime, 'invoices');
  return { invoices: invoices.map(summaryView) };
}

function get({ auth, params, runtime }: SaturnContext) {
  requirePermission(auth, 'billing:read', runtime.rolePermissions);
  const invoice = runtime.state.invoices.get(params.invoice_id ?? '');
  if (!invoice || invoice.company_id !== auth.company_id)
    throw new SaturnFailure('NOT_FOUND', 'Invoice not found');
  detachedRead(runtime, 'invoices');
  const { company_id: _company, ...view } = invoice;
  return {
    invoice_id: view.invoice_id,
    period_start: view.period_start,
    period_end: view.period_end,
    status: view.status,
    currency: view.currency,
    total: view.total,
    line_items: view.line_items,
  };
}

function generateRoute({ auth, query, runtime }: SaturnContext) {
  requirePermission(auth, 'billing:write', runtime.rolePermissions);
  return summaryView(generate(runtime, auth.company_id, query.get('period') ?? ''));
}

/** `/usage/summary`, `/invoices`, `/invoices/{invoice_id}`, `/invoices/generate`: JWT only. */
export const billingRoutes: SaturnRoute[] = [
  {
    method: 'GET',
    path: '/usage/summary',
    credential: 'jwt',
    query: ['period'],
    handler: usageSummary,
  },
  { method: 'GET', path: '/invoices', credential: 'jwt', handler: list },
  { method: 'GET', path: '/invoices/{invoice_id}', credential: 'jwt', handler: get },
  {
    method: 'POST',
    path: '/invoices/generate',
    credential: 'jwt',
    query: ['period'],
    handler: generateRoute,
  },
];
