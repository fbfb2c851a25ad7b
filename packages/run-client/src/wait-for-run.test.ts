import {
  AbortError,
  ConnectionError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from '@uplink/core-schemas';
import type { RunMetadata } from '@uplink/core-schemas/agent-sdk';
import { describe, expect, it } from 'vitest';
import { pollRun, WaitTimeoutError } from './wait-for-run.js';

const run = (status: string): RunMetadata => ({
  run_id: 'r',
  session_id: 's',
  agent_id: 'a',
  org_id: 'default',
  status,
  created_at: 't',
  tags: {},
  metadata: {},
});

function script(answers: (string | Error)[]) {
  const at: number[] = [];
  const started = Date.now();
  const read = async () => {
    at.push(Date.now() - started);
    const answer = answers.shift() ?? 'running';
    if (answer instanceof Error) throw answer;
    return run(answer);
  };
  return { read, at };
}

describe('pollRun', () => {
  it('polls at once and stops at the first final status', async () => {
    const { read, at } = script(['completed']);
    expect((await pollRun(read)).status).toBe('completed');
    expect(at).toHaveLength(1);
    expect(at[0]).toBeLessThan(50);
  });

  it('backs off, doubling up to maxIntervalMs', async () => {
    const { read, at } = script(['accepted', 'running', 'running', 'running', 'timeout']);
    const seen: string[] = [];
    const final = await pollRun(read, {
      intervalMs: 10,
      maxIntervalMs: 25,
      onProgress: (r) => seen.push(r.status),
    });
    expect(final.status).toBe('timeout');
    expect(seen).toEqual(['accepted', 'running', 'running', 'running', 'timeout']);
    const gaps = at.slice(1).map((t, i) => t - (at[i] as number));
    expect(gaps[0]).toBeGreaterThanOrEqual(9);
    expect(gaps[1]).toBeGreaterThanOrEqual(19);
    expect(gaps[2]).toBeGreaterThanOrEqual(24);
    expect(gaps[3]).toBeGreaterThanOrEqual(24);
  });

  it('rides out transient failures, honours a retry hint, and gives up after too many in a row', async () => {
    const busy = new RateLimitError('429', { status: 429, retryAfterMs: 30 });
    const { read, at } = script([new ConnectionError('refused'), busy, 'completed']);
    expect((await pollRun(read, { intervalMs: 1 })).status).toBe('completed');
    expect((at[2] as number) - (at[1] as number)).toBeGreaterThanOrEqual(29);
    const down = new InternalServerError('503', { status: 503 });
    const failing = script([down, down, down]);
    await expect(pollRun(failing.read, { intervalMs: 1, maxTransientFailures: 2 })).rejects.toBe(
      down,
    );
    expect(failing.at).toHaveLength(3);
  });

  it('throws other errors at once, WaitTimeoutError after the deadline, AbortError on abort', async () => {
    const missing = new NotFoundError('404', { status: 404 });
    await expect(pollRun(script([missing]).read)).rejects.toBe(missing);
    const error = await pollRun(script([]).read, { timeoutMs: 30, intervalMs: 5 }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WaitTimeoutError);
    expect((error as WaitTimeoutError).lastRun?.status).toBe('running');
    expect((error as WaitTimeoutError).timeoutMs).toBe(30);
    const controller = new AbortController();
    const pending = pollRun(script([]).read, { signal: controller.signal, intervalMs: 1000 });
    setTimeout(() => controller.abort(), 10);
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });
});
