// Server text (error bodies, failed runs' messages) may echo the credential that was sent:
// every value this client sent is remembered so it can be scrubbed.
import { redactText } from '@uplink/core-schemas';
import type { CredentialSource } from '@uplink/http';

/** Values of a credential function remembered at most (the oldest is forgotten first). */
const MAX_REMEMBERED = 32;

/** The credential values a client sent, for redaction. */
export class CredentialMemory {
  readonly #values = new Set<string>();

  /** `source`, remembering its value (each value a function returns, as it returns it). */
  track(source: CredentialSource): CredentialSource {
    if (typeof source === 'string') {
      this.#values.add(source);
      return source;
    }
    return async () => {
      const value = await source();
      if (this.#values.size >= MAX_REMEMBERED) {
        this.#values.delete(this.#values.values().next().value as string);
      }
      this.#values.add(value);
      return value;
    };
  }

  /** `text` with every remembered value scrubbed. */
  readonly redact = (text: string): string => redactText(text, this.#values);
}
