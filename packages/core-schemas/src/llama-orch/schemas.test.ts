// docs/protocols/llama-orch.md §5, §6.6 and §11: tolerant readers, strict bodies, error kinds.
import { describe, expect, it } from 'vitest';
import { parseWire } from '../parse.js';
import {
  AdmissionResponseSchema,
  ERROR_KIND_CODES,
  ERROR_KINDS,
  ErrorEnvelopeSchema,
  isErrorKind,
  normalizeErrorCode,
  SseEndSchema,
  SseErrorSchema,
  SseMetricsSchema,
  SseStartedSchema,
  SseTokenSchema,
  TaskRequestSchema,
} from './index.js';

describe('error kinds', () => {
  it('registers the 12 codes with their status and retriability', () => {
    expect(ERROR_KIND_CODES).toHaveLength(12);
    expect(Object.keys(ERROR_KINDS).sort()).toEqual([...ERROR_KIND_CODES].sort());
    expect(ERROR_KINDS.ADMISSION_REJECT).toEqual({ status: 429, retriable: true });
    expect(ERROR_KINDS.QUEUE_FULL_DROP_LRU).toEqual({ status: 429, retriable: true });
    expect(ERROR_KINDS.INVALID_PARAMS).toEqual({ status: 400, retriable: false });
    expect(ERROR_KINDS.DEADLINE_UNMET.status).toBe(400);
    expect(ERROR_KINDS.POOL_UNAVAILABLE).toEqual({ status: 503, retriable: true });
    expect(ERROR_KINDS.INTERNAL).toEqual({ status: 500, retriable: false });
    expect(ERROR_KINDS.MODEL_DEPRECATED.status).toBeNull();
    expect(Object.isFrozen(ERROR_KINDS)).toBe(true);
  });

  it('recognises known kinds only', () => {
    expect(isErrorKind('POOL_UNREADY')).toBe(true);
    expect(isErrorKind('PoolUnready')).toBe(false);
    expect(isErrorKind('toString')).toBe(false);
    expect(isErrorKind(503)).toBe(false);
  });

  it.each([
    ['PoolUnready', 'POOL_UNREADY'],
    ['AdmissionReject', 'ADMISSION_REJECT'],
    ['HTTPError', 'HTTP_ERROR'],
    ['Worker2Reset', 'WORKER2_RESET'],
    ['INVALID_PARAMS', 'INVALID_PARAMS'],
    ['SOMETHING_NEW', 'SOMETHING_NEW'],
    ['weird-code', 'weird-code'],
    [40101, '40101'],
    ['', undefined],
    [null, undefined],
    [Number.NaN, undefined],
  ] as const)('normalizes %j to %j', (input, expected) => {
    expect(normalizeErrorCode(input)).toBe(expected);
  });
});

describe('tolerant response readers', () => {
  it('keeps unknown error codes, numeric codes and unknown fields', () => {
    expect(parseWire(ErrorEnvelopeSchema, { code: 'PoolUnready', extra: 1 })).toEqual({
      code: 'PoolUnready',
      extra: 1,
    });
    expect(parseWire(ErrorEnvelopeSchema, { code: 40101, message: 'MISSING_TOKEN' }).code).toBe(
      40101,
    );
    expect(() => parseWire(ErrorEnvelopeSchema, { code: 1.5 })).toThrow(/code/);
  });

  it('accepts every end variant', () => {
    for (const end of [
      { tokens_out: 4, decode_ms: 310 },
      { tokens_out: 1, decode_time_ms: 5 },
      { canceled: true },
      {},
    ]) {
      expect(parseWire(SseEndSchema, end)).toEqual(end);
    }
  });

  it('accepts single and batched tokens', () => {
    expect(parseWire(SseTokenSchema, { t: 'Hello', i: 0 })).toEqual({ t: 'Hello', i: 0 });
    const batch = {
      batch: [
        { t: 'Hello', i: 0 },
        { t: ' world', i: 1 },
      ],
    };
    expect(parseWire(SseTokenSchema, batch)).toEqual(batch);
  });

  it('names the bad field of a token frame, single or batched', () => {
    expect(() => parseWire(SseTokenSchema, { t: 5, i: 0 }, 'SSE token')).toThrow(
      /at "t" expected string, received 5/,
    );
    expect(() => parseWire(SseTokenSchema, { batch: [{ t: 'a', i: 'x' }] })).toThrow(
      /at "batch\.0\.i" expected/,
    );
    expect(() => parseWire(SseTokenSchema, 'Hello')).toThrow(/expected Object, received "Hello"/);
  });

  it('accepts error frames without a code or message, with spec fields', () => {
    expect(parseWire(SseErrorSchema, { message: 'adapter error' })).toEqual({
      message: 'adapter error',
    });
    expect(parseWire(SseErrorSchema, { code: 'X', retriable: true, retry_after_ms: 5 })).toEqual({
      code: 'X',
      retriable: true,
      retry_after_ms: 5,
    });
  });

  it('accepts an empty started and metrics with unknown fields', () => {
    expect(parseWire(SseStartedSchema, {})).toEqual({});
    const metrics = { human: 'Downloading', phase: 'download', novel: [1] };
    expect(parseWire(SseMetricsSchema, metrics)).toEqual(metrics);
  });

  it('accepts admission with and without streams and preparation', () => {
    const base = { task_id: 't', queue_position: 0, predicted_start_ms: 0, backoff_ms: 0 };
    expect(parseWire(AdmissionResponseSchema, base)).toEqual(base);
    const v2 = {
      ...base,
      streams: { sse: '/v2/tasks/t/events' },
      preparation: { steps: [{ id: 'pool:x', kind: 'pool_warmup', status: 'new-status' }] },
    };
    expect(parseWire(AdmissionResponseSchema, v2)).toEqual(v2);
  });
});

describe('strict request bodies', () => {
  const minimal = {
    task_id: 't-0',
    session_id: 's-0',
    workload: 'completion',
    model_ref: 'model0',
    engine: 'llamacpp',
    ctx: 0,
    priority: 'interactive',
    max_tokens: 1,
    deadline_ms: 1000,
  };

  it('accepts non-UUID ids and sentinel values (the server checks neither)', () => {
    expect(parseWire(TaskRequestSchema, { ...minimal, ctx: -1, deadline_ms: 0 })).toEqual({
      ...minimal,
      ctx: -1,
      deadline_ms: 0,
    });
  });

  it('requires each of the nine required fields', () => {
    const required = Object.keys(minimal);
    expect(required).toHaveLength(9);
    for (const key of required) {
      const body: Record<string, unknown> = { ...minimal };
      delete body[key];
      expect(() => parseWire(TaskRequestSchema, body), key).toThrow(key);
    }
  });
});
