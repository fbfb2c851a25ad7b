// Streams as bytes (docs/client.md, "Streams as bytes"): NDJSON, one JSON value per line, and
// when the source fails one last error line.
import { errorToRecord, NDJSON_ERROR_KEY, type RelayedErrorDetail } from './ndjson-error.js';

/** The media type of the bytes `toReadableStream()` produces. */
export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';

/** Options for {@link toNdjsonStream}. */
export interface ToNdjsonStreamOptions<T> {
  /** The JSON value written for an item. @default the item itself */
  encode?: ((item: T) => unknown) | undefined;
  /**
   * A last line written after the source ends normally (an end marker that lets a reader tell
   * a finished stream from a cut one), or `undefined` for none.
   * @default none
   */
  end?: (() => unknown) | undefined;
  /** Extra fields of the source's errors to keep in the error line. @default none */
  errorFields?: readonly string[] | undefined;
  /**
   * How much of a failure the error line tells (see `RelayedErrorDetail`): `'safe'` names no
   * URL, host or address; `'full'` keeps the error's own message.
   * @default 'safe'
   */
  errors?: RelayedErrorDetail | undefined;
}

/**
 * Bytes for a web `Response` from an async iterator: one `JSON.stringify(item)` line per item,
 * pulled one at a time (nothing is read ahead of the consumer). When the source throws, one
 * `{"uplink_error": {...}}` line describes the error (without naming the upstream unless
 * `errors: 'full'`) and the stream closes. Cancelling the
 * stream calls the iterator's `return()`, which for Uplink streams stops the request.
 */
export function toNdjsonStream<T>(
  iterator: AsyncIterator<T>,
  options: ToNdjsonStreamOptions<T> = {},
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const { encode, end, errorFields, errors } = options;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let line: string;
        try {
          const next = await iterator.next();
          if (next.done) {
            const last = await end?.();
            if (last !== undefined) controller.enqueue(encoder.encode(`${JSON.stringify(last)}\n`));
            controller.close();
            return;
          }
          line = JSON.stringify(encode ? encode(next.value) : next.value);
        } catch (error) {
          const record = { [NDJSON_ERROR_KEY]: errorToRecord(error, errorFields, errors) };
          controller.enqueue(encoder.encode(`${JSON.stringify(record)}\n`));
          controller.close();
          // An item that could not be encoded leaves the source open: stop it.
          await iterator.return?.()?.catch(() => {});
          return;
        }
        controller.enqueue(encoder.encode(`${line}\n`));
      },
      async cancel() {
        await iterator.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}
