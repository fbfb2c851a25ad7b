// Handler results travel to the platform as JSON (docs/protocols/luml.md §20, the task `result`).

/** A JSON primitive. */
export type JsonPrimitive = string | number | boolean | null;

/** Any value that survives `JSON.stringify` and `JSON.parse` unchanged. */
export type JsonValue = JsonPrimitive | JsonValue[] | readonly JsonValue[] | JsonObject;

/** A JSON object: string keys, JSON values (no `undefined`, functions, dates, maps or class instances). */
export type JsonObject = { [key: string]: JsonValue };

/** A message type that shows, in the compiler's error, what is not JSON and what to send instead. */
type NotJson<Why extends string> = `not JSON: ${Why}`;

/**
 * `T` itself when every part of it is JSON; otherwise `T` with each part that is not replaced
 * by a `"not JSON: …"` message, so assigning `T` to it fails and the error says where and why.
 * Interfaces are accepted (unlike an index-signature constraint, which they never satisfy).
 */
export type AsJson<T> = T extends JsonValue
  ? T
  : T extends undefined
    ? NotJson<'undefined (leave the key out, or send null)'>
    : T extends Date
      ? NotJson<'a Date (send date.toISOString())'>
      : T extends (...args: never[]) => unknown
        ? NotJson<'a function'>
        : T extends ReadonlyMap<unknown, unknown> | ReadonlySet<unknown>
          ? NotJson<'a Map or Set (send an object or an array)'>
          : T extends bigint
            ? NotJson<'a bigint (send it as a string)'>
            : T extends symbol
              ? NotJson<'a symbol'>
              : T extends readonly unknown[]
                ? { [K in keyof T]: AsJson<T[K]> }
                : T extends object
                  ? { [K in keyof T]: AsJson<T[K]> }
                  : NotJson<'this value'>;

/**
 * What a handler's return type must match: a JSON object (`AsJson`), or nothing. A top-level
 * array or primitive is refused too: the platform stores an object as the task's `result`.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is typed `void`.
export type HandlerReturn<T> = T extends undefined | void
  ? T
  : T extends readonly unknown[]
    ? NotJson<'an array at the top (return an object: { items: [...] })'>
    : T extends object
      ? AsJson<T>
      : NotJson<'a primitive at the top (return an object: { value: ... })'>;
