import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type FakeAgentSdk, startFakeAgentSdk } from './fake-agent-sdk.js';
import type { FakeAgentSdkOptions } from './options.js';
import { readSse } from './test-helpers.js';

// Replays the wire examples of fixtures/agent-sdk against the fake: each request is sent as
// written (ids and keys substituted), and the answer must match the example: exactly for error
// bodies and headers, in shape (keys in order, value types) where ids and times differ.
const dir = resolve(import.meta.dirname, '../../../../fixtures/agent-sdk');
const KEY = '<API_KEY>';

interface Fixture {
  request?: {
    method: string;
    path: string;
    headers?: Record<string, string | null>;
    body?: unknown;
    rawBody?: string;
  };
  response?: {
    status: number;
    headers: Record<string, string>;
    body?: unknown;
    sse?: string;
    ends?: boolean;
  };
  frames?: { from: 'client' | 'server'; text: string }[];
}
const load = (name: string): Fixture =>
  JSON.parse(readFileSync(resolve(dir, `${name}.json`), 'utf8')) as Fixture;
const all = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5));

/** Fixtures the fake cannot produce, and why. */
const NOT_REPRODUCED: Record<string, string> = {
  'run-internal-500': 'an unexpected exception inside the server',
  'run-invalid-input-400': 'a validation error raised inside the agent runtime',
  'get-run-contract': "the server's own contract fixture, with ids the fake does not hold",
  'get-session-contract': "the server's own contract fixture, with ids the fake does not hold",
  'stream-reference-form':
    'the compact example of the protocol note; the server writes spaced JSON',
  'run-sync-reference-form':
    'the example answer of the protocol note (role assistant, empty metadata); the server sends role agent with metadata',
  'stream-split-consumer': 'needs two concurrent consumers (fake-streams.test.ts covers it)',
};

/** A value's shape: keys in order, leaf types. */
function shape(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shape(v)]));
  }
  return value === null ? null : typeof value;
}

let fake: FakeAgentSdk | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

