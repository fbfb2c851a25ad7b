// Server text outside the transport (a stream's error event, a failed run's message) may echo
// the credential a client sent: every value it sent is remembered so such text can be scrubbed.
import { redactText } from '@uplink/core-schemas';
import type { CredentialSource } from './auth.js';

/** Values of a credential function remembered at most (the oldest is forgotten first). */
const MAX_REMEMBERED = 32;

/**
 * The credential values a client sent, for redaction: fixed values as they are added, and each
 * value a credential function returns, as it returns it (the newest 32 kept).
 */
export class CredentialMemory {
  readonly #values = new Set<string>();

  /** Remember a fixed value (empty and `undefined` are ignored). */
  add(value: string | undefined): void {
    if (!value) return;
    if (this.#values.size >= MAX_REMEMBERED) {
      this.#values.delete(this.#values.values().next().value as string);
    }
    this.#values.add(value);
  }

  /** `source`, remembering its value (each value a function returns, as it returns it). */
  track(source: CredentialSource): CredentialSource {
    if (typeof source === 'string') {
      this.add(source);
      return source;
    }
    return async () => {
      const value = await source();
      this.add(value);
      return value;
    };
  }

  /** The remembered values, oldest first. */
  values(): Iterable<string> {
    return this.#values;
  }

  /** `text` with every remembered value scrubbed. */
  readonly redact = (text: string): string => redactText(text, this.#values);
}
