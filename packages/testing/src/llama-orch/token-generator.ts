// docs/protocols/llama-orch.md §12.2 (deterministic token generator).

const U64 = 64;
const MASK32 = 0xffffffffn;

const wrap = (x: bigint): bigint => BigInt.asUintN(U64, x);
const rotl64 = (x: bigint, r: bigint): bigint => wrap((x << r) | (x >> (64n - r)));

/** What the generator produces for one `(engine, seed, n)`. */
export interface GeneratedStream {
  /** Always 0. */
  queuePosition: number;
  /** 100..1099. */
  predictedStartMs: number;
  /** Token texts, `"T"` + 4 lowercase hex digits, in order. */
  tokens: string[];
  /** 10..2009. */
  decodeMs: number;
  /** Equal to `n`. */
  tokensOut: number;
}

/**
 * The salt of an engine string such as `"llamacpp:v1.0.0"` (engine id, colon, version): the
 * final accumulator of §12.2 step 1. `engineSalt("llamacpp:v1.0.0") === 0x5986F4D6B5582715n`.
 */
export function engineSalt(engine: string): bigint {
  let acc = 0x9e3779b97f4a7c15n;
  const bytes = new TextEncoder().encode(engine);
  for (let k = 0; k < bytes.length; k++) {
    const mul = wrap(BigInt(k + 1) * 0x85ebca6b27d4eb2fn);
    acc = wrap(acc + wrap(BigInt(bytes[k]!) * mul));
    acc = acc ^ rotl64(acc, 13n);
  }
  return acc;
}

/**
 * Run the deterministic generator of §12.2 for `(engine, seed, n)`. A negative seed is taken
 * as its two's-complement u64 value. Pure: the same inputs always give the same output.
 */
export function generateTokens(engine: string, seed: number | bigint, n: number): GeneratedStream {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (typeof seed === 'number' && !Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a safe integer or a bigint, got ${seed}`);
  }
  let state = wrap(BigInt(seed)) ^ engineSalt(engine);
  const predictedStartMs = Number(((state ^ 0x12345678n) % 1000n) + 100n);
  const tokens: string[] = [];
  for (let i = 0; i < n; i++) {
    state = wrap(1664525n * state + 1013904223n) & MASK32;
    tokens.push(`T${(state & 0xffffn).toString(16).padStart(4, '0')}`);
  }
  const decodeMs = Number(((state ^ 0xdeadbeefn) % 2000n) + 10n);
  return { queuePosition: 0, predictedStartMs, tokens, decodeMs, tokensOut: n };
}

/** One SSE frame in the generator's framing: `event: <name>\n` `data: <json>\n` `\n`. */
export function sseFrame(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The `started` payload of a generated stream, keys in the fixed order. */
export function generatedStarted(g: GeneratedStream): {
  queue_position: number;
  predicted_start_ms: number;
} {
  return { queue_position: g.queuePosition, predicted_start_ms: g.predictedStartMs };
}

/** The `end` payload of a generated stream, keys in the fixed order. */
export function generatedEnd(g: GeneratedStream): { tokens_out: number; decode_ms: number } {
  return { tokens_out: g.tokensOut, decode_ms: g.decodeMs };
}

/**
 * The exact SSE body for `(engine, seed, n)`: `started`, n `token` frames, `end`, no `metrics`.
 * `("llamacpp:v1.0.0", 42, 4)` gives the 279-byte body of §12.3.
 */
export function generateSseBody(engine: string, seed: number | bigint, n: number): string {
  const g = generateTokens(engine, seed, n);
  let body = sseFrame('started', generatedStarted(g));
  g.tokens.forEach((t, i) => {
    body += sseFrame('token', { t, i });
  });
  return body + sseFrame('end', generatedEnd(g));
}
