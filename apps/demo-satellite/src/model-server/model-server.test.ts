import { OrchClient } from '@uplink/orch-client';
import { type FakeLlamaOrch, startFakeLlamaOrch } from '@uplink/testing';
import { startServer } from '@uplink/testing/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelCard } from './model-card.js';
import { createModelServerHandler, modelOpenApi } from './model-server.js';

let orch: FakeLlamaOrch;
let url: string;
const deploymentId = '0199c4a2-3d18-7b6e-a1c4-5f2e8d90b713';

beforeAll(async () => {
  // The generator mode, for the reference tokens of docs/protocols/llama-orch.md §12.3.
  orch = await startFakeLlamaOrch({ apiKey: 'orch-secret-key', streamMode: 'generator' });
  const client = new OrchClient({ baseUrl: orch.url, apiKey: 'orch-secret-key' });
  const server = await startServer(
    createModelServerHandler({ card: demoModelCard(), deploymentId, orch: client }),
  );
  url = server.url;
});
afterAll(() => orch.close());

const post = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('model server (LUML model-server contract + AI Spine agent protocol)', () => {
  it('answers the health, manifest and OpenAPI routes', async () => {
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'healthy' });
    expect(await (await fetch(`${url}/manifest`)).json()).toEqual(demoModelCard());
    expect(await (await fetch(`${url}/openapi.json`)).json()).toEqual(
      modelOpenApi(demoModelCard()),
    );
    expect(await (await fetch(`${url}/health`)).json()).toEqual({
      agent_id: deploymentId,
      version: 'v1.0.0',
      capabilities: ['conversation'],
      ready: true,
    });
  });

  it('streams a completion as SSE token frames then an end frame with the joined text', async () => {
    const res = await post('/compute', { prompt: 'hello', max_tokens: 4, seed: 42 });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const text = await res.text();
    const frames = text
      .trim()
      .split('\n\n')
      .map((f) => ({
        event: /event: (\w+)/.exec(f)?.[1],
        data: JSON.parse(f.split('data: ')[1]!),
      }));
    expect(frames.map((f) => f.event)).toEqual(['token', 'token', 'token', 'token', 'end']);
    // Seed 42 on llamacpp:v1.0.0 is docs/protocols/llama-orch.md §12.3's reference output.
    expect(frames.slice(0, 4).map((f) => f.data.t)).toEqual(['T0b92', 'Tb5c9', 'T4494', 'T66e3']);
    expect(frames[4]!.data).toMatchObject({
      text: 'T0b92Tb5c9T4494T66e3',
      tokens_out: 4,
      decode_ms: 310,
    });
  });

  it('answers JSON when stream is false', async () => {
    const res = await post('/compute', { prompt: 'hello', max_tokens: 2, seed: 42, stream: false });
    expect(await res.json()).toEqual({
      text: 'T0b92Tb5c9',
      tokens_out: 2,
      decode_ms: expect.any(Number),
    });
  });

  it('sends a mid-stream llama-orch error as an SSE error frame', async () => {
    const res = await post('/compute', { prompt: 'stream-error:WORKER_RESET', max_tokens: 4 });
    const text = await res.text();
    expect(text).toContain('event: error');
    expect(text).toContain('WORKER_RESET');
  });

  it('runs an AI Spine node through a completion', async () => {
    const res = await post('/execute', {
      execution_id: 'e1',
      node_id: 'writer',
      input: { prompt: 'hi' },
      config: { max_tokens: 3 },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'success',
      execution_id: 'e1',
      output: { text: expect.any(String), tokens_out: 3, model: 'haiku-writer', node_id: 'writer' },
    });
  });

  it('fails an agent call with 502 when llama-orch refuses, so AI Spine fails the node', async () => {
    const res = await post('/execute', {
      execution_id: 'e2',
      node_id: 'n',
      input: { prompt: 'cause-internal' },
    });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ status: 'error', execution_id: 'e2' });
  });

  it('rejects bad requests with a clear status and message', async () => {
    const notJson = await post('/compute', '{nope');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({ error: 'expected a JSON body' });
    const missing = await post('/compute', { max_tokens: 2 });
    expect(missing.status).toBe(422);
    expect((await missing.json()).error).toMatch(/^invalid request at "prompt"/);
    const huge = await post('/compute', { prompt: 'x'.repeat(1024 * 1024 + 1) });
    expect(huge.status).toBe(413);
    expect((await fetch(`${url}/nope`)).status).toBe(404);
  });
});
