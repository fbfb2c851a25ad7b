// docs/protocols/llama-orch.md §1 (contract vs server): the fake answers like the server's default
// build; the quirks below reshape the contract-form streams of the generator and words modes.
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import type { FaultInjectorOptions } from '../fault-injection.js';

/** Upstream server behaviours that differ from the contract; each is off unless asked for. */
export interface LlamaOrchQuirks {
  /** `end` carries `decode_time_ms` instead of `decode_ms` (§6.6 item 1). @default false */
  decodeTimeMs?: boolean | undefined;
  /** `end` carries `tokens_out: 1` whatever was sent (§6.6 item 2). @default false */
  tokensOutOne?: boolean | undefined;
  /** A blank line between `event:` and `data:` in every frame (§6.6 item 5). @default false */
  blankLineFraming?: boolean | undefined;
  /** Consecutive tokens become one `{"batch":[...]}` frame (§6.6 item 4). @default false */
  microbatch?: boolean | undefined;
  /** A canceled stream ends with `end {"canceled":true}` (adapter path, §6.6 item 6). @default false */
  canceledEnd?: boolean | undefined;
  /** `POST …/pools/{id}/reload` answers 200 instead of the contract's 202 (§9). @default false */
  reloadStatus200?: boolean | undefined;
  /** A terminal `error` frame is followed by `end {}` (§6.6 items 7 and 8). @default false */
  endAfterError?: boolean | undefined;
  /**
   * `GET /v2/tasks/{id}/events` with a query string answers a plain-text 400 (§6.6 item 10).
   * @default false
   */
  v2VerboseQuery?: boolean | undefined;
}

/** Quirk flags after resolving the `quirks` option: each one explicitly on or off. */
export type ResolvedQuirks = { [K in keyof LlamaOrchQuirks]-?: boolean };

/** Which route families the fake serves. */
export type FakeApiVersion = 'v1' | 'v2' | 'both';

/**
 * What an admitted task streams:
 * - `upstream`: the real default build (no worker bound), byte for byte: `"Hello"`, `" world"`,
 *   a `metrics` frame and `end {"decode_time_ms":5,"tokens_out":1}` for every task, keys as
 *   serde_json sorts them, the whole body sent at once after the server's 30 ms and 10 ms pauses.
 * - `generator`: the deterministic generator of §12.2 (`T0b92`-style tokens, byte-exact), seed
 *   `seed ?? 0`, n = `max_tokens`, paced by `tokensPerSecond`; the quirks apply.
 * - `words`: FAKE TEXT for demos: placeholder Latin words (`generateWords`), deterministic per
 *   seed like `generator`, with the generator's timings. Not what any real server sends.
 */
export type FakeStreamMode = 'upstream' | 'generator' | 'words';

