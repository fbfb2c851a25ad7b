import { isSecretHeader } from '@uplink/core-schemas';

/** Credentials remembered for redaction; rotating tokens push out the oldest. */
const MAX_SECRETS = 32;

/**
 * The secret values one client must never show: configured `secrets`, credential header
 * values, and every credential its auth strategy produced (bounded, newest kept).
 */
export class SecretStore {
  readonly #values = new Set<string>();
  #list: string[] = [];

  constructor(secrets: readonly string[] = [], headers: Record<string, string> = {}) {
    for (const secret of secrets) this.add(secret);
    for (const [name, value] of Object.entries(headers)) {
      if (isSecretHeader(name)) this.addCredential(value);
    }
  }

  /** Remember one value (values under 4 characters are ignored by redaction anyway). */
  add(value: string | undefined): void {
    if (!value || value.length < 4 || this.#values.has(value)) return;
    this.#values.add(value);
    if (this.#values.size > MAX_SECRETS) {
      const oldest = this.#values.values().next().value;
      if (oldest !== undefined) this.#values.delete(oldest);
    }
    this.#list = [...this.#values];
  }

  /** Remember a header value and, for `Scheme credential` values, the credential alone. */
  addCredential(value: string): void {
    this.add(value);
    const space = value.lastIndexOf(' ');
    if (space > 0) this.add(value.slice(space + 1));
  }

  /** The remembered values, newest last. */
  values(): readonly string[] {
    return this.#list;
  }
}
