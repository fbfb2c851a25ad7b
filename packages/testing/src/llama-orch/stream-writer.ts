// docs/protocols/llama-orch.md §6 (SSE framing, default stream, divergences) and §7 (cancel).
import type { ServerResponse } from 'node:http';
import type { ResolvedQuirks } from './options.js';

/** One recorded SSE frame. */
export interface TranscriptFrame {
  /** Event name. */
  event: string;
  /** Parsed payload as sent. */
  data: unknown;
}

/** What one stream will send, before cancel and quirks are applied. */
export interface StreamPlan {
  /** `started` payload. */
  started: Record<string, unknown>;
  /** Tokens in order. */
  tokens: readonly string[];
  /**
   * Delay before token `i` (ms), after which cancel is checked again. The default stream uses
   * 30 ms before token 1 and 10 ms before `metrics` (§7); pacing uses `1000 / tokensPerSecond`.
   */
  delayBeforeToken: (i: number) => number;
  /** Delay before the frame after the last token (ms). */
  delayAfterTokens: number;
  /** `metrics` payload sent after the tokens, if any (never after a cancel). */
  metrics?: Record<string, unknown> | undefined;
  /** `end` payload in contract form: `{tokens_out, decode_ms}`. */
  end: { tokens_out: number; decode_ms: number };
  /** Send this `error` frame after `errorAfterTokens` tokens instead of finishing. */
  error?: Record<string, unknown> | undefined;
  /** Number of tokens before `error` or truncation. @default 1 */
  errorAfterTokens?: number | undefined;
  /** End the body after `errorAfterTokens` tokens with no terminal frame. */
  truncate?: boolean | undefined;
  /** The `end` payload sent as is, canceled or not, whatever the quirks (the real default stream). */
  fixedEnd?: Record<string, unknown> | undefined;
  /** How a payload is printed. @default JSON.stringify */
  render?: ((data: unknown) => string) | undefined;
  /**
   * Build the whole body, then answer with a Content-Length (the real server answers with a
   * finished `String`); otherwise headers leave first and frames are flushed at every pause.
   */
  buffered?: boolean | undefined;
}

/** Context of one stream run. */
export interface StreamContext {
  /** Status 200 headers; written before the first frame, or with the whole body when buffered. */
  headers: Record<string, string>;
  /** True once the task was canceled. */
  isCanceled: () => boolean;
  /** Resolved quirks. */
  quirks: ResolvedQuirks;
  /** Called once per frame sent, in order. */
  record: (frame: TranscriptFrame) => void;
}

/** How a stream run ended. */
export type StreamOutcome = 'end' | 'canceled' | 'error' | 'truncated' | 'disconnected';

/** Write one frame in contract framing or, with the quirk, the Pact's blank-line framing. */
export function formatFrame(
  event: string,
  data: unknown,
  blankLine: boolean,
  first: boolean,
  render: (data: unknown) => string = JSON.stringify,
): string {
  const json = render(data);
  if (!blankLine) return `event: ${event}\ndata: ${json}\n\n`;
  // Pact body: `event: x\n\ndata: y\n\n`, frames separated by one more blank line.
  return `${first ? '' : '\n'}event: ${event}\n\ndata: ${json}\n\n`;
}

const delay = (ms: number, res: ServerResponse): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    }
    res.once('close', done);
  });

/**
 * Send a planned stream on `res`, honouring cancel (no `token` after a cancel is seen), pacing
 * and the quirks. Frames are flushed at every pause, so an unpaced stream leaves in one write;
 * a buffered plan leaves in one write with its headers, once it is complete.
 */
export async function runStream(
  res: ServerResponse,
  plan: StreamPlan,
  ctx: StreamContext,
): Promise<StreamOutcome> {
  const { quirks } = ctx;
  let pending = '';
  let first = true;
  let batch: { t: string; i: number }[] = [];
  if (!plan.buffered) {
    res.writeHead(200, ctx.headers);
    res.flushHeaders();
  }
  const push = (event: string, data: unknown): void => {
    pending += formatFrame(event, data, quirks.blankLineFraming, first, plan.render);
    first = false;
    // The transcript holds plain JSON, as a client would parse it.
    ctx.record({ event, data: JSON.parse(JSON.stringify(data)) as unknown });
  };
  const flushBatch = (): void => {
    if (batch.length === 0) return;
    push('token', { batch });
    batch = [];
  };
  // A microbatch spans pauses: the server builds the run of tokens before sending it.
  const flush = (): void => {
    if (plan.buffered) return;
    if (pending && !res.destroyed) res.write(pending);
    pending = '';
  };
  const closed = (): boolean =>
    res.destroyed || res.writableEnded || res.socket === null || res.socket.destroyed;
  const endPayload = (sent: number, canceled: boolean): Record<string, unknown> => {
    if (plan.fixedEnd) return plan.fixedEnd;
    if (canceled && quirks.canceledEnd) return { canceled: true };
    const tokensOut = quirks.tokensOutOne ? 1 : canceled ? sent : plan.end.tokens_out;
    return quirks.decodeTimeMs
      ? { tokens_out: tokensOut, decode_time_ms: plan.end.decode_ms }
      : { tokens_out: tokensOut, decode_ms: plan.end.decode_ms };
  };
  const finish = (outcome: StreamOutcome): StreamOutcome => {
    flushBatch();
    if (plan.buffered) {
      if (closed()) return 'disconnected';
      res.writeHead(200, { ...ctx.headers, 'content-length': String(Buffer.byteLength(pending)) });
      res.end(pending);
      return outcome;
    }
    flush();
    if (!closed()) res.end();
    return outcome;
  };

  push('started', plan.started);
  const stopAt = plan.error || plan.truncate ? (plan.errorAfterTokens ?? 1) : plan.tokens.length;
  let sent = 0;
  for (let i = 0; i < plan.tokens.length && i < stopAt; i++) {
    const wait = i === 0 ? 0 : plan.delayBeforeToken(i);
    if (wait > 0) {
      flush();
      await delay(wait, res);
      if (closed()) return 'disconnected';
    }
    if (ctx.isCanceled()) {
      flushBatch();
      push('end', endPayload(sent, true));
      return finish('canceled');
    }
    const token = { t: plan.tokens[i]!, i };
    if (quirks.microbatch) batch.push(token);
    else push('token', token);
    sent++;
  }
  if (plan.truncate) return finish('truncated');
  if (plan.error) {
    flushBatch();
    push('error', plan.error);
    if (quirks.endAfterError) push('end', {});
    return finish('error');
  }
  if (plan.delayAfterTokens > 0) {
    flush();
    await delay(plan.delayAfterTokens, res);
    if (closed()) return 'disconnected';
  }
  if (ctx.isCanceled()) {
    flushBatch();
    push('end', endPayload(sent, true));
    return finish('canceled');
  }
  flushBatch();
  if (plan.metrics) push('metrics', plan.metrics);
  push('end', endPayload(sent, false));
  return finish('end');
}
