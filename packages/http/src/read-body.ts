/** Bodies of error responses are read up to this many bytes; the rest is cancelled unread. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** Default limit on a 2xx JSON body (`maxResponseBytes`). */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** Why a body was refused: its declared `Content-Length`, or the bytes read past the limit. */
export type TooLarge = (declaredBytes: number | undefined) => unknown;

/**
 * Read a whole body as text, refusing one larger than `maxBytes`: a `Content-Length` over the
 * limit fails before any byte is read, and otherwise reading stops (and the rest is
 * cancelled) at the first chunk past the limit, so memory never holds more than the limit
 * plus one chunk. Throws what `tooLarge` returns. `''` when there is no body.
 *
 * `trustLength`: the response came from the platform's fetch, which never delivers more than
 * an unencoded body's `Content-Length` (the HTTP framing ends the body there). Such a body
 * within the limit is read with `text()`, the runtime's own fast path. A custom fetch may hand
 * back any stream under any header, and a compressed body decodes to more than it declares,
 * so those are counted chunk by chunk.
 */
export async function readLimitedText(
  response: Response,
  maxBytes: number,
  tooLarge: TooLarge,
  trustLength: boolean,
): Promise<string> {
  const body = response.body;
  if (!body) return '';
  const declared = response.headers.get('content-length');
  if (declared !== null) {
    const length = Number(declared);
    if (length > maxBytes) {
      await body.cancel().catch(() => {});
      throw tooLarge(length);
    }
    if (trustLength && length >= 0 && !response.headers.has('content-encoding')) {
      return response.text();
    }
  }
  const { text, truncated } = await readTextUpTo(body, maxBytes);
  if (truncated) throw tooLarge(undefined);
  return text;
}

/**
 * Read a response body as text, stopping after `maxBytes` (the rest is cancelled), so a huge
 * or endless error body cannot grow memory. Returns `''` when there is no body.
 */
export async function readBodyText(
  response: Response,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<string> {
  if (!response.body || response.bodyUsed) return '';
  if (maxBytes === Number.POSITIVE_INFINITY) return response.text();
  // Stop as soon as the limit is reached: the rest of an error body is not wanted, and a server
  // that stalls right after it must not hold the error back.
  return (await readTextUpTo(response.body, maxBytes, true)).text;
}

/**
 * The first `maxBytes` bytes of a body as text, and whether there were more; at the first byte
 * past the limit (or, with `stopAtLimit`, once the limit is reached) the rest is cancelled
 * unread, so memory never holds more than the limit plus one chunk, whatever the body's length.
 */
async function readTextUpTo(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
  stopAtLimit = false,
): Promise<{ text: string; truncated: boolean }> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - received;
      if (value.byteLength > room) {
        text += decoder.decode(value.subarray(0, room), { stream: true });
        await reader.cancel().catch(() => {});
        return { text: text + decoder.decode(), truncated: true };
      }
      received += value.byteLength;
      text += decoder.decode(value, { stream: true });
      if (stopAtLimit && received === maxBytes) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return { text: text + decoder.decode(), truncated: false };
}
