// docs/protocols/llama-orch.md §6.5: the server builds its default stream from `serde_json::json!` maps,
// which serde_json keeps in a BTreeMap (keys sorted) and prints compactly, floats as `0.0`.

/** A number serde_json holds as an f64: printed with a decimal point (`0.0`, `0.99`). */
export class F64 {
  constructor(readonly value: number) {}
  /** Plain JSON (transcripts, `JSON.stringify`) sees the number. */
  toJSON(): number {
    return this.value;
  }
}

/** Print a value as `serde_json::to_string` prints a `json!` value: sorted keys, no spaces. */
export function serdeJsonString(value: unknown): string {
  if (value instanceof F64) {
    return Number.isInteger(value.value) ? `${value.value}.0` : JSON.stringify(value.value);
  }
  if (Array.isArray(value)) return `[${value.map(serdeJsonString).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const record = value as Record<string, unknown>;
    return `{${keys.map((k) => `${JSON.stringify(k)}:${serdeJsonString(record[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
