import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { parseBudgetHeaders } from './budget-headers.js';
import { DEFAULT_BASE_URL, resolveOrchClientOptions } from './client-options.js';
import { resolveStreamUrl } from './enqueue-result.js';
import { routesFor } from './routes.js';

describe('routesFor', () => {
  it('builds v1 and v2 routes (docs/protocols/llama-orch.md §2)', () => {
    const v1 = routesFor('v1');
    const v2 = routesFor('v2');
    expect(v1.capabilities).toBe('/v1/capabilities');
    expect(v2.capabilities).toBe('/v2/meta/capabilities');
    expect(v1.stream('a b')).toBe('/v1/tasks/a%20b/stream');
    expect(v2.stream('t')).toBe('/v2/tasks/t/events');
    expect(v2.cancel('t')).toBe('/v2/tasks/t/cancel');
    expect(v1.session('s')).toBe('/v1/sessions/s');
    expect(v1.poolHealth('p')).toBe('/v1/pools/p/health');
    expect(v2.poolDrain('p')).toBe('/v2/pools/p/drain');
    expect(v2.poolReload('p')).toBe('/v2/pools/p/reload');
    expect(v1.tasks).toBe('/v1/tasks');
  });
});

describe('parseBudgetHeaders', () => {
  it('parses present numeric headers and leaves out the rest', () => {
    const headers = new Headers({
      'X-Budget-Tokens-Remaining': '12000',
      'X-Budget-Time-Remaining-Ms': '600000',
      'X-Budget-Cost-Remaining': '0.5',
    });
    expect(parseBudgetHeaders(headers)).toEqual({
      tokensRemaining: 12000,
      timeRemainingMs: 600000,
      costRemaining: 0.5,
    });
    expect(parseBudgetHeaders(new Headers({ 'X-Budget-Tokens-Remaining': 'lots' }))).toEqual({});
    expect(parseBudgetHeaders(new Headers())).toEqual({});
  });
});

describe('resolveStreamUrl', () => {
  const admission = { task_id: 't', queue_position: 0, predicted_start_ms: 0, backoff_ms: 0 };
  it('falls back to the route, resolves relative and absolute stream URLs', () => {
    expect(resolveStreamUrl(admission, 'http://h:1/base', '/v1/tasks/t/stream')).toBe(
      'http://h:1/base/v1/tasks/t/stream',
    );
    expect(
      resolveStreamUrl(
        { ...admission, streams: { sse: '/v2/tasks/t/events' } },
        'http://h:1',
        '/x',
      ),
    ).toBe('http://h:1/v2/tasks/t/events');
    expect(
      resolveStreamUrl(
        { ...admission, streams: { sse: 'https://o/s', sse_verbose: 'https://o/s?verbose=true' } },
        'http://h:1',
        '/x',
      ),
    ).toBe('https://o/s');
  });
  it('prefers sse_verbose when preparation steps were announced', () => {
    expect(
      resolveStreamUrl(
        {
          ...admission,
          streams: { sse: '/s', sse_verbose: '/s?verbose=true' },
          preparation: { steps: [{ id: 'engine:llamacpp' }] },
        },
        'http://h:1',
        '/x',
      ),
    ).toBe('http://h:1/s?verbose=true');
  });
});

describe('resolveOrchClientOptions', () => {
  it('applies defaults', () => {
    expect(resolveOrchClientOptions({})).toEqual({
      baseUrl: DEFAULT_BASE_URL,
      apiVersion: 'v1',
      streamIdleTimeoutMs: 60_000,
      cancelTimeoutMs: 5_000,
    });
    expect(resolveOrchClientOptions({ baseUrl: 'http://x:1/' }).baseUrl).toBe('http://x:1');
  });

  it('lists every problem at once without echoing secrets', () => {
    let error: unknown;
    try {
      resolveOrchClientOptions({
        baseUrl: 'ftp://x',
        apiVersion: 'v3' as never,
        apiKey: '',
        token: 42 as never,
        correlationId: 'bad id\n',
        timeoutMs: -1,
        streamIdleTimeoutMs: Number.NaN,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const settings = (error as ConfigurationError).problems.map((p) => p.setting);
    expect(settings).toEqual([
      'baseUrl',
      'apiVersion',
      'apiKey',
      'token',
      'correlationId',
      'timeoutMs',
      'streamIdleTimeoutMs',
    ]);
    expect(() => resolveOrchClientOptions({ baseUrl: 'not a url' })).toThrow(/absolute http/);
  });
});
