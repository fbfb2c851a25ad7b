// docs/protocols/saturn.md §2.1 (the success envelope) and §6 (bad input becomes a typed error)
import { ResponseValidationError, redactText } from '@uplink/core-schemas';
import { type Meta, saturnEnvelope } from '@uplink/core-schemas/saturn';
import * as v from 'valibot';

/** Where a success body came from. */
export interface EnvelopeContext {
  method: string;
  path: string;
  /** Redacted URL. */
  url: string;
  status: number;
  contentType: string | null;
  requestId: string;
  secrets: readonly string[];
}

const envelopes = new WeakMap<v.GenericSchema, v.GenericSchema>();

/** The `{data, meta}` schema around `data`, built once per data schema. */
function envelopeOf(data: v.GenericSchema): v.GenericSchema {
  let envelope = envelopes.get(data);
  if (!envelope) {
    envelope = saturnEnvelope(data);
    envelopes.set(data, envelope);
  }
  return envelope;
}

/** A parsed success envelope. */
export interface ParsedEnvelope<T> {
  data: T;
  meta?: Meta | undefined;
}

function describeText(text: string, contentType: string | null): string {
  const title = /<title[^>]*>([\s\S]*?)<\/title>/i.exec(text)?.[1];
  const isHtml = contentType?.includes('text/html') || /^\s*<(!doctype|html)/i.test(text);
  const shown = isHtml
    ? `HTML page${title ? ` "${title.replace(/\s+/g, ' ').trim().slice(0, 120)}"` : ''}`
    : `"${text.replace(/\s+/g, ' ').trim().slice(0, 80)}"`;
  return `${contentType ?? 'untyped'} body ${shown}`;
}

/**
 * Parse a 2xx body as SATURN's `{data, meta}` around `data`, or throw
 * {@link ResponseValidationError}: an empty body, text that is not JSON (an HTML page from a
 * proxy), an envelope without `data`, or data that does not match its schema.
 */
export function parseEnvelope<S extends v.GenericSchema>(
  schema: S,
  text: string,
  ctx: EnvelopeContext,
): ParsedEnvelope<v.InferOutput<S>> {
  const fail = (issues: readonly v.BaseIssue<unknown>[], note = ''): ResponseValidationError =>
    new ResponseValidationError({
      issues,
      subject: `SATURN ${ctx.method} ${ctx.path} response${note}`,
      method: ctx.method,
      url: ctx.url,
      status: ctx.status,
      requestId: ctx.requestId,
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const empty = text.trim() === '';
    throw fail(
      [
        {
          kind: 'schema',
          type: 'json',
          input: undefined,
          expected: 'a JSON {data, meta} envelope',
          received: empty
            ? 'an empty body'
            : redactText(describeText(text, ctx.contentType), ctx.secrets),
          message: empty ? 'The response body is empty' : 'The response body is not valid JSON',
        } as v.BaseIssue<unknown>,
      ],
      ` (HTTP ${ctx.status})`,
    );
  }
  const result = v.safeParse(envelopeOf(schema), json);
  if (result.success) return result.output as ParsedEnvelope<v.InferOutput<S>>;
  // Issues quote received values; none may show a credential the server echoed.
  throw fail(
    result.issues.map(
      (issue) =>
        ({
          ...issue,
          received: redactText(issue.received, ctx.secrets),
          message: redactText(issue.message, ctx.secrets),
          input:
            typeof issue.input === 'string' ? redactText(issue.input, ctx.secrets) : issue.input,
        }) as v.BaseIssue<unknown>,
    ),
  );
}