type Vars = Record<string, string>;
const post = async (
  f: FakeAgentSdk,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) => {
  const res = await fetch(`${f.url}${path}`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
};
const streamed = async (f: FakeAgentSdk, org: string): Promise<string> => {
  const res = await fetch(`${f.url}/v1/run/stream`, {
    method: 'POST',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json', 'x-org-id': org },
    body: JSON.stringify({ task: 'Summarise the open incidents' }),
  });
  const { events } = await readSse(res);
  const runId = events[0]?.run_id as string;
  await f.state.runs.get(runId)?.done;
  return runId;
};
const RUN = 'run_5f0c2a7e9b1d4c6f8a0e3b5d7c9f1a2b';

/** Per-fixture setup: fake options, and state created before the request (ids to substitute). */
const SETUP: Record<
  string,
  { options?: FakeAgentSdkOptions; before?: (f: FakeAgentSdk) => Promise<Vars> }
> = {
  'run-project-mismatch-403': { options: { apiKeys: [{ key: KEY, projectId: 'proj_a' }] } },
  'run-quota-429': { options: { quotas: { default: { maxRuns: 0 } } } },
  'run-rate-limit-429': {
    options: { apiKeys: [{ key: KEY, rateLimitPerMinute: 1 }] },
    before: async (f) => {
      await fetch(`${f.url}/v1/sessions`, { headers: { 'x-api-key': KEY } });
      return {};
    },
  },
  'run-execution-failed-500': { options: { failTask: () => 'model unavailable' } },
  'get-run-completed': {
    before: async (f) => {
      const res = await post(
        f,
        '/v1/run',
        { task: 't', tags: { project: 'alpha' }, lineage: { source: 'jira', ticket: 'A-1' } },
        { 'x-org-id': 'acme' },
      );
      return { [RUN]: (res.result as { run_id: string }).run_id };
    },
  },
  'get-run-streamed-finished': { before: async (f) => ({ [RUN]: await streamed(f, 'acme') }) },
  'get-run-streamed-forbidden-403': { before: async (f) => ({ [RUN]: await streamed(f, 'acme') }) },
  'get-run-channel': {
    before: async (f) => ({
      [RUN]: (await post(f, '/v1/channels/webhook', { message: 'm' })).run_id as string,
    }),
  },
  'replay-page': { before: async (f) => ({ [RUN]: await streamed(f, 'default') }) },
  'replay-all': { before: async (f) => ({ [RUN]: await streamed(f, 'default') }) },
  'replay-limit-zero': { before: async (f) => ({ [RUN]: await streamed(f, 'default') }) },
  'replay-from-seq-abc-422': { before: async (f) => ({ [RUN]: await streamed(f, 'default') }) },
  'replay-sync-run-empty': {
    before: async (f) => ({
      [RUN]: ((await post(f, '/v1/run', { task: 't' })).result as { run_id: string }).run_id,
    }),
  },
  'events-sync-run-404': {
    before: async (f) => ({
      [RUN]: ((await post(f, '/v1/run', { task: 't' })).result as { run_id: string }).run_id,
    }),
  },
  'list-sessions': {
    before: async (f) => {
      await post(f, '/v1/channels/webhook', { message: 'a' }, { 'x-org-id': 'acme' });
      await post(f, '/v1/channels/webhook', { message: 'b' }, { 'x-org-id': 'acme' });
      return {};
    },
  },
  'list-sessions-short-page': {
    before: async (f) => {
      await post(f, '/v1/channels/webhook', { message: 'a' }, { 'x-org-id': 'acme' });
      await post(f, '/v1/channels/webhook', { message: 'b' });
      await post(f, '/v1/channels/webhook', { message: 'c' });
      return {};
    },
  },
  'get-session-forbidden-403': {
    before: async (f) => ({
      sess_81ad3f5b7c9e1d2a4b6c8e0f2a4c6e8b: (
        await post(f, '/v1/channels/webhook', { message: 'a' }, { 'x-org-id': 'acme' })
      ).session_id as string,
    }),
  },
  'channel-webhook': {
    before: async (f) => {
      await post(
        f,
        '/v1/channels/webhook',
        { message: 'first', session_id: 'sess_81ad3f5b7c9e1d2a4b6c8e0f2a4c6e8b' },
        { 'x-org-id': 'acme' },
      );
      return {};
    },
  },
  'devices-pair': {
    before: async (f) => {
      const device = await post(f, '/v1/devices/register', { name: 'kiosk-1' });
      return {
        dev_9c1e3a5b7d9f1b3d: device.device_id as string,
        a1b2c3: device.pairing_code as string,
      };
    },
  },
  'stream-run-seq0-then-silence': { options: { seqZeroThenSilence: true, runDelayMs: 60_000 } },
  'stream-failure-event': { options: { streamFailure: { afterEvents: 1 } } },
  'stream-run-error': { options: { failTask: () => 'model unavailable' } },
  'stream-fixture-spelling': {
    options: { fixtureSpelling: true, respond: () => [{ content: 'hello' }] },
    before: async (f) => ({ run_fixture: await streamed(f, 'default') }),
  },
  'stream-channel-history': {
    before: async (f) => ({
      [RUN]: (
        await post(
          f,
          '/v1/channels/webhook',
          { message: 'And the closed ones?' },
          { 'x-org-id': 'acme' },
        )
      ).run_id as string,
    }),
  },
};

const substitute = (text: string, vars: Vars): string =>
  Object.entries(vars).reduce((out, [from, to]) => out.split(from).join(to), text);

const http = all.filter(
  (n) => !load(n).frames && load(n).response?.sse === undefined && !NOT_REPRODUCED[n],
);
const sse = all.filter((n) => load(n).response?.sse !== undefined && !NOT_REPRODUCED[n]);
const ws = all.filter((n) => load(n).frames !== undefined);

async function send(f: FakeAgentSdk, fixture: Fixture, vars: Vars): Promise<Response> {
  const request = fixture.request!;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (value !== null) headers[name] = value;
  }
  let body: string | undefined = request.rawBody;
  if (body === undefined && request.body !== undefined)
    body = substitute(JSON.stringify(request.body), vars);
  return fetch(`${f.url}${substitute(request.path, vars)}`, {
    method: request.method,
    headers,
    ...(body === undefined ? {} : { body }),
  });
}

