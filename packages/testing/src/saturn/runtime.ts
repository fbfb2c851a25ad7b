// docs/protocols/saturn.md §2.4 and §2.6 (the settings every route reads)
import { UnhandledServerError } from './http-io.js';
import type { SaturnState } from './state.js';

/** The counters `GET /metrics` reports. */
export interface SaturnMetrics {
  request_count: number;
  llm_calls: number;
  tool_calls: number;
  tool_failures: number;
}

/** The fake's live settings and state, shared by the router and every route. */
export interface SaturnRuntime {
  state: SaturnState;
  apiPrefix: '' | '/api/v1';
  jwtSecret: string;
  rolePermissions: Readonly<Record<string, readonly string[]>>;
  billingCurrency: string;
  /** Whether the detached-row defect is reproduced (§2.6). */
  detachedRowDefect: boolean;
  now(): Date;
  metrics: SaturnMetrics;
  /** Matched calls per route, keyed `"METHOD /template"`. */
  calls: Record<string, number>;
  /** Why the last unhandled 500 happened (for debugging tests). */
  lastUnhandled: string | undefined;
}

/**
 * The point where the real server reads a row after its session closed (§2.6): with the
 * defect on, the request fails here with an unhandled 500; whatever ran before it has happened.
 */
export function detachedRead(runtime: SaturnRuntime, where: string): void {
  if (runtime.detachedRowDefect) {
    throw new UnhandledServerError(`DetachedInstanceError while reading ${where}`);
  }
}
