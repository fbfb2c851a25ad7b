import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DeploymentTaskPayloadSchema } from '@uplink/core-schemas/luml';
import type { Logger } from '@uplink/http';
import { describe, expect, it, vi } from 'vitest';
import { defineHandler, TaskExecutionError } from '../src/index.js';
import { computeReadiness } from '../src/readiness.js';
import { createWorker, DEPLOY_CAPABILITY, startPlatform } from './helpers.js';

interface LogRecord {
  level: keyof Logger;
  message: string;
  fields: Record<string, unknown> | undefined;
}

function capturingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      records.push({ level, message, fields });
    };
  return {
    records,
    logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') },
  };
}

describe('TaskContext: logger, secrets and failure details', () => {
  it("gives a logger carrying the task's fields and keeps secret values out of logs and results", async () => {
    const { platform, satellite, token } = await startPlatform();
    const secret = platform.createSecret({ name: 'API_TOKEN', value: 'sk-very-secret-123' });
    const task = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'deploy',
      payload: { deployment_id: crypto.randomUUID() },
    });
    const { logger, records } = capturingLogger();
    let tempDir = '';
    const worker = createWorker(
      platform,
      token,
      [
        defineHandler('deploy', {
          payload: DeploymentTaskPayloadSchema,
          capability: DEPLOY_CAPABILITY,
          run: async (ctx) => {
            const value = await ctx.getSecret('API_TOKEN');
            expect(await ctx.getSecret(secret.id)).toBe(value);
            expect(ctx.settings.token).toBe(token);
            expect(ctx.task.id).toBe(task.id);
            tempDir = await ctx.tempDirectory();
            await writeFile(join(tempDir, 'scratch.bin'), 'partial work');
            ctx.logger.info(`calling upstream with ${value}`, { header: `Bearer ${value}` });
            throw new TaskExecutionError('upstream refused', {
              error: `key ${value} was rejected`,
              details: { echoed: value, nested: { list: [value] }, attempts: 2 },
            });
          },
        }),
      ],
      { logger },
    );
    await worker.start();
    await vi.waitFor(
      () => expect(platform.tasks.find((t) => t.id === task.id)?.status).toBe('failed'),
      { timeout: 10_000 },
    );
    const result = platform.tasks.find((t) => t.id === task.id)?.result;
    expect(result).toEqual({
      reason: 'upstream refused',
      error: 'key [REDACTED] was rejected',
      echoed: '[REDACTED]',
      nested: { list: ['[REDACTED]'] },
      attempts: 2,
    });
    await expect(stat(tempDir)).rejects.toThrow(); // removed although the task failed
    const handlerLine = records.find((r) => r.message.startsWith('calling upstream'));
    expect(handlerLine).toMatchObject({
      level: 'info',
      message: 'calling upstream with [REDACTED]',
      fields: { taskId: task.id, taskType: 'deploy' },
    });
    const failedLine = records.find((r) => r.message.includes(' failed in '));
    expect(failedLine?.message).toMatch(
      new RegExp(
        `^task ${task.id} \\(deploy\\) failed in \\d+ ms: upstream refused: key \\[REDACTED\\] was rejected$`,
      ),
    );
    expect(failedLine?.fields).toMatchObject({
      taskId: task.id,
      taskType: 'deploy',
      reason: 'upstream refused',
    });
    const everything = JSON.stringify(records);
    expect(everything).not.toContain('sk-very-secret-123');
    expect(everything).not.toContain(token);
  });

  it('runs sync and async handlers alike', async () => {
    const { platform, satellite, token } = await startPlatform();
    const sync = platform.enqueueTask({ satelliteId: satellite.id, type: 'sync', payload: {} });
    const asyncTask = platform.enqueueTask({
      satelliteId: satellite.id,
      type: 'async',
      payload: {},
    });
    const nothing = platform.enqueueTask({ satelliteId: satellite.id, type: 'void', payload: {} });
    const worker = createWorker(platform, token, [
      defineHandler('sync', { capability: DEPLOY_CAPABILITY, run: () => ({ kind: 'sync' }) }),
      defineHandler('async', { run: async () => ({ kind: 'async' }) }),
      defineHandler('void', { run: () => {} }),
    ]);
    await worker.start();
    const resultOf = (id: string) => platform.tasks.find((t) => t.id === id);
    await vi.waitFor(
      () =>
        expect([sync, asyncTask, nothing].map((t) => resultOf(t.id)?.status)).toEqual([
          'done',
          'done',
          'done',
        ]),
      { timeout: 10_000 },
    );
    expect(resultOf(sync.id)?.result).toEqual({ kind: 'sync' });
    expect(resultOf(asyncTask.id)?.result).toEqual({ kind: 'async' });
    expect(resultOf(nothing.id)?.result).toEqual({});
  });
});

describe('readiness', () => {
  const base = { state: 'running' as const, paired: true, maxAgeMs: 30_000, nowMs: 100_000 };
  it('is ready only when running, paired and the last poll is recent, and says why not', () => {
    expect(computeReadiness({ ...base, lastPollSuccessMs: 90_000 })).toEqual({ ready: true });
    expect(computeReadiness({ ...base, state: 'starting', lastPollSuccessMs: 90_000 })).toEqual({
      ready: false,
      reason: 'worker is starting',
    });
    expect(computeReadiness({ ...base, paired: false, lastPollSuccessMs: 90_000 })).toEqual({
      ready: false,
      reason: 'not paired yet',
    });
    expect(computeReadiness({ ...base, lastPollSuccessMs: undefined })).toEqual({
      ready: false,
      reason: 'no successful poll yet',
    });
    expect(computeReadiness({ ...base, lastPollSuccessMs: 40_000 })).toEqual({
      ready: false,
      reason: 'last successful poll was 60 s ago (limit 30 s)',
    });
  });
});
