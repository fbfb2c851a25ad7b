// docs/protocols/agent-sdk.md §1.2 and §1.3: every call sends an `X-Request-Id` and reports it
// on its result and its error, because some answers (the key middleware's 401) echo none.
import { type ConfigurationError, isUplinkError, parseArgument } from '@uplink/core-schemas';
import type * as v from 'valibot';

/** A result that carries the request id of the call that produced it (not enumerable). */
export type WithRequestId<T> = T & {
  /** The `X-Request-Id` of the call (the server's echo, else the one sent). Not enumerable. */
  readonly requestId: string;
};

/**
 * Attach `requestId` to a result as a non-enumerable property, so the wire object stays what
 * the server sent (JSON, equality and spreading ignore it) while `result.requestId` works.
 */
export function attachRequestId<T extends object>(value: T, requestId: string): WithRequestId<T> {
  Object.defineProperty(value, 'requestId', {
    value: requestId,
    enumerable: false,
    configurable: true,
  });
  return value as WithRequestId<T>;
}

/**
 * Put the request id we sent on an error that has none (the server did not echo one), so
 * every error of a call can be matched with the server's logs.
 */
export function withRequestId(error: unknown, requestId: string): unknown {
  if (isUplinkError(error) && (error as { requestId?: unknown }).requestId === undefined) {
    Object.defineProperty(error, 'requestId', {
      value: requestId,
      enumerable: true,
      configurable: true,
      writable: true,
    });
  }
  return error;
}

/**
 * Check a request body against its strict schema before anything is sent; every problem is
 * listed in one `InvalidArgumentError` (a {@link ConfigurationError}) naming the field; values
 * are not shown.
 */
export function checkRequest<S extends v.GenericSchema>(
  schema: S,
  body: unknown,
  subject: string,
): v.InferOutput<S> {
  return parseArgument(schema, body, subject);
}
