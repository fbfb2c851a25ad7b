import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ApiError } from '@uplink/core-schemas';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrchClient, type TaskEvent } from '../src/index.js';
import { type ScriptedServer, startScriptedServer } from './scripted-server.js';

// Replays every SSE fixture of fixtures/llama-orch (docs/protocols/llama-orch.md §6) through
// streamTask, with the body cut into 3-byte writes so frames, lines and characters are split across
// chunks.
interface Fixture {
  meta: { name: string };
  request: { path: string };
  response: { status: number; headers: Record<string, string>; body: string };
}

const dir = resolve(import.meta.dirname, '../../../fixtures/llama-orch');
const fixtures: Fixture[] = readdirSync(dir)
  .filter((f) => f.startsWith('stream-') && f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(resolve(dir, f), 'utf8')) as Fixture);

let current: Fixture | undefined;
let server: ScriptedServer;
beforeAll(async () => {
  server = await startScriptedServer(() => ({
    raw: async (res) => {
      const fixture = current!;
      res.writeHead(fixture.response.status, fixture.response.headers);
      const bytes = Buffer.from(fixture.response.body, 'utf8');
      for (let k = 0; k < bytes.length; k += 3) {
        res.write(bytes.subarray(k, k + 3));
        await new Promise<void>((r) => setImmediate(r));
      }
      res.end();
    },
  }));
});
afterAll(() => server.close());

describe('SSE fixtures through streamTask', () => {
  it('has the stream fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(10);
  });

  for (const fixture of fixtures) {
    it(fixture.meta.name, async () => {
      current = fixture;
      const v2 = fixture.request.path.startsWith('/v2/');
      const client = new OrchClient({
        baseUrl: server.url,
        apiVersion: v2 ? 'v2' : 'v1',
        retry: false,
      });
      const events: TaskEvent[] = [];
      const run = async () => {
        for await (const event of client.streamTask('t-1')) events.push(event);
      };
      if (fixture.response.status !== 200) {
        const error = await run().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).status).toBe(fixture.response.status);
        return;
      }
      await run();
      expect(events[0]?.type).toBe('started');
      const last = events.at(-1);
      expect(['end', 'error']).toContain(last?.type);
      expect(events.filter((e) => e.type === 'end' || e.type === 'error')).toHaveLength(1);
      const indexes = events.flatMap((e) => (e.type === 'token' ? [e.index] : []));
      expect(indexes).toEqual(indexes.map((_, k) => k));
      if (fixture.meta.name === 'stream-v2-camelcase-error-then-end') {
        expect(last).toMatchObject({
          type: 'error',
          code: 'POOL_UNREADY',
          retriable: true,
          retryAfterMs: 500,
        });
      }
      if (fixture.meta.name === 'stream-adapter-error-no-code') {
        expect(last).toMatchObject({ type: 'error', code: 'UNKNOWN_STREAM_ERROR' });
      }
      if (fixture.meta.name === 'stream-adapter-canceled') {
        expect(last).toMatchObject({ type: 'end', canceled: true });
      }
      if (fixture.meta.name === 'stream-generator-reference') {
        expect(events.flatMap((e) => (e.type === 'token' ? [e.text] : []))).toEqual([
          'T0b92',
          'Tb5c9',
          'T4494',
          'T66e3',
        ]);
        expect(last).toMatchObject({ type: 'end', tokensOut: 4, decodeMs: 310 });
      }
      await client.close();
    });
  }
});
