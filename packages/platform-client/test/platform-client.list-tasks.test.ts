import { ResponseValidationError } from '@uplink/core-schemas';
import type { Logger } from '@uplink/http';
import { describe, expect, it } from 'vitest';
import { PlatformClient, type RejectedTaskRow } from '../src/index.js';
import { fixture, TOKEN } from './fixtures.js';
import { startRecordingServer } from './recording-server.js';

const [task] = fixture('list-tasks-pending').response.body as Record<string, unknown>[];
const BAD_ID = '0199c4a2-3d1c-7f02-8e55-b0c7a4d61e30';

function captureLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const log =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push(`${level} ${message} ${JSON.stringify(fields ?? {})}`);
    };
  return { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

describe('listTasks validates rows one by one (one malformed task must not block the rest)', () => {
  it('returns the valid tasks and lists each rejected row with its id and the problem', async () => {
    const rows = [
      task,
      { ...task, id: BAD_ID, payload: null },
      { ...task, id: 'not-a-uuid', scheduled_at: 'yesterday', secret: 'sk-proj-hidden' },
      42,
    ];
    const server = await startRecordingServer(() => ({ body: rows }));
    const logger = captureLogger();
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      logger,
    });
    const tasks = await client.listTasks({ status: 'pending' });
    expect(tasks.map((t) => t.id)).toEqual([task?.id]);
    // Still a plain array for `for...of`, `map` and `toEqual`; the rejects ride along, typed.
    expect(Array.isArray(tasks)).toBe(true);
    expect(tasks).toEqual([expect.objectContaining({ id: task?.id })]);
    const rejected: readonly RejectedTaskRow[] = tasks.rejected;
    expect(rejected).toEqual([
      {
        index: 1,
        id: BAD_ID,
        type: 'deploy',
        problem: 'payload: expected Object, got null',
        issues: [{ path: 'payload', expected: 'Object', received: 'null' }],
      },
      {
        index: 2,
        id: 'not-a-uuid',
        type: 'deploy',
        problem: expect.stringMatching(/^id: .*; scheduled_at: /),
        issues: [
          expect.objectContaining({ path: 'id', received: 'a string' }),
          expect.objectContaining({ path: 'scheduled_at', received: 'a string' }),
        ],
      },
      {
        index: 3,
        id: undefined,
        type: undefined,
        problem: 'expected Object, got a number',
        issues: [{ path: undefined, expected: 'Object', received: 'a number' }],
      },
    ]);
    // Problems name paths and kinds, never the values (a row may carry anything).
    const seen = JSON.stringify(rejected) + logger.lines.join('\n');
    expect(seen).not.toContain('yesterday');
    expect(seen).not.toContain('sk-proj-hidden');
    expect(logger.lines).toContainEqual(
      expect.stringMatching(
        /^warn listTasks: rows that do not match the task schema were set aside/,
      ),
    );
  });

  it('sets rejected to an empty list when every row is valid, and still fails a body that is not an array', async () => {
    let body: unknown = [task];
    const server = await startRecordingServer(() => ({ body }));
    await using client = new PlatformClient({
      token: TOKEN,
      baseUrl: server.url,
      env: {},
      retry: false,
    });
    const tasks = await client.listTasks();
    expect(tasks.rejected).toEqual([]);
    body = { detail: 'not a list' };
    await expect(client.listTasks()).rejects.toBeInstanceOf(ResponseValidationError);
  });
});
