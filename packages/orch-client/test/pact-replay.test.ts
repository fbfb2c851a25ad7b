import { ApiError } from '@uplink/core-schemas';
import type { TaskRequest } from '@uplink/core-schemas/llama-orch';
import { type FakeLlamaOrch, PACT_INTERACTIONS, startFakeLlamaOrch } from '@uplink/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OrchClient, type TaskEvent } from '../src/index.js';

// docs/protocols/llama-orch.md §13.1: the 14 Pact interactions, replayed through the client against
// the fake, which answers each one canned by task id or path.
let orch: FakeLlamaOrch;
let client: OrchClient;
beforeAll(async () => {
  orch = await startFakeLlamaOrch();
  client = new OrchClient({ baseUrl: orch.url, apiKey: 'valid', retry: false });
});
afterAll(async () => {
  await client.close();
  await orch.close();
});

describe('Pact interactions through OrchClient', () => {
  it('covers all 14 interactions', () => {
    expect(PACT_INTERACTIONS).toHaveLength(14);
  });

  for (const pact of PACT_INTERACTIONS) {
    it(`#${pact.index} ${pact.description}`, async () => {
      const corr = pact.headers['x-correlation-id'];
      if (pact.method === 'POST' && pact.path === '/v1/tasks') {
        const request = pact.requestBody as TaskRequest;
        if (pact.status === 202) {
          const result = await client.enqueueTask(request);
          expect(result.admission).toEqual(pact.body);
          expect(result.correlationId).toBe(corr);
          return;
        }
        const error = await client.enqueueTask(request).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ApiError);
        const body = pact.body as { code: string; retry_after_ms?: number };
        expect(error).toMatchObject({ status: pact.status, code: body.code, correlationId: corr });
        if (pact.status === 429) expect((error as ApiError).retryAfterMs).toBe(body.retry_after_ms);
        return;
      }
      const id = pact.path.split('/')[3] ?? '';
      if (pact.path.endsWith('/cancel')) {
        await expect(client.cancelTask(id)).resolves.toBeUndefined();
      } else if (pact.method === 'GET' && pact.path.startsWith('/v1/sessions/')) {
        expect(await client.getSession(id)).toEqual(pact.body);
      } else if (pact.method === 'DELETE') {
        await expect(client.deleteSession(id)).resolves.toBeUndefined();
      } else if (pact.path.endsWith('/stream')) {
        const events: TaskEvent[] = [];
        for await (const event of client.streamTask(id)) events.push(event);
        expect(events).toEqual([
          { type: 'started', queuePosition: 3, predictedStartMs: 420 },
          { type: 'token', text: 'Hello', index: 0 },
          { type: 'end', tokensOut: 1, decodeMs: 100, canceled: false },
        ]);
      } else {
        throw new Error(`interaction #${pact.index} is not replayed`);
      }
      expect(orch.requests.at(-1)?.url).toContain(pact.path);
    });
  }
});
