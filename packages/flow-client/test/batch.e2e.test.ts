import { AbortError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { type BatchItem, type BatchProgress, ExecutionError, FlowClient } from '../src/index.js';
import { gate, startSpine } from './helpers.js';

describe('executeBatch against FakeAiSpine', () => {
  it('is a real pool: a slow item does not hold back the rest, results keep input order', async () => {
    const slowGate = gate();
    let inFlight = 0;
    let maxInFlight = 0;
    let fastDone = 0;
    const spine = await startSpine({
      worker: async (req) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          if (req.input.slow) await slowGate.promise;
          else if (req.input.fail) throw new Error(`item ${req.input.n} broke`);
          else fastDone++;
          // The slow item is released only once every fast item finished: with waves of
          // `concurrency` this would never happen and the test would time out.
          if (fastDone === 4) slowGate.open();
          return { n: req.input.n };
        } finally {
          inFlight--;
        }
      },
    });
    const client = new FlowClient({ baseUrl: spine.url });
    const items: BatchItem[] = [
      { flowId: 'worker_flow', input: { n: 0, slow: true } },
      { flowId: 'worker_flow', input: { n: 1 } },
      { flowId: 'worker_flow', input: { n: 2, fail: true } },
      { flowId: 'worker_flow', input: { n: 3 } },
      { flowId: 'worker_flow', input: { n: 4 } },
      { flowId: 'worker_flow', input: { n: 5 }, metadata: { tag: 'last' }, priority: 2 },
    ];
    const progress: BatchProgress<unknown>[] = [];
    const results = await client.executeBatch(items, {
      concurrency: 2,
      wait: { intervalMs: 5 },
      onProgress: (p) => progress.push(p),
    });
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true, true, true]);
    const first = results[0];
    expect(first?.ok && first.value.output_data).toEqual({ step: { n: 0 } });
    const failed = results[2];
    expect(!failed?.ok && failed?.error).toBeInstanceOf(ExecutionError);
    expect(maxInFlight).toBe(2);
    expect(progress.at(-1)).toMatchObject({ completed: 6, total: 6, succeeded: 5, failed: 1 });
    // Items 1-4 ran one after another in the second slot while the slow item held the first,
    // so they all settled before it.
    expect(progress.findIndex((p) => p.result.index === 0)).toBeGreaterThanOrEqual(4);
  });

  it('only starts runs with wait: false', async () => {
    const spine = await startSpine({ echo: (req) => req.input });
    const client = new FlowClient({ baseUrl: spine.url });
    const results = await client.executeBatch(
      [
        { flowId: 'echo_flow', input: { a: 1 } },
        { flowId: 'nope', input: {} },
      ],
      { wait: false },
    );
    expect(results[0]?.ok && results[0].value.status).toBe('pending');
    expect(results[1]?.ok).toBe(false);
    expect(spine.calls['GET /api/v1/executions/{execution_id}']).toBeUndefined();
  });

  it('aborts: in-flight items are aborted and unstarted ones get AbortError', async () => {
    const hold = gate();
    const entered = gate();
    const spine = await startSpine({
      held: async () => {
        entered.open();
        await hold.promise;
        return {};
      },
    });
    const client = new FlowClient({ baseUrl: spine.url });
    const controller = new AbortController();
    const items = Array.from({ length: 4 }, () => ({ flowId: 'held_flow', input: {} }));
    const batch = client.executeBatch(items, {
      concurrency: 1,
      signal: controller.signal,
      wait: { intervalMs: 5 },
    });
    await entered.promise;
    controller.abort();
    const results = await batch;
    hold.open();
    expect(results).toHaveLength(4);
    for (const result of results) {
      expect(result.ok).toBe(false);
      expect(!result.ok && result.error).toBeInstanceOf(AbortError);
    }
    expect(spine.executions.size).toBe(1);
  });
});
