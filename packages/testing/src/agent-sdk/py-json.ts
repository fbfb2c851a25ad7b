// docs/protocols/agent-sdk.md §1.7 and §1.12: SSE data and WebSocket frames are written by Python's
// `json.dumps` with its defaults, REST bodies by Starlette (compact, UTF-8), timestamps by
// `datetime.isoformat()`. The fake writes the same bytes.

/** A float the fake must write as `0.0`, not `0` (pydantic's `float` fields). */
export class PyFloat {
  constructor(readonly value: number) {}
}

const escapeChar = (char: string): string => {
  switch (char) {
    case '"':
      return '\\"';
    case '\\':
      return '\\\\';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    default:
      return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
};

/** A JSON string literal as Python writes it: `ensure_ascii` escapes every non-ASCII UTF-16 unit. */
function pyString(text: string, ensureAscii: boolean): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters must be escaped.
  const pattern = ensureAscii ? /["\\\u0000-\u001f\u007f-\uffff]/g : /["\\\u0000-\u001f]/g;
  return `"${text.replace(pattern, escapeChar)}"`;
}

function pyNumber(value: number | PyFloat): string {
  if (value instanceof PyFloat) {
    return Number.isInteger(value.value) ? `${value.value}.0` : String(value.value);
  }
  return String(value);
}

/**
 * Serialise like Python's `json.dumps(value)` (`spaced`: `", "` and `": "`, non-ASCII escaped) or
 * like Starlette's JSONResponse (compact, UTF-8). Keys keep insertion order, as Python dicts do.
 */
export function pyJson(value: unknown, spaced: boolean): string {
  const comma = spaced ? ', ' : ',';
  const colon = spaced ? ': ' : ':';
  const walk = (input: unknown): string => {
    if (input === null || input === undefined) return 'null';
    if (input instanceof PyFloat || typeof input === 'number') return pyNumber(input);
    if (typeof input === 'boolean') return input ? 'true' : 'false';
    if (typeof input === 'string') return pyString(input, spaced);
    if (Array.isArray(input)) return `[${input.map(walk).join(comma)}]`;
    const entries = Object.entries(input as Record<string, unknown>).filter(
      ([, item]) => item !== undefined,
    );
    return `{${entries.map(([key, item]) => `${pyString(key, spaced)}${colon}${walk(item)}`).join(comma)}}`;
  };
  return walk(value);
}

/** `datetime.now(timezone.utc).isoformat()`: microseconds and `+00:00`. */
export function pyIsoNow(now: () => Date = () => new Date()): string {
  return now()
    .toISOString()
    .replace(/\.(\d{3})Z$/, '.$1000+00:00');
}
