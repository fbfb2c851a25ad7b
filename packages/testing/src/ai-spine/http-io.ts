// docs/protocols/ai-spine.md §3 (errors: `{"detail": ...}` bodies and FastAPI 422 shapes)
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  BodyReadError,
  normalizeUuid,
  type PydanticIssue,
  readBody,
  sendJson,
} from '../http-io.js';

export type { PydanticIssue } from '../http-io.js';

export { isObject, sendJson } from '../http-io.js';

/** Largest request body the fake reads. */
export const MAX_BODY_BYTES = 1024 * 1024;

/** Answer `{"detail": "<text>"}`, FastAPI's HTTPException shape. */
export function sendDetail(
  res: ServerResponse,
  status: number,
  detail: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { detail }, headers);
}

/** Answer 422 `{"detail": [issue, ...]}`. */
export function sendValidation(res: ServerResponse, issues: PydanticIssue[]): void {
  sendJson(res, 422, { detail: issues });
}

/** The outcome of reading a JSON body: the value, or the 422 issues FastAPI would send. */
export type JsonBody = { ok: true; value: unknown } | { ok: false; issues: PydanticIssue[] };

/** Read the request body (at most {@link MAX_BODY_BYTES}) and parse it as JSON like FastAPI. */
export async function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
  let text: string;
  try {
    text = (await readBody(req, MAX_BODY_BYTES)).toString('utf8');
  } catch (error) {
    if (!(error instanceof BodyReadError)) throw error;
    return { ok: false, issues: [jsonInvalid(0, `body exceeds ${MAX_BODY_BYTES} bytes`)] };
  }
  if (text.trim() === '') {
    return {
      ok: false,
      issues: [{ type: 'missing', loc: ['body'], msg: 'Field required', input: null }],
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const position = /position (\d+)/.exec(String(error))?.[1];
    return { ok: false, issues: [jsonInvalid(Number(position ?? 0), 'Expecting value')] };
  }
}

function jsonInvalid(position: number, reason: string): PydanticIssue {
  return {
    type: 'json_invalid',
    loc: ['body', position],
    msg: 'JSON decode error',
    input: {},
    ctx: { error: reason },
  };
}

/**
 * Parse a path UUID the way pydantic does (hyphenated, simple 32-hex, optional `urn:uuid:`),
 * returning the canonical lowercase form, or the 422 issue for `loc`.
 */
export function parseUuid(
  raw: string,
  loc: (string | number)[],
): { ok: true; value: string } | { ok: false; issue: PydanticIssue } {
  const text = raw.replace(/^urn:uuid:/i, '');
  const value = normalizeUuid(text);
  if (value !== undefined) return { ok: true, value };
  const bad = [...text].findIndex((c) => !/[\da-f-]/i.test(c));
  const reason =
    bad >= 0
      ? `invalid character: expected an optional prefix of \`urn:uuid:\` followed by [0-9a-fA-F-], found \`${text[bad]}\` at ${bad + 1}`
      : `invalid group count: expected 5, found ${text.split('-').length}`;
  return {
    ok: false,
    issue: {
      type: 'uuid_parsing',
      loc,
      msg: `Input should be a valid UUID, ${reason}`,
      input: raw,
      ctx: { error: reason },
    },
  };
}

/**
 * Parse an integer query parameter like FastAPI: absent -> `fallback`; not an integer -> the
 * 422 `int_parsing` issue.
 */
export function parseIntQuery(
  query: URLSearchParams,
  name: string,
  fallback: number,
): { ok: true; value: number } | { ok: false; issue: PydanticIssue } {
  const raw = query.get(name);
  if (raw === null) return { ok: true, value: fallback };
  if (/^\s*[+-]?\d+\s*$/.test(raw)) return { ok: true, value: Number.parseInt(raw, 10) };
  return {
    ok: false,
    issue: {
      type: 'int_parsing',
      loc: ['query', name],
      msg: 'Input should be a valid integer, unable to parse string as an integer',
      input: raw,
    },
  };
}

/** A naive ISO timestamp with microseconds, like Python's `datetime.utcnow().isoformat()`. */
export function pythonTimestamp(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, -1)}000`;
}
