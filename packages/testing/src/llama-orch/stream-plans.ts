// docs/protocols/llama-orch.md §6.5 (default stream), §6.6 (mock adapter) and §12.2 (generator).
import { ERROR_KINDS, isErrorKind, type TaskRequest } from '@uplink/core-schemas/llama-orch';
import type { StreamPlan } from './stream-writer.js';
import { generatedEnd, generatedStarted, generateTokens } from './token-generator.js';

/** The server's default stream (no worker bound, no admission record): "Hello world". */
export function defaultStreamPlan(started: Record<string, unknown>): StreamPlan {
  return {
    started,
    tokens: ['Hello', ' world'],
    // The server pauses 30 ms after token 0 and 10 ms after token 1, checking cancel (§7).
    delayBeforeToken: () => 30,
    delayAfterTokens: 10,
    metrics: {
      queue_depth: 1,
      on_time_probability: 0.99,
      kv_warmth: false,
      tokens_budget_remaining: 0,
      time_budget_remaining_ms: 600000,
      cost_budget_remaining: 0.0,
    },
    end: { tokens_out: 2, decode_ms: 5 },
  };
}

/** The mock worker adapter's whole stream, once a worker is registered (§6.6). */
export function mockAdapterPlan(): StreamPlan {
  return {
    started: {},
    tokens: ['hello'],
    delayBeforeToken: () => 0,
    delayAfterTokens: 0,
    end: { tokens_out: 1, decode_ms: 0 },
  };
}

/** Settings that shape a generated stream. */
export interface GeneratedPlanOptions {
  /** `<engine>:<version>` for the generator. */
  engineString: string;
  /** Upper bound on tokens. */
  maxStreamTokens: number;
  /** Tokens per second; 0 for unpaced. */
  tokensPerSecond: number;
}

/**
 * A stream from the deterministic generator for an admitted task: seed `seed ?? 0`,
 * n = `max_tokens`. Fake-only prompt sentinels: `"stream-error"` (an `error` frame without a
 * code after one token, like an adapter failure), `"stream-error:<CODE>"` (an `error` frame
 * with that code) and `"stream-truncate"` (the body ends after one token, with no terminal).
 */
export function generatedPlan(request: TaskRequest, options: GeneratedPlanOptions): StreamPlan {
  const n = Math.max(0, Math.min(request.max_tokens, options.maxStreamTokens));
  const g = generateTokens(options.engineString, request.seed ?? 0, n);
  const gap = options.tokensPerSecond > 0 ? 1000 / options.tokensPerSecond : 0;
  const plan: StreamPlan = {
    started: generatedStarted(g),
    tokens: g.tokens,
    delayBeforeToken: () => gap,
    delayAfterTokens: 0,
    end: generatedEnd(g),
  };
  const prompt = request.prompt ?? '';
  if (prompt === 'stream-truncate') plan.truncate = true;
  else if (prompt === 'stream-error') plan.error = { message: 'adapter error' };
  else if (prompt.startsWith('stream-error:')) {
    const code = prompt.slice('stream-error:'.length);
    plan.error = {
      code,
      message: `injected stream error ${code}`,
      engine: request.engine,
      ...(isErrorKind(code) ? { retriable: ERROR_KINDS[code].retriable } : {}),
    };
  }
  return plan;
}
