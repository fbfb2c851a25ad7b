import { isSecretHeader, MIN_SCANNED_SECRET_LENGTH } from '@uplink/core-schemas';

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

  /**
   * Remember one value. Values shorter than `MIN_SCANNED_SECRET_LENGTH` are not kept: they are
   * never searched for in free text (that would shred ordinary words), and their credential
   * positions (headers, URL query, secret fields, `Bearer`) are redacted by name anyway.
   */
  add(value: string | undefined): void {
    if (!value || value.length < MIN_SCANNED_SECRET_LENGTH || this.#values.has(value)) return;
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
