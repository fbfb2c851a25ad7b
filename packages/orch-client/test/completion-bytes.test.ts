// A completion handed on as bytes: from a server route to a browser-style reader, and back.
import { getEventListeners } from 'node:events';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { AbortError, StreamError } from '@uplink/core-schemas';
import { type FakeLlamaOrch, startFakeLlamaOrch, startServer } from '@uplink/testing';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CompletionChunk,
  type CompletionRequest,
  completionStreamFromReadableStream,
  OrchClient,
} from '../src/index.js';

const fakes: FakeLlamaOrch[] = [];
const clients: OrchClient[] = [];
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const fake of fakes.splice(0)) await fake.close();
});

async function setup(fakeOptions: Parameters<typeof startFakeLlamaOrch>[0] = {}) {
  const orch = await startFakeLlamaOrch({
    streamMode: 'generator',
    releaseOnStreamEnd: true,
    ...fakeOptions,
  });
  fakes.push(orch);
  const client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid', retry: false });
  clients.push(client);
  return { orch, client };
}

const request = (seed: number, maxTokens: number, prompt = 'Hello'): CompletionRequest => ({
  model_ref: 'repo:NousResearch/Meta-Llama-3-8B-Instruct',
  engine: 'llamacpp',
  ctx: 8192,
  seed,
  max_tokens: maxTokens,
  prompt,
});

const enc = new TextEncoder();
const bytes = (text: string): ReadableStream<Uint8Array> =>
  new ReadableStream({
    start(controller) {
      controller.enqueue(enc.encode(text));
      controller.close();
    },
  });

/** Read every chunk, then the result or the error. */
async function drain(stream: AsyncIterable<CompletionChunk>) {
  const chunks: CompletionChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
  } catch (error) {
    return { chunks, error };
  }
  return { chunks, error: undefined };
}

