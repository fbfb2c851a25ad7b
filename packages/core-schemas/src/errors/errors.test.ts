import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseWire } from '../parse.js';
import {
  AbortError,
  ApiError,
  AuthenticationError,
  BadRequestError,
  ConfigurationError,
  ConflictError,
  ConnectionError,
  createApiError,
  InternalServerError,
  isUplinkError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  ResponseValidationError,
  StreamError,
  TimeoutError,
  UnprocessableEntityError,
  UPLINK_ERROR_MARKER,
  UplinkError,
} from './index.js';

describe('createApiError', () => {
  it.each([
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
  ])('maps %i to its subclass', (status, Class) => {
    const error = createApiError('boom', { status });
    expect(error).toBeInstanceOf(Class);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toBeInstanceOf(UplinkError);
    expect(error.status).toBe(status);
    expect(error.name).toBe(Class.name);
  });

  it('keeps plain ApiError for other statuses and carries the context', () => {
    const error = createApiError('teapot', {
      status: 418,
      code: 'TEAPOT',
      requestId: 'req-1',
      correlationId: 'corr-1',
      headers: { 'x-request-id': 'req-1' },
      body: { detail: 'teapot' },
      method: 'GET',
      url: 'http://127.0.0.1/x',
      retryAfterMs: 1000,
      retriable: true,
    });
    expect(error.constructor).toBe(ApiError);
    expect(error).toMatchObject({
      code: 'TEAPOT',
      requestId: 'req-1',
      correlationId: 'corr-1',
      method: 'GET',
      url: 'http://127.0.0.1/x',
      retryAfterMs: 1000,
      retriable: true,
    });
  });
});

describe('isUplinkError', () => {
  it('recognises errors from a duplicate install through the Symbol.for marker', () => {
    const foreign = Object.assign(new Error('x'), { [Symbol.for('uplink.error')]: true });
    expect(isUplinkError(foreign)).toBe(true);
    expect(isUplinkError(new TimeoutError('t', { timeout: 'idle' }))).toBe(true);
    expect(UPLINK_ERROR_MARKER).toBe(Symbol.for('uplink.error'));
  });

  it('rejects ordinary errors and non-objects', () => {
    expect(isUplinkError(new Error('x'))).toBe(false);
    expect(isUplinkError(null)).toBe(false);
    expect(isUplinkError('uplink')).toBe(false);
  });
});

describe('toJSON', () => {
  it('is redacted, includes the fields and a summarised cause', () => {
    const cause = Object.assign(new Error('socket hang up Bearer abcdefgh1234'), {
      code: 'ECONNRESET',
    });
    const error = new ConnectionError('connection failed', {
      cause,
      method: 'GET',
      url: 'http://h/x',
    });
    const json = error.toJSON();
    expect(json).toEqual({
      name: 'ConnectionError',
      message: 'connection failed',
      method: 'GET',
      url: 'http://h/x',
      cause: { name: 'Error', message: 'socket hang up Bearer [REDACTED]', code: 'ECONNRESET' },
    });
  });

  it('redacts secret fields of an API error body and nested Uplink causes', () => {
    const inner = createApiError('inner', { status: 401, body: { token: 'dfssat_secret_value' } });
    const outer = new StreamError('stream failed', {
      code: 'server_error',
      cause: inner,
      retriable: false,
    });
    const text = JSON.stringify(outer);
    expect(text).not.toContain('dfssat_secret_value');
    expect(text).toContain('[REDACTED]');
    expect(outer.code).toBe('server_error');
  });
});

describe('transport errors', () => {
  it('TimeoutError says which timeout fired', () => {
    const error = new TimeoutError('idle for 60000 ms', { timeout: 'idle', timeoutMs: 60000 });
    expect(error.timeout).toBe('idle');
    expect(error.timeoutMs).toBe(60000);
  });

  it('AbortError has a default message', () => {
    expect(new AbortError().message).toBe('The operation was aborted');
  });
});

describe('ConfigurationError', () => {
  it('lists every problem at once', () => {
    const error = new ConfigurationError([
      { setting: 'LUML_SATELLITE_TOKEN', message: 'is required' },
      { setting: 'LUML_POLL_INTERVAL', message: 'expected a positive number, got "-1"' },
    ]);
    expect(error.message).toContain('2 problems');
    expect(error.message).toContain('LUML_SATELLITE_TOKEN: is required');
    expect(error.message).toContain('LUML_POLL_INTERVAL: expected a positive number');
    expect(error.problems).toHaveLength(2);
  });

  it('accepts a single message', () => {
    const error = new ConfigurationError('token is empty');
    expect(error.message).toBe('Invalid configuration: token is empty');
    expect(error.problems).toEqual([{ setting: '', message: 'token is empty' }]);
  });
});

describe('ResponseValidationError and parseWire', () => {
  const Schema = v.object({ items: v.array(v.object({ id: v.string(), n: v.number() })) });

  it('returns the parsed output when valid', () => {
    expect(parseWire(Schema, { items: [{ id: 'a', n: 1 }] })).toEqual({
      items: [{ id: 'a', n: 1 }],
    });
  });

  it('names the first bad path and what was expected', () => {
    let caught: unknown;
    try {
      parseWire(
        Schema,
        {
          items: [
            { id: 'a', n: 1 },
            { id: 2, n: 'x' },
          ],
        },
        'GET /things',
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ResponseValidationError);
    const error = caught as ResponseValidationError;
    expect(error.message).toBe(
      'Invalid GET /things: at "items.1.id" expected string, received 2 (+1 more problem(s))',
    );
    expect(error.path).toBe('items.1.id');
    expect(error.problems.map((p) => p.path)).toEqual(['items.1.id', 'items.1.n']);
    expect(error.issues).toHaveLength(2);
    expect(Object.keys(error.toJSON())).not.toContain('issues');
  });

  it('reports a root mismatch', () => {
    expect(() => parseWire(Schema, 'nope')).toThrow(
      'Invalid response: at the root expected Object',
    );
  });
});
