import {
  InternalServerError,
  isUplinkError,
  ResponseValidationError,
  StreamError,
} from '@uplink/core-schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchClient } from '../src/index.js';
import {
  json,
  type ScriptedServer,
  type ScriptReply,
  sse,
  startScriptedServer,
} from './scripted-server.js';

// Bad input from the server (team standard): every case is a typed error whose message says
// what was expected, never a crash, hang or untyped rejection.
const request = { model_ref: 'sha256:abc', engine: 'llamacpp' as const, ctx: 8192, max_tokens: 4 };

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A server that admits every task and answers the stream (or the enqueue) by `reply`. */
async function serve(
  on: 'stream' | 'enqueue',
  reply: ScriptReply,
): Promise<{ client: OrchClient; server: ScriptedServer }> {
  server = await startScriptedServer((req) => {
    const path = req.path.split('?')[0] ?? '';
    if (path === '/v1/tasks') {
      if (on === 'enqueue') return reply;
      const body = JSON.parse(req.body) as { task_id: string };
      return json(202, {
        task_id: body.task_id,
        queue_position: 0,
        predicted_start_ms: 0,
        backoff_ms: 0,
      });
    }
    if (path.endsWith('/stream')) return reply;
    return { status: 204 };
  });
  return { client: new OrchClient({ baseUrl: server.url, retry: false }), server };
}

const streamCases: [string, ScriptReply, new (...args: never[]) => Error, RegExp, string?][] = [
  [
    'an HTML page with status 200',
    {
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<html><body>login</body></html>',
    },
    StreamError,
    // Said by @uplink/http (a 2xx HTML or JSON answer) or by the task stream (a body that was
    // no stream): either way the expected and the received content types are named.
    /text\/event-stream\b.*text\/html/,
    'malformed',
  ],
  [
    'a plain-text 200 that holds no events',
    { status: 200, headers: { 'content-type': 'text/plain' }, body: 'OK\n' },
    StreamError,
    /was not an event stream: expected Content-Type text\/event-stream, received text\/plain/,
    'malformed',
  ],
  [
    'an empty event stream',
    sse(''),
    StreamError,
    /ended before an "end" or "error" event/,
    'truncated',
  ],
  [
    'garbage bytes',
    sse('\u0000\u0001garbage\n\n\n::::\r\r'),
    StreamError,
    /ended before an "end" or "error" event/,
    'truncated',
  ],
  [
    'token data that is not JSON',
    sse('event: started\ndata: {}\n\nevent: token\ndata: not json\n\n'),
    StreamError,
    /"token" carried data that is not JSON/,
    'malformed',
  ],
  [
    'a token with a number for text',
    sse('event: started\ndata: {}\n\nevent: token\ndata: {"t":5,"i":0}\n\n'),
    ResponseValidationError,
    /SSE event "token": at "t" expected string, received 5/,
  ],
  [
    'a microbatch with a bad index',
    sse('event: started\ndata: {}\n\nevent: token\ndata: {"batch":[{"t":"a","i":"x"}]}\n\n'),
    ResponseValidationError,
    /at "batch\.0\.i" expected/,
  ],
  [
    'an end frame with a string count',
    sse('event: started\ndata: {}\n\nevent: end\ndata: {"tokens_out":"x"}\n\n'),
    ResponseValidationError,
    /SSE event "end": at "tokens_out" expected number, received "x"/,
  ],
];

describe('bad stream bodies', () => {
  for (const [name, reply, type, message, code] of streamCases) {
    it(`${name} gives ${type.name}${code ? `(${code})` : ''} and cancels the task`, async () => {
      const { client, server: s } = await serve('stream', reply);
      const stream = client.streamCompletion(request);
      const error = await stream.finalResult().catch((e: unknown) => e);
      expect(isUplinkError(error)).toBe(true);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
      if (code) expect((error as StreamError).code).toBe(code);
      // The task was admitted and may still run: it is canceled on the server.
      expect(s.requests.filter((r) => r.path === `/v1/tasks/${stream.taskId}/cancel`)).toHaveLength(
        1,
      );
      await client.close();
    });
  }

  it('ignores unknown event names', async () => {
    const { client } = await serve(
      'stream',
      sse(
        'event: started\ndata: {}\n\nevent: weird\ndata: {}\n\nevent: token\ndata: {"t":"a","i":0}\n\nevent: end\ndata: {}\n\n',
      ),
    );
    expect((await client.createCompletion(request)).text).toBe('a');
  });
});

