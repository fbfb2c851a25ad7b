import { TimeoutError } from '@uplink/core-schemas';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchClient } from '../src/index.js';
import { frames, json, type ScriptedServer, startScriptedServer } from './scripted-server.js';

const request = { model_ref: 'sha256:abc', engine: 'llamacpp' as const, ctx: 8192, max_tokens: 4 };

let server: ScriptedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/**
 * Admits every task, then streams `started` and one token and keeps the connection open with
 * no further byte: only a client-side deadline (or the idle timeout) can end it.
 */
async function stalledServer(): Promise<{
  server: ScriptedServer;
  streamClosed: Promise<void>;
  streamOpened: () => boolean;
}> {
  let opened = false;
  let closed!: () => void;
  const streamClosed = new Promise<void>((resolve) => {
    closed = resolve;
  });
  server = await startScriptedServer((req) => {
    if (req.method === 'POST' && req.path === '/v1/tasks') {
      const { task_id } = JSON.parse(req.body) as { task_id: string };
      return json(202, { task_id, queue_position: 0, predicted_start_ms: 0, backoff_ms: 0 });
    }
    if (req.method === 'GET' && req.path.endsWith('/stream')) {
      return {
        raw: (res) => {
          opened = true;
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          res.write(frames(['started', {}], ['token', { t: 'a', i: 0 }]));
          res.on('close', closed);
        },
      };
    }
    if (req.method === 'POST' && req.path.endsWith('/cancel')) return { status: 204 };
    return { status: 404 };
  });
  return { server, streamClosed, streamOpened: () => opened };
}

describe('deadline_ms is enforced by the client', () => {
  it('a completion that outlives deadline_ms ends with TimeoutError and is cancelled on the server', async () => {
    const { server, streamClosed, streamOpened } = await stalledServer();
    // The idle timeout (30 s) is the only other way out; the deadline must come first.
    await using client = new OrchClient({ baseUrl: server.url, streamIdleTimeoutMs: 30_000 });
    const stream = client.streamCompletion({ ...request, deadline_ms: 300 });
    const error = await stream.finalResult().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe('total');
    expect((error as TimeoutError).timeoutMs).toBe(300);
    expect((error as Error).message).toContain(stream.taskId);
    expect((error as Error).message).toContain('deadline_ms');
    const cancels = server.requests.filter((r) => r.path === `/v1/tasks/${stream.taskId}/cancel`);
    expect(cancels).toHaveLength(1);
    // On a loaded machine the deadline can pass before the stream was even opened; the task is
    // cancelled either way, and a stream that was opened must have been closed.
    if (streamOpened()) await streamClosed;
  });

  it('streamTask with deadlineMs ends with TimeoutError and closes the connection, without cancelling', async () => {
    const { server, streamClosed } = await stalledServer();
    await using client = new OrchClient({ baseUrl: server.url, streamIdleTimeoutMs: 30_000 });
    const seen: string[] = [];
    const error = await (async () => {
      for await (const event of client.streamTask('t-1', { deadlineMs: 1000 }))
        seen.push(event.type);
    })().catch((e: unknown) => e);
    expect(seen).toEqual(['started', 'token']);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).timeout).toBe('total');
    expect((error as Error).message).toContain('t-1');
    await streamClosed;
    expect(server.requests.some((r) => r.path.endsWith('/cancel'))).toBe(false);
  });
});
