import {
  AbortError,
  ApiError,
  AuthenticationError,
  ConflictError,
  InternalServerError,
  RateLimitError,
  StreamError,
} from '@uplink/core-schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchClient } from '../src/index.js';
import {
  frames,
  json,
  type ScriptedServer,
  type ScriptReply,
  type SeenRequest,
  sse,
  startScriptedServer,
} from './scripted-server.js';

const admission = (taskId: string) => ({
  task_id: taskId,
  queue_position: 0,
  predicted_start_ms: 0,
  backoff_ms: 0,
});

const request = {
  model_ref: 'sha256:abc',
  engine: 'llamacpp' as const,
  ctx: 8192,
  max_tokens: 4,
};

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server where enqueue admits, the stream answers `streamBody`, cancel answers 204. */
async function orchServer(
  stream: (req: SeenRequest) => ScriptReply,
  extra: (req: SeenRequest) => ScriptReply | undefined = () => undefined,
): Promise<ScriptedServer> {
  server = await startScriptedServer((req) => {
    const custom = extra(req);
    if (custom) return custom;
    if (req.method === 'POST' && /^\/v[12]\/tasks$/.test(req.path)) {
      const body = JSON.parse(req.body) as { task_id: string };
      return json(202, admission(body.task_id), {
        'x-correlation-id': String(req.headers['x-correlation-id']),
        'x-budget-tokens-remaining': '100',
        'x-budget-time-remaining-ms': '600000',
        'x-budget-cost-remaining': '0',
      });
    }
    if (req.method === 'GET' && /\/(stream|events)(\?|$)/.test(req.path)) return stream(req);
    if (req.method === 'POST' && req.path.endsWith('/cancel')) return { status: 204 };
    return { status: 404 };
  });
  return server;
}

