import { describe, expect, it } from 'vitest';
import {
  isSecretField,
  isSecretHeader,
  REDACTED,
  redactHeaders,
  redactText,
  redactUrl,
  redactValue,
} from './redaction.js';

const TOKEN = 'dfssat_ElrtvzEokFpY__ygi38cj0OOEiepWRtPV_mou-JmYuk';

describe('redaction', () => {
  it('recognises secret headers and fields in any case and separator style', () => {
    expect(isSecretHeader('Authorization')).toBe(true);
    expect(isSecretHeader('X-API-Key')).toBe(true);
    expect(isSecretHeader('Cookie')).toBe(true);
    expect(isSecretHeader('Content-Type')).toBe(false);
    for (const name of ['token', 'api_key', 'apiKey', 'API-KEY', 'secret', 'password', 'value']) {
      expect(isSecretField(name)).toBe(true);
    }
    expect(isSecretField('name')).toBe(false);
  });

  it('scrubs known secret values and bearer credentials from text', () => {
    expect(redactText(`token ${TOKEN} leaked`, [TOKEN])).toBe(`token ${REDACTED} leaked`);
    expect(redactText('Authorization: Bearer sk_abcdef123456')).toBe(
      `Authorization: Bearer ${REDACTED}`,
    );
    expect(redactText('short abc', ['abc'])).toBe('short abc');
  });

  it('redacts secret query values and userinfo in URLs', () => {
    const url = redactUrl('https://user:pw@host/x?api_key=abc&limit=5&token=t0k3n');
    expect(url).toBe(
      `https://${REDACTED}:${REDACTED}@host/x?api_key=${REDACTED}&limit=5&token=${REDACTED}`,
    );
    expect(redactUrl(`not a url ${TOKEN}`, [TOKEN])).toBe(`not a url ${REDACTED}`);
  });

  it('redacts credential headers from Headers and plain objects', () => {
    const headers = new Headers({ authorization: `Bearer ${TOKEN}`, 'x-request-id': 'r1' });
    expect(redactHeaders(headers)).toEqual({ authorization: REDACTED, 'x-request-id': 'r1' });
    expect(
      redactHeaders({ 'X-API-Key': 'k', skip: undefined, echo: `x ${TOKEN}` }, [TOKEN]),
    ).toEqual({
      'X-API-Key': REDACTED,
      echo: `x ${REDACTED}`,
    });
    expect(redactHeaders(undefined)).toEqual({});
  });

  it('deep-copies values with secret fields replaced, cycles cut', () => {
    const input: Record<string, unknown> = {
      name: 'OPENAI_API_KEY',
      value: 'sk-proj-1234',
      nested: [{ password: 'hunter22', note: `has ${TOKEN}` }],
      empty: null,
      error: new Error(`failed with ${TOKEN}`),
    };
    input.self = input;
    const out = redactValue(input, [TOKEN]);
    expect(out).toEqual({
      name: 'OPENAI_API_KEY',
      value: REDACTED,
      nested: [{ password: REDACTED, note: `has ${REDACTED}` }],
      empty: null,
      error: { name: 'Error', message: `failed with ${REDACTED}` },
      self: '[Circular]',
    });
    expect(input.value).toBe('sk-proj-1234');
  });
});
