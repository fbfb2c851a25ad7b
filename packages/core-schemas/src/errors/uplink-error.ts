import { redactValue } from '../redaction.js';

/**
 * The marker that identifies every Uplink error. `Symbol.for` makes it one symbol across
 * duplicate installs of this package, so `isUplinkError` works where `instanceof` cannot.
 */
export const UPLINK_ERROR_MARKER: unique symbol = Symbol.for('uplink.error') as never;

/** Options shared by every Uplink error. */
export interface UplinkErrorOptions {
  /** The underlying error, kept for debugging. It is redacted in `toJSON()`. */
  cause?: unknown;
}

/**
 * The base of every error thrown by an Uplink package.
 *
 * `name` comes from the class's own static `errorName` when it declares one, else from the class
 * name. Every Uplink class declares it, because minifiers rename classes: in a browser bundle
 * `new.target.name` alone would turn `AbortError` into `"s"`. Your own subclasses may declare it
 * too; without it they get their class name.
 */
export class UplinkError extends Error {
  /** The `name` instances of exactly this class get (survives minification). */
  static readonly errorName: string = 'UplinkError';
  /** Always `true`; see {@link UPLINK_ERROR_MARKER}. */
  readonly [UPLINK_ERROR_MARKER] = true;

  constructor(message: string, options: UplinkErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    const ctor = new.target as typeof UplinkError;
    this.name = Object.hasOwn(ctor, 'errorName') ? ctor.errorName : ctor.name;
  }

  /** A JSON-safe, redacted view of the error, for logs and transport. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const [key, value] of Object.entries(this)) {
      if (key === 'stack' || key === 'cause') continue;
      out[key] = value;
    }
    if (this.cause !== undefined) out.cause = describeCause(this.cause);
    return redactValue(out);
  }
}

function describeCause(cause: unknown): unknown {
  if (isUplinkError(cause)) return cause.toJSON();
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return { name: cause.name, message: cause.message, ...(code === undefined ? {} : { code }) };
  }
  return cause;
}

/** True for any Uplink error, including one thrown by another copy of this package. */
export function isUplinkError(value: unknown): value is UplinkError {
  return (
    typeof value === 'object' &&
    value !== null &&
    (value as Record<symbol, unknown>)[UPLINK_ERROR_MARKER] === true
  );
}
