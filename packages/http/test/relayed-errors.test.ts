// A server relaying a stream to browsers must not tell them which upstream it talks to: the
// last error line of `toReadableStream()` names no URL, host or address unless asked to.
import { ConnectionError, TimeoutError } from '@uplink/core-schemas';
import { startServer } from '@uplink/testing/vitest';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import {
  createHttpClient,
  errorToRecord,
  NDJSON_ERROR_KEY,
  readNdjson,
  sseStreamFromReadableStream,
  toNdjsonStream,
  withoutHosts,
} from '../src/index.js';

const events = { token: v.object({ t: v.string() }), end: v.looseObject({}) };

/** The last line of NDJSON bytes, parsed. */
async function lastLine(bytes: ReadableStream<Uint8Array>): Promise<Record<string, unknown>> {
  const text = await new Response(bytes).text();
  const lines = text.trim().split('\n');
  return JSON.parse(lines.at(-1) ?? 'null') as Record<string, unknown>;
}

/** An SSE stream from a loopback server that sends one token and then nothing. */
async function stalledStream() {
  const server = await startServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('event: token\ndata: {"t":"a"}\n\n');
  });
  const client = createHttpClient({ baseUrl: server.url });
  const stream = client.streamSSE('/internal/stream', {
    events,
    terminal: ['end'],
    idleTimeoutMs: 100,
  });
  return { stream, host: new URL(server.url).host };
}

describe('relayed error lines', () => {
  it('withoutHosts removes URLs, addresses, host:port pairs and the name a DNS failure quotes', () => {
    expect(
      withoutHosts(
        'GET http://orch.internal:8080/v1/tasks?x=1 failed: connect ECONNREFUSED 10.0.0.7:8080 ' +
          'via [fd00::1]:443 and db.svc.cluster.local:5432; getaddrinfo ENOTFOUND gpu-7.internal',
      ),
    ).toBe(
      'GET [url] failed: connect ECONNREFUSED [host] via [host] and [host]; getaddrinfo ENOTFOUND [host]',
    );
    expect(withoutHosts('The SSE stream ended before a terminal event (end)')).toBe(
      'The SSE stream ended before a terminal event (end)',
    );
  });

  it('keep the fields that say what to do next, and the message only without hosts by default', () => {
    const error = new ConnectionError(
      'GET http://10.0.0.7:8080/v1/x: could not connect or the connection dropped (connect ECONNREFUSED 10.0.0.7:8080)',
      { method: 'GET', url: 'http://10.0.0.7:8080/v1/x' },
    );
    const safe = errorToRecord(error);
    expect(safe).toEqual({
      name: 'ConnectionError',
      message:
        'GET [url]: could not connect or the connection dropped (connect ECONNREFUSED [host])',
    });
    expect(errorToRecord(error, [], 'full').message).toBe(error.message);
    const timeout = errorToRecord(
      new TimeoutError('POST http://orch:8080/v1/tasks timed out after 5 ms (one attempt)', {
        timeout: 'attempt',
        timeoutMs: 5,
        requestId: 'req-1',
      } as never),
    );
    expect(timeout).toMatchObject({ name: 'TimeoutError', timeout: 'attempt', timeoutMs: 5 });
    expect(JSON.stringify(timeout)).not.toContain('orch:8080');
  });

  it('an SSE stream relayed as bytes names its upstream only with errors: full', async () => {
    const safe = await stalledStream();
    const line = await lastLine(safe.stream.toReadableStream());
    const record = line[NDJSON_ERROR_KEY] as Record<string, unknown>;
    expect(record).toMatchObject({ name: 'TimeoutError', timeout: 'idle', timeoutMs: 100 });
    expect(record.message).toBe('The SSE stream from [url] received no bytes for 100 ms');
    expect(JSON.stringify(line)).not.toContain(safe.host);

    const full = await stalledStream();
    const fullLine = await lastLine(full.stream.toReadableStream({ errors: 'full' }));
    expect(JSON.stringify(fullLine)).toContain(`http://${full.host}/internal/stream`);
  });

  it('bytes read back and relayed again are safe by default too', async () => {
    const upstream = await stalledStream();
    const relayed = sseStreamFromReadableStream(
      upstream.stream.toReadableStream({ errors: 'full' }),
      {
        events,
        terminal: ['end'],
      },
    );
    const line = await lastLine(relayed.toReadableStream());
    expect(line[NDJSON_ERROR_KEY]).toMatchObject({ name: 'TimeoutError', timeout: 'idle' });
    expect(JSON.stringify(line)).not.toContain(upstream.host);
  });

  it('toNdjsonStream takes the choice for streams of your own', async () => {
    const failing = (): AsyncIterator<unknown> => ({
      next: async () => {
        throw new ConnectionError('GET https://10.9.8.7:9443/x: could not connect');
      },
    });
    const reader = readNdjson(toNdjsonStream(failing()));
    const error = await reader.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toBe('GET [url]: could not connect');
    const full = await lastLine(toNdjsonStream(failing(), { errors: 'full' }));
    expect(JSON.stringify(full)).toContain('10.9.8.7:9443');
  });
});
