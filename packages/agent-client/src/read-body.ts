// docs/protocols/saturn.md §6 (bad input: oversized or endless bodies become typed errors)
import { StreamError, TimeoutError } from '@uplink/core-schemas';

/** Where the body came from, for the error messages. */
export interface BodyContext {
  method: string;
  /** Redacted URL. */
  url: string;
  path: string;
  maxBytes: number;
  timeoutMs: number;
}

/**
 * Read a success body as text, refusing more than `maxBytes` (`StreamError('oversized')`) and
 * giving up after `timeoutMs` without the end (`TimeoutError('attempt')`), so neither a huge
 * nor an endless body can grow memory or hang the call. The reader is cancelled either way.
 */
export async function readBoundedText(response: Response, ctx: BodyContext): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new TimeoutError(
            `${ctx.method} ${ctx.path}: the response body did not finish within ${ctx.timeoutMs} ms`,
            { method: ctx.method, url: ctx.url, timeout: 'attempt', timeoutMs: ctx.timeoutMs },
          ),
        ),
      ctx.timeoutMs,
    );
  });
  try {
    for (;;) {
      const { done, value } = await Promise.race([reader.read(), timedOut]);
      if (done) break;
      received += value.byteLength;
      if (received > ctx.maxBytes) {
        throw new StreamError(
          `${ctx.method} ${ctx.path}: the response body is larger than ${ctx.maxBytes} bytes (maxResponseBytes)`,
          { code: 'oversized', url: ctx.url },
        );
      }
      text += decoder.decode(value, { stream: true });
    }
    return text + decoder.decode();
  } catch (error) {
    await reader.cancel().catch(() => {});
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
