import type { TransportOptions } from './http-types.js';

const TRANSPORT_KEYS = [
  'headers',
  'timeoutMs',
  'totalTimeoutMs',
  'retry',
  'maxResponseBytes',
  'fetch',
  'logger',
  'signal',
] as const satisfies readonly (keyof TransportOptions)[];

/**
 * The transport settings out of a client's options (which extend {@link TransportOptions}),
 * without the keys left undefined: what every client passes on to `createHttpClient`.
 */
export function pickTransportOptions(options: TransportOptions): TransportOptions {
  const picked: Record<string, unknown> = {};
  for (const key of TRANSPORT_KEYS) {
    if (options[key] !== undefined) picked[key] = options[key];
  }
  return picked as TransportOptions;
}
