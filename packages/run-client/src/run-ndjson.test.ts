import { AbortError, type ApiError, NotFoundError, TimeoutError } from '@uplink/core-schemas';
import { errorToRecord } from '@uplink/http';
import { describe, expect, it } from 'vitest';
import { decodeRunError as decodeError, RUN_ERROR_FIELDS } from './run-ndjson.js';
import { RunStreamError } from './run-stream-error.js';

const record = (error: unknown) => errorToRecord(error, RUN_ERROR_FIELDS);

describe('NDJSON error records', () => {
  it('keep the fields that say what to do next, nothing else', () => {
    expect(
      record(
        new RunStreamError('lost', { code: 'gap', lastSeq: 2, runId: 'run_a', requestId: 'rq' }),
      ),
    ).toEqual({
      name: 'RunStreamError',
      message: 'lost',
      code: 'gap',
      lastSeq: 2,
      runId: 'run_a',
      requestId: 'rq',
    });
    expect(
      record(
        new NotFoundError('HTTP 404', { status: 404, requestId: 'rq', body: { detail: 'x' } }),
      ),
    ).toEqual({
      name: 'NotFoundError',
      message: 'HTTP 404',
      status: 404,
      requestId: 'rq',
    });
    expect(record(new TimeoutError('idle', { timeout: 'idle' }))).toMatchObject({
      name: 'TimeoutError',
      timeout: 'idle',
    });
    expect(record(new TypeError('plain'))).toEqual({ name: 'TypeError', message: 'plain' });
    expect(record('text')).toEqual({ name: 'Error', message: 'text' });
  });

  it('decode back into our classes', () => {
    const api = decodeError(
      { name: 'NotFoundError', message: 'HTTP 404', status: 404, requestId: 'rq' },
      0,
    );
    expect(api).toBeInstanceOf(NotFoundError);
    expect((api as ApiError).requestId).toBe('rq');
    expect(decodeError({ name: 'AbortError', message: 'stopped' }, 0)).toBeInstanceOf(AbortError);
    expect(decodeError({ name: 'TimeoutError', message: 'slow' }, 0)).toBeInstanceOf(TimeoutError);
    expect(
      decodeError(
        { name: 'RunStreamError', code: 'oversized', message: 'big', lastSeq: 4, runId: 'r' },
        1,
      ),
    ).toMatchObject({
      code: 'oversized',
      lastSeq: 4,
      runId: 'r',
    });
    expect(decodeError({ code: 'made-up' }, 7)).toMatchObject({
      name: 'RunStreamError',
      code: 'server_error',
      message: 'The run stream failed',
      lastSeq: 7,
    });
    expect(decodeError(null, 3)).toMatchObject({ code: 'server_error', lastSeq: 3 });
  });
});
