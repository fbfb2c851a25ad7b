// Every name on the deny lists, spelled out here rather than read from the lists themselves:
// a name dropped from a list must fail a test, not silently shrink it.
import { describe, expect, it } from 'vitest';
import { REDACTED, redactHeaders, redactText, redactUrl, redactValue } from './redaction.js';

/** Header names whose values are never shown, in the spelling servers send. */
const SECRET_HEADERS = [
  'Authorization',
  'Proxy-Authorization',
  'X-API-Key',
  'api-key',
  'X-Auth-Token',
  'X-Amz-Security-Token',
  'Cookie',
  'Set-Cookie',
];

/** JSON field names whose values are never shown, in the spellings APIs use. */
const SECRET_FIELDS = [
  'token',
  'access_token',
  'refreshToken',
  'id_token',
  'sessionToken',
  'security_token',
  'api_key',
  'apiKey',
  'secret',
  'secretValue',
  'password',
  'authorization',
  'value',
  'x-api-key',
  'xApiKey',
  'cookie',
  'client_secret',
  'clientSecret',
  'private_key',
  'X-Amz-Signature',
  'X-Amz-Credential',
  'X-Amz-Security-Token',
  'X-Goog-Signature',
  'X-Goog-Credential',
];

/** Query parameters that only a URL makes secret, and those secret by their ending. */
const SECRET_QUERY_PARAMS = [
  'sig',
  'Signature',
  'Policy',
  'key',
  'Credential',
  'sas_token',
  'upload_signature',
  'gcs_credential',
  'client_secret',
  'db_password',
];

describe('every deny-listed name is redacted', () => {
  it.each(SECRET_HEADERS)('header %s: in a header map and echoed in text', (name) => {
    expect(redactHeaders({ [name]: 'abc123', 'X-Request-Id': 'r-1' })).toEqual({
      [name]: REDACTED,
      'X-Request-Id': 'r-1',
    });
    expect(redactHeaders(new Headers({ [name]: 'abc123' }))).toEqual({
      [name.toLowerCase()]: REDACTED,
    });
    expect(redactText(`the proxy echoed ${name}: abc123 back`)).toBe(
      `the proxy echoed ${name}: ${REDACTED} back`,
    );
  });

  it.each(SECRET_FIELDS)('field %s: in a JSON value and in JSON text', (name) => {
    expect(redactValue({ [name]: 'abc123', id: 'job-1' })).toEqual({
      [name]: REDACTED,
      id: 'job-1',
    });
    expect(redactText(`{"${name}": "abc123", "id": "job-1"}`)).toBe(
      `{"${name}": "${REDACTED}", "id": "job-1"}`,
    );
  });

  it.each([...SECRET_FIELDS.filter((name) => name !== 'value'), ...SECRET_QUERY_PARAMS])(
    'query parameter %s: in a URL and in a URL inside text',
    (name) => {
      const url = `https://files.example/f?${name}=abc123&part=2`;
      expect(redactUrl(url)).toBe(`https://files.example/f?${name}=${REDACTED}&part=2`);
      expect(redactText(`GET ${url} failed`)).toBe(
        `GET https://files.example/f?${name}=${REDACTED}&part=2 failed`,
      );
    },
  );

  it('leaves ordinary names alone, including words that only a URL makes secret', () => {
    const data = {
      id: 'job-1',
      key: 'models/a.bin',
      signature: 'fn(x: int) -> int',
      policy: 'drop-lru',
      tokens: 64,
      token_count: 12,
      name: 'OPENAI_API_KEY',
    };
    expect(redactValue(data)).toEqual(data);
    expect(redactHeaders({ 'Content-Type': 'text/plain', 'X-Request-Id': 'r-1' })).toEqual({
      'Content-Type': 'text/plain',
      'X-Request-Id': 'r-1',
    });
    const url = 'https://h.example/v1/complete?max_tokens=64&tokens_in=3&keyword=k&limit=5';
    expect(redactUrl(url)).toBe(url);
  });
});

