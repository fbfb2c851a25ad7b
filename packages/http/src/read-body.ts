/** Bodies of error responses are read up to this many bytes; the rest is cancelled unread. */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

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
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - received;
      received += value.byteLength;
      text += decoder.decode(value.byteLength > room ? value.subarray(0, room) : value, {
        stream: true,
      });
      if (received >= maxBytes) {
        await reader.cancel().catch(() => {});
        break;
      }
    }
  } finally {
    reader.releaseLock();
  }
  return text + decoder.decode();
}
