import { ConfigurationError } from '@uplink/core-schemas';

/** JSON-encode a request body; a value JSON cannot encode is a ConfigurationError, not a crash. */
export function encodeBody(body: unknown): string | null {
  if (body === undefined) return null;
  try {
    return JSON.stringify(body);
  } catch (error) {
    throw new ConfigurationError([
      {
        setting: 'body',
        message: `expected a JSON-encodable value (${error instanceof Error ? error.message : String(error)})`,
      },
    ]);
  }
}
