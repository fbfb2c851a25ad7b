// docs/protocols/llama-orch.md §6.5 (default stream), §6.6 (mock adapter) and §12.2 (generator).
import { ERROR_KINDS, isErrorKind } from '@uplink/core-schemas/llama-orch';
import { F64, serdeJsonString } from './serde-json-writer.js';
import type { ServerTaskRequest } from './state.js';
import type { StreamPlan } from './stream-writer.js';
import {
  type GeneratedStream,
  generatedEnd,
  generatedStarted,
  generateTokens,
} from './token-generator.js';
import { generateWords } from './word-generator.js';

/**
 * The real default build's stream, byte for byte (§6.5): every task, admitted or not, gets
 * `"Hello"`, `" world"`, one `metrics` frame and `end {"decode_time_ms":5,"tokens_out":1}`,
 * printed as serde_json prints `json!` maps (keys sorted, `0.0` for the float). `started`
 * carries the admission record (`queue_position`, `queue_position * 100`), else 0/0. The server
 * builds the whole body before it answers, pausing 30 ms after token 0 and 10 ms after token 1
 * to look for a cancel (§7); a canceled stream ends with the same `end`.
 */
export function upstreamPlan(admission: {
  queue_position: number;
  predicted_start_ms: number;
}): StreamPlan {
  return {
    started: {
      predicted_start_ms: admission.predicted_start_ms,
      queue_position: admission.queue_position,
    },
    tokens: ['Hello', ' world'],
    delayBeforeToken: () => 30,
    delayAfterTokens: 10,
    metrics: {
      cost_budget_remaining: new F64(0),
      kv_warmth: false,
      on_time_probability: new F64(0.99),
      queue_depth: 1,
      time_budget_remaining_ms: 600000,
      tokens_budget_remaining: 0,
    },
    end: { tokens_out: 1, decode_ms: 5 },
    fixedEnd: { decode_time_ms: 5, tokens_out: 1 },
    render: serdeJsonString,
    buffered: true,
  };
}

/**
 * The default stream in contract form (§6.5 with §6.4's field names), for an id without an
 * admission record in the `generator` and `words` modes; the quirks turn it into the server's.
 */
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
 * A stream from the deterministic generator (`generator`, §12.2) or its readable twin
 * (`words`, fake text) for an admitted task: seed `seed ?? 0`, n = `max_tokens`.
 */
export function generatedPlan(
  request: ServerTaskRequest,
  options: GeneratedPlanOptions,
  mode: 'generator' | 'words' = 'generator',
): StreamPlan {
  const n = Math.max(0, Math.min(request.max_tokens, options.maxStreamTokens));
  const generate = mode === 'words' ? generateWords : generateTokens;
  const g: GeneratedStream = generate(options.engineString, request.seed ?? 0, n);
  const gap = options.tokensPerSecond > 0 ? 1000 / options.tokensPerSecond : 0;
  return {
    started: generatedStarted(g),
    tokens: g.tokens,
    delayBeforeToken: () => gap,
    delayAfterTokens: 0,
    end: generatedEnd(g),
  };
}

/**
 * Fake-only faults chosen by prompt, in every mode: `"stream-error"` (an `error` frame without
 * a code after one token, like an adapter failure), `"stream-error:<CODE>"` (an `error` frame
 * with that code) and `"stream-truncate"` (the body ends after one token, with no terminal).
 */
export function withPromptFaults(plan: StreamPlan, request: ServerTaskRequest): StreamPlan {
  const prompt = request.prompt ?? '';
  if (prompt === 'stream-truncate') return { ...plan, truncate: true };
  if (prompt === 'stream-error') return { ...plan, error: { message: 'adapter error' } };
  if (prompt.startsWith('stream-error:')) {
    const code = prompt.slice('stream-error:'.length);
    return {
      ...plan,
      error: {
        code,
        message: `injected stream error ${code}`,
        engine: request.engine,
        ...(isErrorKind(code) ? { retriable: ERROR_KINDS[code].retriable } : {}),
      },
    };
  }
  return plan;
}
