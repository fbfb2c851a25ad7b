import { afterEach, describe, expect, it, vi } from 'vitest';
import { resendOnDroppedConnection } from './dropped-connection-fetch.js';

const reset = (code = 'UND_ERR_SOCKET') =>
  new TypeError('fetch failed', { cause: Object.assign(new Error('other side closed'), { code }) });
const dropped500 = () => new Response('{}', { status: 500 });
const ok = () => new Response('{}', { status: 200, headers: { 'x-request-id': 'r' } });

/** A fetch answering from a script, recording the body of every request it got. */
function scripted(...answers: (() => Response | Error)[]) {
  const bodies: string[] = [];
  const impl = vi.fn(async (input: RequestInfo | URL) => {
    bodies.push(input instanceof Request ? await input.text() : '');
    const next = answers.shift();
    if (!next) throw new Error('unexpected request');
    const answer = next();
    if (answer instanceof Error) throw answer;
    return answer;
  });
  return { impl: impl as unknown as typeof fetch, bodies, calls: impl };
}

const post = (body: string) => new Request('http://saturn.test/agents', { method: 'POST', body });

afterEach(() => {
  vi.useRealTimers();
});

describe('resendOnDroppedConnection', () => {
  it('sends a request lost on a dropped connection once more, with its body', async () => {
    const { impl, bodies } = scripted(dropped500, () => reset(), ok);
    const resent: string[] = [];
    const wrapped = resendOnDroppedConnection(impl, ({ method, code }) =>
      resent.push(`${method} ${code}`),
    );
    expect((await wrapped(post('first'))).status).toBe(500);
    expect((await wrapped(post('second'))).status).toBe(200);
    expect(bodies).toEqual(['first', 'second', 'second']);
    expect(resent).toEqual(['POST UND_ERR_SOCKET']);
  });

  it('never resends without a dropped connection, for other errors, or after an abort', async () => {
    const plain = scripted(() => reset('ECONNRESET'));
    await expect(resendOnDroppedConnection(plain.impl)(post('x'))).rejects.toThrow('fetch failed');
    expect(plain.calls).toHaveBeenCalledTimes(1);

    // A 500 that carries X-Request-Id is an ordinary SATURN error: the connection is kept.
    const handled = scripted(
      () => new Response('{}', { status: 500, headers: { 'x-request-id': 'r' } }),
      () => reset(),
    );
    const wrappedHandled = resendOnDroppedConnection(handled.impl);
    await wrappedHandled(post('a'));
    await expect(wrappedHandled(post('b'))).rejects.toThrow('fetch failed');

    const refused = scripted(
      dropped500,
      () => new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } }),
    );
    const wrappedRefused = resendOnDroppedConnection(refused.impl);
    await wrappedRefused(post('a'));
    await expect(wrappedRefused(post('b'))).rejects.toThrow('fetch failed');
    expect(refused.calls).toHaveBeenCalledTimes(2);

    const controller = new AbortController();
    const aborted = scripted(dropped500, () => {
      controller.abort();
      return reset();
    });
    const wrappedAborted = resendOnDroppedConnection(aborted.impl);
    await wrappedAborted(post('a'));
    const request = new Request('http://saturn.test/x', {
      method: 'POST',
      body: 'b',
      signal: controller.signal,
    });
    await expect(wrappedAborted(request)).rejects.toThrow('fetch failed');
    expect(aborted.calls).toHaveBeenCalledTimes(2);
  });

  it('resends at most once per dropped connection, and forgets them after ten seconds', async () => {
    const twice = scripted(
      dropped500,
      () => reset(),
      () => reset(),
    );
    const wrapped = resendOnDroppedConnection(twice.impl);
    await wrapped(post('a'));
    await expect(wrapped(post('b'))).rejects.toThrow('fetch failed');
    expect(twice.calls).toHaveBeenCalledTimes(3);

    vi.useFakeTimers({ toFake: ['Date'] });
    const late = scripted(dropped500, () => reset());
    const wrappedLate = resendOnDroppedConnection(late.impl);
    await wrappedLate(post('a'));
    vi.setSystemTime(Date.now() + 10_001);
    await expect(wrappedLate(post('b'))).rejects.toThrow('fetch failed');
    expect(late.calls).toHaveBeenCalledTimes(2);
  });

  it('resends a URL-and-init call too (no Request to clone)', async () => {
    const { impl, calls } = scripted(dropped500, () => reset('EPIPE'), ok);
    const wrapped = resendOnDroppedConnection(impl);
    await wrapped('http://saturn.test/a', { method: 'GET' });
    expect((await wrapped('http://saturn.test/b', { method: 'GET' })).status).toBe(200);
    expect(calls).toHaveBeenCalledTimes(3);
  });
});