describe('CompletionStream.toReadableStream(): bytes a Response accepts', () => {
  it('round-trips the chunks exactly through new Response(...) and completionStreamFromReadableStream', async () => {
    const { client } = await setup();
    const direct = client.streamCompletion(request(7, 12), { keepText: true });
    const expected = await drain(direct);
    const expectedResult = await direct.finalResult();

    const stream = client.streamCompletion(request(7, 12), { keepText: true });
    const response = new Response(stream.toReadableStream());
    const relayed = completionStreamFromReadableStream(response.body!);
    const back = await drain(relayed);
    expect(back.error).toBeUndefined();
    // The same chunks (only the generated ids differ between the two runs).
    const ids = (c: CompletionChunk) =>
      c.type === 'started' ? { ...c, taskId: 'x', correlationId: 'x' } : c;
    expect(back.chunks.map(ids)).toStrictEqual(expected.chunks.map(ids));
    expect(back.chunks[0]).toStrictEqual({
      type: 'started',
      queuePosition: expect.any(Number),
      predictedStartMs: expect.any(Number),
      taskId: stream.taskId,
      correlationId: stream.correlationId,
    });
    const { enqueue, ...original } = await stream.finalResult();
    expect(enqueue.taskId).toBe(stream.taskId);
    expect(await relayed.finalResult()).toStrictEqual(original);
    expect(original.text).toBe(expectedResult.text);
    expect(relayed.taskId).toBe(stream.taskId);
  });

  it('writes NDJSON: one chunk per line, then the end line', async () => {
    const { client } = await setup();
    const stream = client.streamCompletion(request(1, 2));
    const lines = (await stream.toResponse().text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    const result = await stream.finalResult();
    expect(lines.map((l) => l.type)).toEqual(['started', 'token', 'token', 'end']);
    expect(lines.at(-1)).toEqual({
      type: 'end',
      taskId: result.taskId,
      correlationId: result.correlationId,
      sessionId: result.sessionId,
      tokensOut: 2,
      ...(result.reportedTokensOut === undefined
        ? {}
        : { reportedTokensOut: result.reportedTokensOut }),
      ...(result.decodeMs === undefined ? {} : { decodeMs: result.decodeMs }),
      canceled: false,
    });
    // The admission (with the server's stream URLs) stays on the server.
    expect(JSON.stringify(lines)).not.toContain(fakes[0]!.url);
  });

  it('toResponse() and toTextStreamResponse() set their content types; the text is the completion', async () => {
    const { client } = await setup();
    const ndjson = client.streamCompletion(request(3, 5)).toResponse({ status: 201 });
    expect(ndjson.status).toBe(201);
    expect(ndjson.headers.get('content-type')).toBe('application/x-ndjson');
    await ndjson.body?.cancel();

    const stream = client.streamCompletion(request(3, 5), { keepText: true });
    const text = stream.toTextStreamResponse({ headers: { 'x-task': stream.taskId } });
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(text.headers.get('x-task')).toBe(stream.taskId);
    expect(await text.text()).toBe((await stream.finalResult()).text);
  });

  it('a failed completion ends the bytes with an error line that becomes the same StreamError', async () => {
    const { client } = await setup({ quirks: { endAfterError: true } });
    const direct = await drain(client.streamCompletion(request(1, 4, 'stream-error:WORKER_RESET')));
    const stream = client.streamCompletion(request(1, 4, 'stream-error:WORKER_RESET'));
    const text = await new Response(stream.toReadableStream()).text();
    expect(JSON.parse(text.trimEnd().split('\n').at(-1)!)).toMatchObject({
      uplink_error: { name: 'StreamError', code: 'WORKER_RESET', retriable: true },
    });
    const relayed = completionStreamFromReadableStream(bytes(text));
    const back = await drain(relayed);
    expect(back.chunks).toHaveLength(direct.chunks.length);
    expect(back.error).toBeInstanceOf(StreamError);
    // The same message, for this run's task.
    const directTask = (direct.chunks[0] as { taskId: string }).taskId;
    expect(back.error).toMatchObject({
      code: 'WORKER_RESET',
      retriable: true,
      message: (direct.error as Error).message.replace(directTask, stream.taskId),
    });
    await expect(relayed.finalResult()).rejects.toBe(back.error);
  });

  it('a relayed failure does not tell the reader where the orchestrator lives, unless errors: full', async () => {
    // A closed port: the enqueue fails with a ConnectionError whose message names host and port.
    const closed = await startServer((_req, res) => void res.end());
    const { host } = new URL(closed.url);
    await closed.close();
    const client = new OrchClient({ baseUrl: closed.url, apiKey: 'valid', retry: false });
    clients.push(client);
    const lastLine = async (body: ReadableStream<Uint8Array>) =>
      JSON.parse((await new Response(body).text()).trimEnd().split('\n').at(-1)!) as {
        uplink_error: { name: string; message: string };
      };
    const safe = await lastLine(client.streamCompletion(request(1, 2)).toReadableStream());
    expect(safe.uplink_error.name).toBe('ConnectionError');
    expect(safe.uplink_error.message).not.toContain(host);
    expect(safe.uplink_error.message).not.toContain('127.0.0.1');
    const full = await lastLine(
      client.streamCompletion(request(1, 2)).toReadableStream({ errors: 'full' }),
    );
    expect(full.uplink_error.message).toContain(host);
  });

  it('the reader refuses cut, miscounted and hostile bytes with typed errors', async () => {
    const { client } = await setup();
    const stream = client.streamCompletion(request(5, 3));
    const full = await new Response(stream.toReadableStream()).text();
    const lines = full.trimEnd().split('\n');

    const cut = await drain(
      completionStreamFromReadableStream(bytes(lines.slice(0, 3).join('\n'))),
    );
    expect(cut.error).toMatchObject({ name: 'StreamError', code: 'truncated' });

    const lost = [...lines.slice(0, 2), ...lines.slice(3)].join('\n');
    const miscounted = await drain(completionStreamFromReadableStream(bytes(lost)));
    expect(miscounted.error).toMatchObject({ name: 'StreamError', code: 'malformed' });
    expect((miscounted.error as Error).message).toBe(
      "The relayed completion's end line counts 3 tokens, but 2 arrived",
    );

    const html = await drain(completionStreamFromReadableStream(bytes('<!doctype html><p>502')));
    expect(html.error).toMatchObject({ code: 'malformed' });
    const badToken = await drain(
      completionStreamFromReadableStream(bytes('{"type":"token","text":7,"index":0}\n')),
    );
    expect((badToken.error as Error).message).toBe(
      'A relayed completion line (type "token") has a bad "text": expected a string, received number',
    );
    const unknown = await drain(completionStreamFromReadableStream(bytes('{"type":"shell"}\n')));
    expect((unknown.error as Error).message).toBe(
      'A relayed completion line has an unknown type: "shell"',
    );
    const long = await drain(
      completionStreamFromReadableStream(bytes(`${'x'.repeat(100)}\n`), { maxLineBytes: 50 }),
    );
    expect(long.error).toMatchObject({ code: 'oversized' });
  });
});

describe('relaying a completion from a node:http handler to a browser-style reader', () => {
  it('pipes the completion; the reader gets the text and the result', async () => {
    const { client } = await setup({ tokensPerSecond: 200 });
    const relay = await startServer(async (_req, res) => {
      const response = client.streamCompletion(request(11, 8)).toResponse();
      res.writeHead(response.status, Object.fromEntries(response.headers));
      for await (const chunk of response.body!) res.write(chunk);
      res.end();
    });
    const response = await fetch(`${relay.url}/complete`);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson');
    const relayed = completionStreamFromReadableStream(response.body!);
    const texts: string[] = [];
    for await (const text of relayed.textStream) texts.push(text);
    const result = await relayed.finalResult();
    expect(texts).toHaveLength(8);
    expect(result.text).toBe(texts.join(''));
    expect(result.tokensOut).toBe(8);
  });

  it('a reader that stops early closes the connection, and the relaying server cancels the task', async () => {
    const { orch, client } = await setup({ tokensPerSecond: 20 });
    let taskId = '';
    let relayed!: () => void;
    const relayDone = new Promise<void>((resolve) => {
      relayed = resolve;
    });
    const relay = await startServer(async (_req, res) => {
      const stream = client.streamCompletion(request(12, 200));
      taskId = stream.taskId;
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      // How Node servers send a web stream: when the browser goes away, the pipeline destroys
      // the source, which cancels the byte stream, which aborts the completion.
      await pipeline(Readable.fromWeb(stream.toReadableStream() as WebReadableStream), res).catch(
        () => {},
      );
      await stream.finalResult().catch(() => {});
      relayed();
    });
    const controller = new AbortController();
    const response = await fetch(`${relay.url}/complete`, { signal: controller.signal });
    const reader = completionStreamFromReadableStream(response.body!, {
      signal: controller.signal,
    });
    for await (const chunk of reader) if (chunk.type === 'token') break;
    controller.abort();
    await relayDone;
    await expect(reader.finalResult()).rejects.toBeInstanceOf(AbortError);
    expect(
      orch.requests.some((r) => r.method === 'POST' && r.url.endsWith(`/tasks/${taskId}/cancel`)),
    ).toBe(true);
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