describe('URLs in free text are redacted where no name=value pattern reaches', () => {
  it('userinfo (user and password, user only, password only), http and https', () => {
    expect(redactText('could not reach https://bob:hunter2@db.example/x, giving up')).toBe(
      `could not reach https://${REDACTED}:${REDACTED}@db.example/x, giving up`,
    );
    expect(redactText('clone http://deploy-token-123@git.example/repo.git failed')).toBe(
      `clone http://${REDACTED}@git.example/repo.git failed`,
    );
    expect(redactText('proxy https://:p4ss@proxy.example:8080/ refused')).toBe(
      `proxy https://:${REDACTED}@proxy.example:8080/ refused`,
    );
  });

  it('secret parameters in the fragment (an OAuth implicit redirect), the rest kept', () => {
    const text = 'redirected to https://app.example/cb#access_token=at-123&state=xyz.';
    expect(redactText(text)).toBe(
      `redirected to https://app.example/cb#access_token=${REDACTED}&state=xyz.`,
    );
    expect(redactUrl('https://app.example/cb#state=xyz&id_token=it-9')).toBe(
      `https://app.example/cb#state=xyz&id_token=${REDACTED}`,
    );
  });

  it('a fragment that is only an anchor stays as written, even when named like a secret', () => {
    for (const url of [
      'https://docs.example/auth#token',
      'https://docs.example/auth#page=2',
      'https://docs.example/auth#section-3',
    ]) {
      expect(redactUrl(url)).toBe(url);
      expect(redactText(`see ${url} for more`)).toBe(`see ${url} for more`);
    }
  });

  it('a whole secret query value, even with characters a name=value pattern stops at', () => {
    expect(redactText('GET https://h.example/x?token=part1,part2;part3 failed')).toBe(
      `GET https://h.example/x?token=${REDACTED} failed`,
    );
    // A name starting with `_` is secret once normalised (`_token` is `token`).
    expect(redactText('GET https://h.example/x?_token=abc&page=2 failed')).toBe(
      `GET https://h.example/x?_token=${REDACTED}&page=2 failed`,
    );
  });

  it('a long URL with a path, a port and many parameters is redacted whole', () => {
    const path = Array.from({ length: 12 }, (_, i) => `segment-${i}`).join('/');
    expect(redactText(`GET http://h.example:8080/${path}?a=1&_secret=s-1&b=2 -> 500`)).toBe(
      `GET http://h.example:8080/${path}?a=1&_secret=${REDACTED}&b=2 -> 500`,
    );
  });

  it('keeps the spelling of a URL in free text that holds no credential', () => {
    for (const text of [
      'see https://Docs.Example.com for help',
      'GET http://h.example:80/a/../b?q=a%20b failed',
      'from https://h.example/x?limit=5#top',
    ]) {
      expect(redactText(text)).toBe(text);
    }
  });

  it('redactUrl gives the URL in its standard form, so one URL reads the same everywhere', () => {
    expect(redactUrl('HTTPS://H.Example:443/a/../b')).toBe('https://h.example/b');
    expect(redactUrl('https://h.example')).toBe('https://h.example/');
    expect(redactUrl('https://U:P@H.Example/a/../b')).toBe(
      `https://${REDACTED}:${REDACTED}@h.example/b`,
    );
  });
});

describe('known secret values', () => {
  it('are searched for from 8 characters on, and shorter ones only by position', () => {
    expect(redactText('key abcd1234 used', ['abcd1234'])).toBe(`key ${REDACTED} used`);
    expect(redactText('key abcd123 used', ['abcd123'])).toBe('key abcd123 used');
  });

  it('are found percent-encoded, as they appear inside a URL', () => {
    const secret = 'p@ss/word+key=1';
    expect(
      redactText(`GET https://h.example/x?q=${encodeURIComponent(secret)} failed`, [secret]),
    ).toBe(`GET https://h.example/x?q=${REDACTED} failed`);
    expect(redactText(`raw ${secret} here`, [secret])).toBe(`raw ${REDACTED} here`);
  });

  it('skip unset entries and survive a lone surrogate in a secret', () => {
    expect(redactText('token abcdefghij here', [undefined, 'abcdefghij'])).toBe(
      `token ${REDACTED} here`,
    );
    const odd = '\uD800abcdefghij';
    expect(redactText(`x ${odd} y`, [odd])).toBe(`x ${REDACTED} y`);
  });
});

describe('redactValue', () => {
  it('keeps a secret field that holds nothing as it is (no token is not a token)', () => {
    expect(redactValue({ token: null, password: undefined, api_key: '' })).toEqual({
      token: null,
      password: undefined,
      api_key: REDACTED,
    });
  });

  it('copies 20 levels of objects, arrays and errors, and cuts what lies deeper', () => {
    // Level n holds level n + 1: objects, then arrays, then objects again.
    const build = (depth: number, make: (inner: unknown) => unknown): unknown => {
      let value: unknown = 'leaf';
      for (let i = 0; i < depth; i++) value = make(value);
      return value;
    };
    const objects = build(21, (inner) => ({ next: inner }));
    expect(redactValue(objects)).toEqual(objects);
    expect(redactValue(build(22, (inner) => ({ next: inner })))).toEqual(
      build(21, (inner) => ({ next: inner === 'leaf' ? '[Circular]' : inner })),
    );
    const arrays = build(21, (inner) => [inner]);
    expect(redactValue(arrays)).toEqual(arrays);
    expect(redactValue(build(22, (inner) => [inner]))).toEqual(
      build(21, (inner) => [inner === 'leaf' ? '[Circular]' : inner]),
    );
    // An error is copied as {name, message}: one more level.
    const error = new Error('deep failure');
    expect(redactValue(deep(19, error))).toEqual(
      deep(19, { name: 'Error', message: 'deep failure' }),
    );
    expect(redactValue(deep(20, error))).toEqual(deep(20, '[Circular]'));
  });

  it('a copied __proto__ key is ordinary data: enumerable, writable and deletable', () => {
    const copy = redactValue(JSON.parse('{"__proto__":{"x":1}}')) as Record<string, unknown>;
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')).toEqual({
      value: { x: 1 },
      enumerable: true,
      writable: true,
      configurable: true,
    });
  });
});

/** `value` nested `levels` objects deep. */
function deep(levels: number, value: unknown): unknown {
  let out = value;
  for (let i = 0; i < levels; i++) out = { next: out };
  return out;
}