describe('OrchClient over a scripted loopback server', () => {
  it('sends auth, correlation id, content type and accept headers; returns budgets', async () => {
    const s = await orchServer(() =>
      sse(
        frames(
          ['started', {}],
          ['token', { t: 'a', i: 0 }],
          ['end', { tokens_out: 1, decode_ms: 1 }],
        ),
      ),
    );
    const client = new OrchClient({
      baseUrl: s.url,
      apiKey: 'k-123',
      token: 'tok-456',
      retry: false,
    });
    const enq = await client.enqueueTask(
      { ...request, workload: 'completion', priority: 'interactive', deadline_ms: 1000 },
      { correlationId: 'corr-1' },
    );
    expect(enq.correlationId).toBe('corr-1');
    expect(enq.budget).toEqual({ tokensRemaining: 100, timeRemainingMs: 600000, costRemaining: 0 });
    expect(enq.taskId).toMatch(/^[0-9a-f-]{36}$/);
    expect(enq.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(enq.streamUrl).toBe(`${s.url}/v1/tasks/${enq.taskId}/stream`);
    const sent = s.requests[0]!;
    expect(sent.headers['x-api-key']).toBe('k-123');
    expect(sent.headers.authorization).toBe('Bearer tok-456');
    expect(sent.headers['x-correlation-id']).toBe('corr-1');
    expect(sent.headers['content-type']).toMatch(/application\/json/);
    expect(JSON.parse(sent.body)).toMatchObject({ task_id: enq.taskId, session_id: enq.sessionId });

    const events = [];
    for await (const event of client.streamTask(enq.taskId, { verbose: true })) events.push(event);
    expect(events.map((e) => e.type)).toEqual(['started', 'token', 'end']);
    const streamReq = s.requests[1]!;
    expect(streamReq.path).toBe(`/v1/tasks/${enq.taskId}/stream?verbose=true`);
    expect(streamReq.headers.accept).toContain('text/event-stream');
    expect(streamReq.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
    await client.close();
  });

  it('orders tokens by i, drops duplicates and ignores frames after the terminal one', async () => {
    const body = frames(
      ['started', { queue_position: 2, predicted_start_ms: 10 }],
      ['token', { t: ' world', i: 1 }],
      ['token', { t: 'Hello', i: 0 }],
      ['token', { t: 'Hello', i: 0 }],
      ['metrics', { queue_depth: 1, human: 'x', extra: 1 }],
      [
        'token',
        {
          batch: [
            { t: '!', i: 2 },
            { t: '?', i: 3 },
          ],
        },
      ],
      ['end', { tokens_out: 1, decode_time_ms: 5 }],
      ['token', { t: 'late', i: 4 }],
    );
    const s = await orchServer(() => sse(body));
    const client = new OrchClient({ baseUrl: s.url, correlationId: 'fixed-corr' });
    const stream = client.streamCompletion(request, { keepText: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.type)).toEqual([
      'started',
      'token',
      'token',
      'metrics',
      'token',
      'token',
    ]);
    expect(chunks[0]).toMatchObject({
      queuePosition: 2,
      predictedStartMs: 10,
      correlationId: 'fixed-corr',
    });
    const result = await stream.finalResult();
    expect(result).toMatchObject({
      text: 'Hello world!?',
      tokens: ['Hello', ' world', '!', '?'],
      tokensOut: 4,
      reportedTokensOut: 1,
      decodeMs: 5,
      canceled: false,
      correlationId: 'fixed-corr',
      taskId: stream.taskId,
    });
    expect(result.metrics).toMatchObject({ queue_depth: 1, extra: 1 });
    // Every request of the completion carries the same correlation id.
    expect(new Set(s.requests.map((r) => r.headers['x-correlation-id']))).toEqual(
      new Set(['fixed-corr']),
    );
    // Completed normally: no cancel was sent.
    expect(s.requests.some((r) => r.path.endsWith('/cancel'))).toBe(false);
  });

  it('keeps the result in i order when a token arrives after its gap was given up on', async () => {
    // 300 tokens ahead of a missing index 0 overflow the orderer's hold (256), so they are
    // released; index 0 then arrives late. The chunks show arrival, the result strict order.
    const ahead = Array.from({ length: 300 }, (_, k): [string, unknown] => [
      'token',
      { t: `<${k + 1}>`, i: k + 1 },
    ]);
    const body = frames(['started', {}], ...ahead, ['token', { t: '<0>', i: 0 }], ['end', {}]);
    const s = await orchServer(() => sse(body));
    const stream = new OrchClient({ baseUrl: s.url }).streamCompletion(request, { keepText: true });
    const seen: number[] = [];
    for await (const chunk of stream) if (chunk.type === 'token') seen.push(chunk.index);
    expect(seen).toHaveLength(301);
    expect(seen.at(-1)).toBe(0);
    const result = await stream.finalResult();
    expect(result.tokensOut).toBe(301);
    expect(result.tokens.slice(0, 3)).toEqual(['<0>', '<1>', '<2>']);
    expect(result.text.endsWith('<299><300>')).toBe(true);
  });

  it('reports a completion the server cancelled as canceled, with the text it sent before', async () => {
    const body = frames(
      ['started', {}],
      ['token', { t: 'Hel', i: 0 }],
      ['end', { canceled: true, tokens_out: 1 }],
    );
    const s = await orchServer(() => sse(body));
    const result = await new OrchClient({ baseUrl: s.url }).createCompletion(request);
    expect(result).toMatchObject({ canceled: true, text: 'Hel', tokensOut: 1 });
    // The server ended it: there is nothing left to cancel.
    expect(s.requests.some((r) => r.path.endsWith('/cancel'))).toBe(false);
  });

  it('tolerates the blank line between event: and data:', async () => {
    const pact =
      'event: started\n\ndata: {"queue_position":3,"predicted_start_ms":420}\n\n\nevent: token\n\ndata: {"t":"Hello","i":0}\n\n\nevent: end\n\ndata: {"tokens_out":1,"decode_ms":100}\n\n';
    const s = await orchServer(() => sse(pact));
    const result = await new OrchClient({ baseUrl: s.url }).createCompletion(request);
    expect(result.text).toBe('Hello');
    expect(result.decodeMs).toBe(100);
  });

  it('turns a mid-stream error frame into StreamError with code and retriable', async () => {
    const s = await orchServer(() =>
      sse(
        frames(
          ['started', {}],
          ['token', { t: 'a', i: 0 }],
          ['error', { code: 'PoolUnready', message: "pool 'X' not ready", retry_after_ms: 500 }],
          ['end', {}],
        ),
      ),
    );
    const stream = new OrchClient({ baseUrl: s.url }).streamCompletion(request);
    const seen: string[] = [];
    const error = await (async () => {
      try {
        for await (const chunk of stream) seen.push(chunk.type);
      } catch (e) {
        return e;
      }
    })();
    expect(seen).toEqual(['started', 'token']);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'POOL_UNREADY', retriable: true, event: 'error' });
    expect((error as StreamError).message).toBe(
      `Task ${stream.taskId} failed on the server: POOL_UNREADY: pool 'X' not ready`,
    );
    await expect(stream.finalResult()).rejects.toBe(error);
    expect(s.requests.some((r) => r.path.endsWith('/cancel'))).toBe(false);
  });

  it('reports an error frame without a code with a code of its own', async () => {
    const s = await orchServer(() =>
      sse(frames(['started', {}], ['error', { message: 'adapter error' }])),
    );
    await expect(
      new OrchClient({ baseUrl: s.url }).createCompletion(request),
    ).rejects.toMatchObject({
      name: 'StreamError',
      code: 'UNKNOWN_STREAM_ERROR',
    });
  });

  it('reports a stream with no end as truncated and cancels the task', async () => {
    const s = await orchServer(() => sse(frames(['started', {}], ['token', { t: 'a', i: 0 }])));
    const client = new OrchClient({ baseUrl: s.url });
    const error = await client.createCompletion(request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect((error as StreamError).code).toBe('truncated');
    expect(s.requests.filter((r) => r.path.endsWith('/cancel'))).toHaveLength(1);
  });

  it('gives a typed error for a malformed SSE payload', async () => {
    const s = await orchServer(() =>
      sse(
        'event: started\ndata: {}\n\nevent: token\ndata: {"t": 5}\n\nevent: token\ndata: not json\n\n',
      ),
    );
    const error = await new OrchClient({ baseUrl: s.url })
      .createCompletion(request)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: expect.stringMatching(/ResponseValidationError|StreamError/),
    });
  });

  it('breaking out of the loop closes the stream and sends POST …/cancel', async () => {
    let closed!: () => void;
    const streamClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const s = await orchServer(() => ({
      raw: (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(frames(['started', {}], ['token', { t: 'a', i: 0 }]));
        // Never ends on its own: only the client closing the connection stops it.
        res.on('close', closed);
      },
    }));
    const client = new OrchClient({ baseUrl: s.url });
    const stream = client.streamCompletion(request);
    for await (const chunk of stream) {
      if (chunk.type === 'token') break;
    }
    const cancels = s.requests.filter((r) => r.path === `/v1/tasks/${stream.taskId}/cancel`);
    expect(cancels).toHaveLength(1);
    expect(cancels[0]!.headers['x-correlation-id']).toBe(stream.correlationId);
    await expect(stream.finalResult()).rejects.toBeInstanceOf(AbortError);
    // The HTTP stream was closed too (this would hang if the connection stayed open).
    await streamClosed;
  });

  it('streamTask stops on its signal with AbortError and closes the connection', async () => {
    let closed!: () => void;
    const streamClosed = new Promise<void>((resolve) => {
      closed = resolve;
    });
    const s = await orchServer(() => ({
      raw: (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(frames(['started', {}], ['token', { t: 'a', i: 0 }]));
        res.on('close', closed);
      },
    }));
    const client = new OrchClient({ baseUrl: s.url });
    const controller = new AbortController();
    const seen: string[] = [];
    const run = (async () => {
      for await (const event of client.streamTask('t-9', { signal: controller.signal })) {
        seen.push(event.type);
        if (event.type === 'token') controller.abort();
      }
    })();
    await expect(run).rejects.toBeInstanceOf(AbortError);
    expect(seen).toEqual(['started', 'token']);
    await streamClosed;
    // The low-level stream never cancels on its own.
    expect(s.requests.some((r) => r.path.endsWith('/cancel'))).toBe(false);
    await client.close();
  });

  it('abort() and the caller signal cancel on the server; textStream and readable streams work', async () => {
    const s = await orchServer(() => ({
      raw: (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(frames(['started', {}], ['token', { t: 'x', i: 0 }]));
      },
    }));
    const client = new OrchClient({ baseUrl: s.url });

    const a = client.streamCompletion(request);
    const texts: string[] = [];
    const failure = (async () => {
      for await (const text of a.textStream) {
        texts.push(text);
        await a.abort();
      }
    })();
    await expect(failure).rejects.toBeInstanceOf(AbortError);
    expect(texts).toEqual(['x']);

    const controller = new AbortController();
    const b = client.streamCompletion(request, { signal: controller.signal });
    const reader = b.toObjectStream().getReader();
    expect((await reader.read()).value).toMatchObject({ type: 'started' });
    expect((await reader.read()).value).toMatchObject({ type: 'token', text: 'x' });
    controller.abort(new Error('user left'));
    await expect(reader.read()).rejects.toBeInstanceOf(AbortError);
    await expect(b.finalResult()).rejects.toThrow('user left');

    const c = client.streamCompletion(request);
    const r2 = c.toObjectStream().getReader();
    await r2.read();
    await r2.cancel();

    const cancelled = s.requests.filter((r) => r.path.endsWith('/cancel')).map((r) => r.path);
    expect(cancelled).toEqual(
      expect.arrayContaining([a, b, c].map((x) => `/v1/tasks/${x.taskId}/cancel`)),
    );
    expect(() => c.textStream).toThrow(/already being consumed/);
  });

  it.each([
    ['an error', new Error('user left'), 'user left'],
    ['an error without a message', new Error(''), 'The completion was aborted'],
    ['a string', 'user left', 'The completion was aborted'],
  ])(
    'abort() with %s: AbortError keeps its message when it has one, and the reason as cause',
    async (_name, reason, message) => {
      const s = await orchServer(() => ({
        raw: (res) => {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(frames(['started', {}], ['token', { t: 'x', i: 0 }]));
        },
      }));
      const client = new OrchClient({ baseUrl: s.url });
      const stream = client.streamCompletion(request);
      const iterator = stream[Symbol.asyncIterator]();
      await iterator.next();
      await stream.abort(reason);
      const error = await stream.finalResult().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AbortError);
      expect((error as AbortError).message).toBe(message);
      expect((error as AbortError).cause).toBe(reason);
      await client.close();
    },
  );

  it('sends nothing until the stream is consumed; finalResult() alone consumes it', async () => {
    const s = await orchServer(() =>
      sse(frames(['started', {}], ['token', { t: 'z', i: 0 }], ['end', {}])),
    );
    const client = new OrchClient({ baseUrl: s.url });
    const stream = client.streamCompletion(request);
    // A full request/response round trip on the same server: the completion has sent nothing.
    await client.getSession('s-lazy').catch(() => undefined);
    expect(s.requests.map((r) => r.path)).toEqual(['/v1/sessions/s-lazy']);
    expect((await stream.finalResult()).text).toBe('z');
    expect(s.requests.map((r) => r.path.split('/').at(-1))).toEqual(['s-lazy', 'tasks', 'stream']);
    await client.close();
  });

  it('cancelling a readable stream while a read is pending cancels the task', async () => {
    const s = await orchServer(() => ({
      raw: (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(frames(['started', {}]));
      },
    }));
    const client = new OrchClient({ baseUrl: s.url });
    const stream = client.streamCompletion(request);
    const reader = stream.toObjectStream().getReader();
    expect((await reader.read()).value).toMatchObject({ type: 'started' });
    const pending = reader.read();
    await reader.cancel();
    await expect(pending).resolves.toMatchObject({ done: true });
    await expect(stream.finalResult()).rejects.toBeInstanceOf(AbortError);
    expect(s.requests.some((r) => r.path === `/v1/tasks/${stream.taskId}/cancel`)).toBe(true);
    await client.close();
  });

  it('a readable stream cancelled before any read settles the result and sends nothing', async () => {
    const s = await orchServer(() => sse(''));
    const client = new OrchClient({ baseUrl: s.url });
    const stream = client.streamCompletion(request);
    await stream.toObjectStream().cancel();
    await expect(stream.finalResult()).rejects.toBeInstanceOf(AbortError);
    expect(s.requests).toHaveLength(0);
    await client.close();
  });

  it('an already aborted signal fails fast without any request', async () => {
    const s = await orchServer(() => sse(''));
    const stream = new OrchClient({ baseUrl: s.url }).streamCompletion(request, {
      signal: AbortSignal.abort(),
    });
    await expect(stream.finalResult()).rejects.toBeInstanceOf(AbortError);
    expect(s.requests).toHaveLength(0);
  });

  it('retries a 429 on enqueue when asked, honouring X-Backoff-Ms, with the same task_id', async () => {
    let calls = 0;
    const s = await orchServer(
      () => sse(frames(['started', {}], ['end', {}])),
      (req) => {
        if (req.method === 'POST' && req.path === '/v1/tasks' && calls++ === 0) {
          return json(
            429,
            {
              code: 'ADMISSION_REJECT',
              message: 'reject',
              retriable: true,
              retry_after_ms: 20,
              policy_label: 'reject',
            },
            { 'x-backoff-ms': '20' },
          );
        }
        return undefined;
      },
    );
    const client = new OrchClient({ baseUrl: s.url });
    const result = await client.createCompletion(request, { admissionRetry: {} });
    expect(result.text).toBe('');
    const posts = s.requests.filter((r) => r.path === '/v1/tasks');
    expect(posts).toHaveLength(2);
    expect(JSON.parse(posts[0]!.body).task_id).toBe(JSON.parse(posts[1]!.body).task_id);
  });

  it('stops retrying at the limit and exposes the backpressure hints', async () => {
    const s = await orchServer(
      () => sse(''),
      (req) =>
        req.path === '/v1/tasks'
          ? json(
              429,
              {
                code: 'QUEUE_FULL_DROP_LRU',
                message: 'queue full',
                retriable: true,
                retry_after_ms: 120000,
                policy_label: 'drop-lru',
              },
              { 'retry-after': '120', 'x-backoff-ms': '120000', 'x-correlation-id': 'corr-429' },
            )
          : undefined,
    );
    const client = new OrchClient({ baseUrl: s.url });
    const error = await client
      .enqueueTask(
        { ...request, workload: 'completion', priority: 'batch', deadline_ms: 1 },
        { admissionRetry: {} },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({
      name: 'AdmissionRejectedError',
      code: 'QUEUE_FULL_DROP_LRU',
      retryAfterMs: 120000,
      backoffMs: 120000,
      policyLabel: 'drop-lru',
      correlationId: 'corr-429',
      retriable: true,
    });
    // The hint exceeds maxRetryDelayMs (60 s), so it is not waited out.
    expect(s.requests).toHaveLength(1);
  });

  it('maps non-envelope error bodies: empty 401, HTML 500, 409 on reload', async () => {
    const s = await orchServer(
      () => sse(''),
      (req) => {
        if (req.path === '/v1/capabilities') return { status: 401 };
        if (req.path === '/v1/sessions/s1') {
          return {
            status: 500,
            headers: { 'content-type': 'text/html' },
            body: '<html><body><h1>Bad gateway</h1></body></html>',
          };
        }
        if (req.path === '/v1/pools/p/reload') return { status: 409 };
        return undefined;
      },
    );
    const client = new OrchClient({ baseUrl: s.url, retry: false, apiKey: 'super-secret-key' });
    const auth = await client.getCapabilities().catch((e: unknown) => e);
    expect(auth).toBeInstanceOf(AuthenticationError);
    expect(JSON.stringify(auth)).not.toContain('super-secret-key');
    expect(String((auth as Error).message)).not.toContain('super-secret-key');
    const html = await client.getSession('s1').catch((e: unknown) => e);
    expect(html).toBeInstanceOf(InternalServerError);
    expect((html as ApiError).status).toBe(500);
    await expect(client.reloadPool('p', { modelRef: 'bad' })).rejects.toBeInstanceOf(ConflictError);
    const reload = s.requests.find((r) => r.path === '/v1/pools/p/reload')!;
    expect(JSON.parse(reload.body)).toEqual({ new_model_ref: 'bad' });
  });

  it('reports a plain-text 400 on the v2 stream route as a server error with its text', async () => {
    const s = await orchServer(() => ({
      status: 400,
      headers: { 'content-type': 'text/plain' },
      body: 'Failed to deserialize query string',
    }));
    const client = new OrchClient({ baseUrl: s.url, apiVersion: 'v2', token: 't' });
    const error = await client
      .createCompletion(request, { verbose: true })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).message).toContain('Failed to deserialize');
    expect(s.requests[0]!.path).toBe('/v2/tasks');
    expect(s.requests[1]!.path).toMatch(/^\/v2\/tasks\/[^/]+\/events\?verbose=true$/);
    expect(s.requests[0]!.headers['x-api-key']).toBeUndefined();
    // The stream failed before any event: the task may be admitted, so it is canceled.
    expect(s.requests.at(-1)!.path).toMatch(/\/v2\/tasks\/[^/]+\/cancel$/);
  });

  it('close() cancels running completions', async () => {
    const s = await orchServer(() => ({
      raw: (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write(frames(['started', {}]));
      },
    }));
    const client = new OrchClient({ baseUrl: s.url });
    const stream = client.streamCompletion(request);
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'started' });
    const pending = iterator.next();
    await client[Symbol.asyncDispose]();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(s.requests.some((r) => r.path === `/v1/tasks/${stream.taskId}/cancel`)).toBe(true);
  });
});
