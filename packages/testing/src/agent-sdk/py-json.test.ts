import { describe, expect, it } from 'vitest';
import { LiveQueue } from './live-queue.js';
import { PyFloat, pyIsoNow, pyJson } from './py-json.js';

describe('pyJson', () => {
  it('writes json.dumps defaults when spaced: ", " and ": ", non-ASCII escaped', () => {
    expect(pyJson({ a: 1, b: [true, null, 'é😀'], c: { d: 'x"\\\n' } }, true)).toBe(
      '{"a": 1, "b": [true, null, "\\u00e9\\ud83d\\ude00"], "c": {"d": "x\\"\\\\\\n"}}',
    );
  });

  it('writes Starlette JSON when compact (UTF-8 kept), floats as floats, undefined fields left out', () => {
    expect(
      pyJson(
        { t: new PyFloat(0), u: new PyFloat(1.5), s: 'é', gone: undefined, ctl: '\u0001' },
        false,
      ),
    ).toBe('{"t":0.0,"u":1.5,"s":"é","ctl":"\\u0001"}');
    expect(JSON.parse(pyJson({ nested: [{ a: 'b' }] }, false))).toEqual({ nested: [{ a: 'b' }] });
  });

  it('stamps times as datetime.isoformat() does', () => {
    expect(pyIsoNow(() => new Date('2026-02-12T10:00:00.120Z'))).toBe(
      '2026-02-12T10:00:00.120000+00:00',
    );
  });
});

describe('LiveQueue', () => {
  it('hands items to waiters first come, first served, and drops the oldest when full', async () => {
    const queue = new LiveQueue<number>(2);
    const signal = new AbortController().signal;
    const first = queue.get(signal);
    const second = queue.get(signal);
    expect(queue.waiting).toBe(2);
    queue.put(1);
    queue.put(2);
    expect(await first).toBe(1);
    expect(await second).toBe(2);
    queue.put(3);
    queue.put(4);
    queue.put(5);
    expect(queue.size).toBe(2);
    expect(queue.dropped).toBe(1);
    expect(await queue.get(signal)).toBe(4);
    expect(queue.drain()).toEqual([5]);
    expect(queue.size).toBe(0);
  });

  it('withdraws a waiter whose consumer left, so the next item goes to another', async () => {
    const queue = new LiveQueue<string>(10);
    const gone = new AbortController();
    const left = queue.get(gone.signal);
    const stays = queue.get(new AbortController().signal);
    gone.abort(new Error('left'));
    await expect(left).rejects.toThrow('left');
    queue.put('x');
    expect(await stays).toBe('x');
    const aborted = new AbortController();
    aborted.abort(new Error('already'));
    await expect(queue.get(aborted.signal)).rejects.toThrow('already');
    expect(queue.waiting).toBe(0);
  });
});