/** Options for {@link startFakeLlamaOrch}. */
export interface FakeLlamaOrchOptions {
  /**
   * Route families served: `/v1/...`, `/v2/...` or both. Each family uses its own auth (§3.1).
   * @default 'both'
   */
  apiVersion?: FakeApiVersion | undefined;
  /**
   * The value v1 routes accept in `X-API-Key` (missing: 401, other: 403, both empty bodies).
   * @default 'valid'
   */
  apiKey?: string | undefined;
  /**
   * Bearer token. v2 routes require it when set (missing or wrong: 401, empty body, no
   * correlation id); when unset every v2 request is allowed, like `LLORCH_API_TOKEN` unset.
   * v1 `POST /v1/workers/register` also checks it (`AUTH_TOKEN`).
   * @default undefined
   */
  token?: string | undefined;
  /**
   * What an admitted task streams: `upstream` (the real default build), `generator` (the
   * deterministic generator of §12.2, for determinism tests and the proof bundle) or `words`
   * (fake readable text for demos). See {@link FakeStreamMode}.
   * @default 'upstream'
   */
  streamMode?: FakeStreamMode | undefined;
  /**
   * Tokens per second for `generator` and `words` streams; timers space the token frames. `0`
   * or unset sends each stream as fast as possible (in one write). The `upstream` stream keeps
   * the real server's fixed pauses.
   * @default undefined
   */
  tokensPerSecond?: number | undefined;
  /**
   * Answer CORS preflights and add `Access-Control-*` headers (allow the request's origin and
   * headers, expose `X-Correlation-Id`, `Retry-After`, `X-Backoff-Ms`, `X-Budget-*`).
   * @default false
   */
  cors?: boolean | undefined;
  /**
   * `true` turns on every quirk except `v2VerboseQuery` (which breaks verbose v2 streams);
   * an object picks them one by one.
   * @default false
   */
  quirks?: boolean | LlamaOrchQuirks | undefined;
  /** Admission queue capacity (`ORCHD_ADMISSION_CAPACITY`). @default 8 */
  queueCapacity?: number | undefined;
  /** Full-queue policy (`ORCHD_ADMISSION_POLICY`). @default 'reject' */
  admissionPolicy?: 'reject' | 'drop-lru' | undefined;
  /**
   * Free a task's queue slot when its stream completes. The upstream server never dequeues
   * (§5.3), so the 9th admission on a fresh server is rejected; turn this on for long suites.
   * @default false
   */
  releaseOnStreamEnd?: boolean | undefined;
  /**
   * Engine versions used to build the generator's engine string `<engine>:<version>` (§12.2).
   * @default { llamacpp: 'v1.0.0', vllm: 'v1.0.0', tgi: 'v2.3.0', triton: 'v1.0.0' }
   */
  engineVersions?: Partial<Record<string, string>> | undefined;
  /** Upper bound on generated tokens per stream (`max_tokens` is clamped to it). @default 100000 */
  maxStreamTokens?: number | undefined;
  /** Seeded fault injection (see `createFaultInjector`). @default no faults */
  faults?: FaultInjectorOptions | undefined;
  /** Port to bind on 127.0.0.1. @default 0 (a free port) */
  port?: number | undefined;
}

/** Resolve the `quirks` option into explicit flags. */
export function resolveQuirks(quirks: FakeLlamaOrchOptions['quirks']): ResolvedQuirks {
  const all = quirks === true;
  const q: LlamaOrchQuirks = typeof quirks === 'object' ? quirks : {};
  return {
    decodeTimeMs: all || q.decodeTimeMs === true,
    tokensOutOne: all || q.tokensOutOne === true,
    blankLineFraming: all || q.blankLineFraming === true,
    microbatch: all || q.microbatch === true,
    canceledEnd: all || q.canceledEnd === true,
    reloadStatus200: all || q.reloadStatus200 === true,
    endAfterError: all || q.endAfterError === true,
    v2VerboseQuery: q.v2VerboseQuery === true,
  };
}

/** Default engine versions for the generator's engine string. */
export const DEFAULT_ENGINE_VERSIONS: Readonly<Record<string, string>> = Object.freeze({
  llamacpp: 'v1.0.0',
  vllm: 'v1.0.0',
  tgi: 'v2.3.0',
  triton: 'v1.0.0',
});

/** Check the settings a fake cannot work with; every problem is listed in one {@link ConfigurationError}. */
export function checkFakeOptions(options: FakeLlamaOrchOptions): void {
  const problems: ConfigurationProblem[] = [];
  const count = (setting: string, value: number | undefined, what: string): void => {
    if (value !== undefined && !(Number.isInteger(value) && value >= 0)) {
      problems.push({ setting, message: `expected ${what}, got ${String(value)}` });
    }
  };
  const oneOf = (setting: string, value: unknown, allowed: readonly string[]): void => {
    if (value !== undefined && !allowed.includes(value as string)) {
      problems.push({
        setting,
        message: `expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${String(value)}`,
      });
    }
  };
  oneOf('apiVersion', options.apiVersion, ['v1', 'v2', 'both']);
  oneOf('admissionPolicy', options.admissionPolicy, ['reject', 'drop-lru']);
  oneOf('streamMode', options.streamMode, ['upstream', 'generator', 'words']);
  count('queueCapacity', options.queueCapacity, 'a whole number >= 0');
  count('maxStreamTokens', options.maxStreamTokens, 'a whole number >= 0');
  count('port', options.port, 'a port number (0 for any free port)');
  const tps = options.tokensPerSecond;
  if (tps !== undefined && !(Number.isFinite(tps) && tps >= 0)) {
    problems.push({
      setting: 'tokensPerSecond',
      message: `expected a finite number >= 0 (0 is unpaced), got ${String(tps)}`,
    });
  }
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || !options.apiKey)) {
    problems.push({ setting: 'apiKey', message: 'expected a non-empty string' });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}
