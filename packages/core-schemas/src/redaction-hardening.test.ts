import { describe, expect, it } from 'vitest';
import { createApiError } from './errors/index.js';
import { REDACTED, redactText, redactUrl, redactValue } from './redaction.js';

/** llama-orch v1 accepts exactly this key, so it is a real credential that is also a word. */
const SHORT_KEY = 'valid';
const LONG_KEY = 'sk-live-7f3a9c1e5b2d4f6a8c0e9b1d3f5a7c9e';

describe('redaction never damages text that is not a secret', () => {
  it('keeps "valid" and "invalid" in free text when the key is the short word `valid`', () => {
    const text = 'engine: Invalid type: expected a valid ctx (invalid value -1)';
    expect(redactText(text, [SHORT_KEY])).toBe(text);
    const body = { detail: 'invalid params', hint: 'send a valid ctx', tags: ['valid'] };
    expect(redactValue(body, [SHORT_KEY])).toEqual(body);
  });

  it('still redacts a short key where it stands as a credential', () => {
    expect(redactText(`X-API-Key: ${SHORT_KEY} was refused`, [SHORT_KEY])).toBe(
      `X-API-Key: ${REDACTED} was refused`,
    );
    expect(redactText(`"x-api-key":"${SHORT_KEY}"`)).toBe(`"x-api-key":"${REDACTED}"`);
    expect(redactText(`api_key=${SHORT_KEY}&limit=5`)).toBe(`api_key=${REDACTED}&limit=5`);
    expect(redactText(`Authorization: Bearer ${SHORT_KEY}`)).toBe(
      `Authorization: Bearer ${REDACTED}`,
    );
    expect(redactUrl(`https://h/x?api_key=${SHORT_KEY}&q=valid`, [SHORT_KEY])).toBe(
      `https://h/x?api_key=${REDACTED}&q=valid`,
    );
    expect(redactUrl(`https://user:${SHORT_KEY}@h/x`, [SHORT_KEY])).toBe(
      `https://${REDACTED}:${REDACTED}@h/x`,
    );
    expect(redactValue({ api_key: SHORT_KEY, note: 'valid' }, [SHORT_KEY])).toEqual({
      api_key: REDACTED,
      note: 'valid',
    });
  });

  it('leaves validation messages about credential fields alone', () => {
    for (const text of [
      'header.authorization: Field required',
      'body.api_key: String should have at most 255 characters',
      'Missing X-API-Key header',
      'expected value=5 for ctx',
      'a token budget of 64 tokens',
    ]) {
      expect(redactText(text, [SHORT_KEY])).toBe(text);
    }
  });

  it('redacts presigned URLs inside free text, keeping the sentence around them', () => {
    expect(
      redactText('GET https://b.s3.amazonaws.com/m?X-Amz-Signature=abc123&x=1 failed (403).'),
    ).toBe(`GET https://b.s3.amazonaws.com/m?X-Amz-Signature=${REDACTED}&x=1 failed (403).`);
  });

  it('redacts a long key pasted anywhere in free text', () => {
    expect(redactText(`oops ${LONG_KEY}, again:${LONG_KEY}`, [LONG_KEY])).toBe(
      `oops ${REDACTED}, again:${REDACTED}`,
    );
    expect(redactValue({ note: `key was ${LONG_KEY}` }, [LONG_KEY])).toEqual({
      note: `key was ${REDACTED}`,
    });
  });
});

describe('redactValue keeps hostile keys as data', () => {
  it('copies __proto__, constructor and prototype keys as own data, prototypes untouched', () => {
    const parsed = JSON.parse(
      '{"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}},"prototype":{"x":1},"detail":"no"}',
    ) as Record<string, unknown>;
    const copy = redactValue(parsed) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { isAdmin?: unknown }).isAdmin).toBeUndefined();
    expect(Object.hasOwn(copy, '__proto__')).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy, '__proto__')?.value).toEqual({
      polluted: true,
      isAdmin: true,
    });
    expect(Object.getOwnPropertyDescriptor(copy, 'constructor')?.value).toEqual({
      prototype: { polluted: true },
    });
    expect(Object.getOwnPropertyDescriptor(copy, 'prototype')?.value).toEqual({ x: 1 });
    expect(Object.keys(copy)).toEqual(['__proto__', 'constructor', 'prototype', 'detail']);
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('an ApiError body built from such a payload keeps it as data', () => {
    const body = JSON.parse('{"__proto__":{"status":200,"ok":true},"detail":"denied"}');
    const error = createApiError('HTTP 403', { status: 403, body: redactValue(body) });
    const kept = error.body as Record<string, unknown>;
    expect(Object.getPrototypeOf(kept)).toBe(Object.prototype);
    expect((kept as { ok?: unknown }).ok).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(kept, '__proto__')?.value).toEqual({
      status: 200,
      ok: true,
    });
    const json = JSON.parse(JSON.stringify(error.toJSON())) as { body: Record<string, unknown> };
    expect(Object.getOwnPropertyDescriptor(json.body, '__proto__')?.value).toEqual({
      status: 200,
      ok: true,
    });
    expect(({} as { ok?: unknown }).ok).toBeUndefined();
  });
});

describe('redactUrl hides presigned signatures and credentials', () => {
  it.each([
    [
      'S3 / MinIO',
      'https://bucket.s3.amazonaws.com/model.bin?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20250101T000000Z&X-Amz-Expires=43200&X-Amz-SignedHeaders=host&X-Amz-Security-Token=FwoGZXIvYXdzEJr&X-Amz-Signature=0123456789abcdef0123456789abcdef',
      ['AKIAIOSFODNN7EXAMPLE', 'FwoGZXIvYXdzEJr', '0123456789abcdef0123456789abcdef'],
      ['X-Amz-Algorithm=AWS4-HMAC-SHA256', 'X-Amz-Expires=43200', 'X-Amz-SignedHeaders=host'],
    ],
    [
      'Azure SAS',
      'https://acct.blob.core.windows.net/c/model.bin?sv=2022-11-02&se=2025-01-01T00%3A00%3A00Z&sr=b&sp=r&sig=AbCdEf%2BGhIjKlMn%3D',
      ['AbCdEf'],
      ['sv=2022-11-02', 'sp=r'],
    ],
    [
      'GCS',
      'https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=svc%40proj.iam.gserviceaccount.com&X-Goog-Signature=deadbeefcafe0123',
      ['gserviceaccount', 'deadbeefcafe0123'],
      ['X-Goog-Algorithm=GOOG4-RSA-SHA256'],
    ],
    [
      'generic',
      'https://cdn.example.com/f?Signature=s1gn4ture&Policy=p0l1cy&Key-Pair-Id=K2ABC&access_token=at-1&session_token=st-2',
      ['s1gn4ture', 'p0l1cy', 'at-1', 'st-2'],
      ['Key-Pair-Id=K2ABC'],
    ],
  ])('%s', (_name, url, hidden, kept) => {
    const shown = redactUrl(url);
    for (const secret of hidden) expect(shown).not.toContain(secret);
    for (const part of kept) expect(shown).toContain(part);
    expect(shown).toContain(REDACTED);
  });

  it('is what ApiError.toJSON() shows for a presigned URL', () => {
    const url =
      'https://bucket.s3.amazonaws.com/m?X-Amz-Credential=AKIAIOSFODNN7EXAMPLE&X-Amz-Signature=0123456789abcdef';
    const error = createApiError('HTTP 403', { status: 403, url: redactUrl(url) });
    const json = JSON.stringify(error.toJSON());
    expect(json).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(json).not.toContain('0123456789abcdef');
  });
});