describe('the fake reproduces the fixtures', () => {
  it('leaves out only the fixtures listed with a reason', () => {
    expect(Object.keys(NOT_REPRODUCED).every((name) => all.includes(name))).toBe(true);
    expect(http.length + sse.length + ws.length + Object.keys(NOT_REPRODUCED).length).toBe(
      all.length,
    );
  });

  it.each(http)('%s', async (name) => {
    const fixture = load(name);
    const setup = SETUP[name] ?? {};
    fake = await startFakeAgentSdk({ apiKeys: [KEY], ...setup.options });
    const vars = (await setup.before?.(fake)) ?? {};
    const response = await send(fake, fixture, vars);
    const expected = fixture.response!;
    expect(response.status).toBe(expected.status);
    for (const header of ['content-type', 'x-api-version', 'x-api-deprecated']) {
      expect(response.headers.get(header), header).toBe(expected.headers[header] ?? null);
    }
    expect(response.headers.get('x-request-id') === null).toBe(
      expected.headers['x-request-id'] === undefined,
    );
    const body = (await response.json()) as unknown;
    if (expected.status >= 400) expect(body).toEqual(expected.body);
    else {
      const got =
        name === 'list-sessions' || name === 'list-sessions-short-page' ? body : shape(body);
      const want =
        name === 'list-sessions' || name === 'list-sessions-short-page'
          ? expected.body
          : shape(expected.body);
      if (Array.isArray(got))
        expect((got as unknown[]).map(shape)).toEqual((want as unknown[]).map(shape));
      else expect(got).toEqual(want);
    }
  });

  it.each(sse)('%s', async (name) => {
    const fixture = load(name);
    const setup = SETUP[name] ?? {};
    fake = await startFakeAgentSdk({ apiKeys: [KEY], ...setup.options });
    const f = fake;
    const vars = (await setup.before?.(f)) ?? {};
    const response = await send(f, fixture, vars);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const expected = (fixture.response?.sse ?? '')
      .split('\n\n')
      .filter(Boolean)
      .map((block) => JSON.parse(block.slice(6)) as Record<string, unknown>);
    const stop = fixture.response?.ends
      ? undefined
      : (async () => {
          const run = () => [...f.state.runs.values()].at(-1)!;
          await run().done;
          await vi.waitFor(() => expect(run().queue?.waiting).toBe(1), { interval: 5 });
        })();
    const { events, raw, outcome } = await readSse(response, stop);
    expect(outcome).toBe(fixture.response?.ends ? 'ended' : 'stopped');
    expect(raw).toContain('", "');
    expect(events.map((e) => [e.stream, e.event, e.seq, e.status])).toEqual(
      expected.map((e) => [e.stream, e.event, e.seq, e.status]),
    );
    expect(events.map((e) => Object.keys(e))).toEqual(expected.map((e) => Object.keys(e)));
    expect(events.map((e) => Object.keys(e.payload as object))).toEqual(
      expected.map((e) => Object.keys(e.payload as object)),
    );
  });

  it.each(ws)('%s', async (name) => {
    const fixture = load(name);
    fake = await startFakeAgentSdk({ apiKeys: [KEY] });
    const socket = new WebSocket(fake.wsUrl);
    const received: Record<string, unknown>[] = [];
    socket.addEventListener('message', (e) =>
      received.push(JSON.parse(String(e.data)) as Record<string, unknown>),
    );
    await new Promise((r) => socket.addEventListener('open', r));
    const vars: Vars = {};
    let expectedCount = 0;
    try {
      for (const frame of fixture.frames ?? []) {
        if (frame.from === 'server') {
          expectedCount++;
          await vi.waitFor(() => expect(received.length).toBeGreaterThanOrEqual(expectedCount), {
            interval: 5,
          });
          const want = JSON.parse(frame.text) as Record<string, unknown>;
          const got = received[expectedCount - 1]!;
          const wantRun = (want.payload as Record<string, unknown>).run_id;
          const gotRun = (got.payload as Record<string, unknown>).run_id;
          if (want.type === 'ack' && typeof wantRun === 'string' && typeof gotRun === 'string') {
            vars[wantRun] = gotRun;
            await fake.state.runs.get(gotRun)?.done;
          }
          expect([got.type, got.request_id]).toEqual([want.type, want.request_id]);
          expect(shape(got.payload)).toEqual(shape(want.payload));
          if (want.type === 'error') expect(got.payload).toEqual(want.payload);
        } else {
          socket.send(substitute(frame.text, vars));
        }
      }
    } finally {
      socket.close();
    }
  });
});
