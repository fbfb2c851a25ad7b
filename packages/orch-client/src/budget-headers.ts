// docs/protocols/llama-orch.md §3.2 (headers: X-Budget-*).

/** Session budgets from the `X-Budget-*` headers; a field is absent when its header was. */
export interface Budget {
  /** `X-Budget-Tokens-Remaining`. */
  tokensRemaining?: number;
  /** `X-Budget-Time-Remaining-Ms`. */
  timeRemainingMs?: number;
  /** `X-Budget-Cost-Remaining`. */
  costRemaining?: number;
}

function numberHeader(headers: Headers, name: string): number | undefined {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw.trim());
  return Number.isFinite(value) ? value : undefined;
}

/** Parse the `X-Budget-*` headers as numbers; headers that are missing or not numbers are left out. */
export function parseBudgetHeaders(headers: Headers): Budget {
  const budget: Budget = {};
  const tokens = numberHeader(headers, 'x-budget-tokens-remaining');
  const time = numberHeader(headers, 'x-budget-time-remaining-ms');
  const cost = numberHeader(headers, 'x-budget-cost-remaining');
  if (tokens !== undefined) budget.tokensRemaining = tokens;
  if (time !== undefined) budget.timeRemainingMs = time;
  if (cost !== undefined) budget.costRemaining = cost;
  return budget;
}
