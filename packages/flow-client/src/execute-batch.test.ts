import { getEventListeners } from 'node:events';
import { AbortError, isUplinkError, UplinkError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from './errors.js';
import { type BatchItem, runBatch } from './execute-batch.js';

const items = (n: number): BatchItem[] =>
  Array.from({ length: n }, (_, i) => ({ flowId: 'f', input: { i } }));

describe('runBatch', () => {
  it('keeps input order and never runs more than concurrency at once', async () => {
    let running = 0;
    let peak = 0;
    const results = await runBatch(
      items(7),
      async (item) => {
        running++;
        peak = Math.max(peak, running);
        await Promise.resolve();
        running--;
        if (item.input.i === 3) throw new Error('three');
        return item.input.i;
      },
      { concurrency: 3 },
    );
    expect(peak).toBe(3);
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([
      0,
      1,
      2,
      'Batch item 3 failed: three',
      4,
      5,
      6,
    ]);
  });

  it('gives every failed item an error of the Uplink family, wrapping others with their cause', async () => {
    const typed = new AbortError('stopped');
    const bug = new TypeError('x is not a function');
    const results = await runBatch(items(3), async (item) => {
      if (item.input.i === 0) throw bug;
      if (item.input.i === 1) throw typed;
      throw 'a string';
    });
    const errors = results.map((r) => (r.ok ? undefined : r.error));
    expect(errors.every((e) => isUplinkError(e))).toBe(true);
    expect(errors[0]).toBeInstanceOf(UplinkError);
    expect(errors[0]?.message).toBe('Batch item 0 failed: x is not a function');
    expect(errors[0]?.cause).toBe(bug);
    expect(errors[1]).toBe(typed);
    expect(errors[2]?.message).toBe('Batch item 2 failed: a string');
  });

  it('returns an empty list for no items and rejects a bad concurrency', async () => {
    await expect(runBatch([], async () => 1)).resolves.toEqual([]);
    await expect(runBatch(items(1), async () => 1, { concurrency: 0 })).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
  });

  it('rejects a non-array with InvalidArgumentError and fails non-object items alone', async () => {
    await expect(runBatch(undefined as never, async () => 1)).rejects.toThrow(
      'Invalid argument: items: expected an array of {flowId, input} items, received undefined',
    );
    await expect(runBatch('abc' as never, async () => 1)).rejects.toBeInstanceOf(
      InvalidArgumentError,
    );
    const results = await runBatch([null, items(1)[0]] as never, async () => 1);
    expect(results[1]).toMatchObject({ ok: true, value: 1 });
    const bad = results[0];
    if (!bad || bad.ok) throw new Error('expected item 0 to fail');
    expect(bad.error).toBeInstanceOf(InvalidArgumentError);
    expect((bad.error as Error).message).toBe(
      'Invalid argument: items[0]: expected a {flowId, input} object, received null',
    );
  });

  it('gives every item AbortError when the signal is already aborted', async () => {
    let started = 0;
    const results = await runBatch(
      items(2),
      async () => {
        started++;
        return 1;
      },
      { signal: AbortSignal.abort() },
    );
    expect(started).toBe(0);
    expect(results.every((r) => !r.ok && r.error instanceof AbortError)).toBe(true);
  });

  it('stops and rethrows when onProgress throws', async () => {
    let started = 0;
    const boom = new Error('callback broke');
    const run = runBatch(
      items(5),
      async () => {
        started++;
        return 1;
      },
      {
        concurrency: 1,
        onProgress: () => {
          throw boom;
        },
      },
    );
    await expect(run).rejects.toBe(boom);
    expect(started).toBe(1);
  });
});

describe('runBatch: arguments, progress and abort', () => {
  it('says what a bad concurrency or items argument was', async () => {
    for (const concurrency of [0, 1.5, -1]) {
      await expect(runBatch(items(1), async () => 1, { concurrency })).rejects.toThrow(
        `Invalid argument: concurrency: expected an integer >= 1, received ${concurrency}`,
      );
    }
    await expect(runBatch(null as never, async () => 1)).rejects.toThrow(
      'Invalid argument: items: expected an array of {flowId, input} items, received null',
    );
    await expect(runBatch('abc' as never, async () => 1)).rejects.toThrow(
      'Invalid argument: items: expected an array of {flowId, input} items, received string',
    );
  });

  it('fails an item that is not an object without running it', async () => {
    const seen: unknown[] = [];
    const results = await runBatch(['flow-a', 7] as never, async (item) => {
      seen.push(item);
      return 1;
    });
    expect(seen).toEqual([]);
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([
      'Invalid argument: items[0]: expected a {flowId, input} object, received string',
      'Invalid argument: items[1]: expected a {flowId, input} object, received number',
    ]);
  });

  it('reports progress with the counts at each settle', async () => {
    const progress: string[] = [];
    await runBatch(
      items(3),
      async (item) => {
        await Promise.resolve();
        if (item.input.i === 1) throw new Error('one');
        return item.input.i;
      },
      {
        concurrency: 2,
        onProgress: (p) =>
          progress.push(
            `${p.result.index}: ${p.completed}/${p.total} ok ${p.succeeded} failed ${p.failed} running ${p.running}`,
          ),
      },
    );
    expect(progress).toEqual([
      '0: 1/3 ok 1 failed 0 running 1',
      '1: 2/3 ok 1 failed 1 running 1',
      '2: 3/3 ok 2 failed 1 running 0',
    ]);
  });

  it('an abort mid-batch aborts the items in flight and fails the rest without starting them', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const reason = new AbortError('user stopped the batch');
    const results = await runBatch(
      items(3),
      (item, signal) => {
        started.push(item.input.i as number);
        controller.abort(reason);
        return new Promise((_resolve, reject) => {
          if (signal.aborted) reject(signal.reason);
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        });
      },
      { concurrency: 1, signal: controller.signal },
    );
    expect(started).toEqual([0]);
    expect(results.map((r) => (r.ok ? r.value : r.error.message))).toEqual([
      'user stopped the batch',
      'The batch was aborted before this item started',
      'The batch was aborted before this item started',
    ]);
    expect(results.every((r) => !r.ok && r.error instanceof AbortError)).toBe(true);
  });

  it("leaves no listener on the caller's signal", async () => {
    const controller = new AbortController();
    await runBatch(items(4), async () => 1, { concurrency: 2, signal: controller.signal });
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
  });
});