describe('a runtime that cannot stream response bodies', () => {
  it('fails the stream with StreamError(unsupported) saying so, and cancels the task', async () => {
    const sent: string[] = [];
    const client = new OrchClient({
      baseUrl: 'http://127.0.0.1:9',
      retry: false,
      // A fetch whose responses carry no body stream, as some runtimes do.
      fetch: async (input) => {
        const req = input instanceof Request ? input : new Request(input);
        sent.push(new URL(req.url).pathname);
        if (req.method === 'POST' && req.url.endsWith('/v1/tasks')) {
          const { task_id } = (await req.json()) as { task_id: string };
          const admission = { task_id, queue_position: 0, predicted_start_ms: 0, backoff_ms: 0 };
          return new Response(JSON.stringify(admission), {
            status: 202,
            headers: { 'content-type': 'application/json' },
          });
        }
        const type = req.url.includes('/stream') ? 'text/event-stream' : 'text/plain';
        return new Response(null, {
          status: req.url.includes('/stream') ? 200 : 204,
          headers: { 'content-type': type },
        });
      },
    });
    const stream = client.streamCompletion(request);
    const error = await stream.finalResult().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamError);
    expect(error).toMatchObject({ code: 'unsupported' });
    expect((error as Error).message).toMatch(/cannot stream response bodies/);
    expect(sent.at(-1)).toBe(`/v1/tasks/${stream.taskId}/cancel`);
    await client.close();
  });
});

describe('bad admission bodies', () => {
  // An unreadable 202 may still mean the task was admitted, so it is canceled; an error
  // status proves it was not.
  const cases: [string, ScriptReply, new (...args: never[]) => Error, RegExp, boolean][] = [
    [
      'a 202 HTML page',
      { status: 202, headers: { 'content-type': 'text/html' }, body: '<html>x</html>' },
      ResponseValidationError,
      /expected a JSON body, received text\/html/,
      true,
    ],
    [
      'a 202 with cut JSON',
      { status: 202, headers: { 'content-type': 'application/json' }, body: '{"task_id": ' },
      ResponseValidationError,
      /expected a JSON body/,
      true,
    ],
    [
      'an empty 202',
      { status: 202 },
      ResponseValidationError,
      /empty body, which was not expected/,
      true,
    ],
    [
      'a 202 without queue_position',
      json(202, { task_id: 't', predicted_start_ms: 0, backoff_ms: 0 }),
      ResponseValidationError,
      /"queue_position"/,
      true,
    ],
    [
      'a 502 HTML page from a proxy',
      {
        status: 502,
        headers: { 'content-type': 'text/html' },
        body: '<html><title>502 Bad Gateway</title></html>',
      },
      InternalServerError,
      /HTTP 502 on POST \/v1\/tasks: HTML page: 502 Bad Gateway/,
      false,
    ],
  ];
  for (const [name, reply, type, message, cancels] of cases) {
    it(`${name} gives ${type.name}, no stream request, ${cancels ? 'a' : 'no'} cancel`, async () => {
      const { client, server: s } = await serve('enqueue', reply);
      const stream = client.streamCompletion(request);
      const error = await stream.finalResult().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(type);
      expect((error as Error).message).toMatch(message);
      expect(s.requests.map((r) => r.path)).toEqual(
        cancels ? ['/v1/tasks', `/v1/tasks/${stream.taskId}/cancel`] : ['/v1/tasks'],
      );
      await client.close();
    });
  }
});
