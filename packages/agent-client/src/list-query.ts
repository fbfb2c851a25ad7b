// docs/protocols/saturn.md §2.5 (cursor pagination exists in the API document only)
import type { QueryParams } from '@uplink/http';
import { requireCapability, type SaturnCapabilities } from './capabilities.js';
import type { ListOptions } from './types.js';
import { checkLimit } from './validate-input.js';

/**
 * The query of a list call: `limit` and `cursor` only with `capabilities.pagination` (the real
 * server ignores them and returns everything, so asking for a page without it would silently
 * return more than asked).
 */
export function pageQuery(
  capabilities: Required<SaturnCapabilities>,
  options: ListOptions,
  what: string,
): QueryParams {
  if (options.limit === undefined && options.cursor === undefined) return {};
  requireCapability(capabilities, 'pagination', `${what} with limit or cursor`);
  return {
    limit: options.limit === undefined ? undefined : checkLimit(options.limit),
    cursor: options.cursor,
  };
}
