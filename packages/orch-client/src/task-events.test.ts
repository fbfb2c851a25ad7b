import { describe, expect, it } from 'vitest';
import {
  toEndEvent,
  toErrorEvent,
  toStartedEvent,
  toTokenEvents,
  UNKNOWN_STREAM_ERROR_CODE,
} from './task-events.js';

describe('task event normalisation (docs/protocols/llama-orch.md §6.6)', () => {
  it('gives zeros for started {}', () => {
    expect(toStartedEvent({})).toEqual({ type: 'started', queuePosition: 0, predictedStartMs: 0 });
    expect(toStartedEvent({ queue_position: 3, predicted_start_ms: 420 })).toEqual({
      type: 'started',
      queuePosition: 3,
      predictedStartMs: 420,
    });
  });

  it('flattens microbatched tokens in order', () => {
    expect(
      toTokenEvents({
        batch: [
          { t: 'Hello', i: 0 },
          { t: ' world', i: 1 },
        ],
      }),
    ).toEqual([
      { type: 'token', text: 'Hello', index: 0 },
      { type: 'token', text: ' world', index: 1 },
    ]);
    expect(toTokenEvents({ t: 'x', i: 7 })).toEqual([{ type: 'token', text: 'x', index: 7 }]);
  });

  it('maps decode_time_ms to decodeMs and recognises canceled', () => {
    expect(toEndEvent({ tokens_out: 1, decode_time_ms: 5 })).toEqual({
      type: 'end',
      tokensOut: 1,
      decodeMs: 5,
      canceled: false,
    });
    expect(toEndEvent({ tokens_out: 4, decode_ms: 310 }).decodeMs).toBe(310);
    expect(toEndEvent({ canceled: true })).toEqual({
      type: 'end',
      tokensOut: undefined,
      decodeMs: undefined,
      canceled: true,
    });
  });

  it('gives a code of its own to an error without one', () => {
    const event = toErrorEvent({ message: 'adapter error' });
    expect(event.code).toBe(UNKNOWN_STREAM_ERROR_CODE);
    expect(event.message).toBe('adapter error');
    expect(event.retriable).toBeUndefined();
    expect(toErrorEvent({}).message).toContain(UNKNOWN_STREAM_ERROR_CODE);
  });

  it('converts CamelCase codes, keeps numeric and unknown codes, and fills retriable', () => {
    const camel = toErrorEvent({ code: 'PoolUnready', message: 'x', retry_after_ms: 500 });
    expect(camel).toMatchObject({ code: 'POOL_UNREADY', retriable: true, retryAfterMs: 500 });
    expect(toErrorEvent({ code: 40101 }).code).toBe('40101');
    expect(toErrorEvent({ code: 'SOMETHING_NEW' })).toMatchObject({
      code: 'SOMETHING_NEW',
      retriable: undefined,
    });
    expect(toErrorEvent({ code: 'INTERNAL' }).retriable).toBe(false);
    expect(toErrorEvent({ code: 'INTERNAL', retriable: true }).retriable).toBe(true);
    expect(toErrorEvent({ code: 'POOL_UNAVAILABLE', engine: 'vllm' }).engine).toBe('vllm');
  });
});
