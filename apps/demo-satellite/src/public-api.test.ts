import { silentLogger } from '@uplink/http';
import { MockPlatformClient } from '@uplink/testing';
import { startServer } from '@uplink/testing/vitest';
import { afterEach, describe, expect, it } from 'vitest';
import type { ModelProcesses } from './model-processes.js';
import { type PublicApi, startPublicApi } from './public-api.js';

const deploymentId = '0199c4a2-3d18-7b6e-a1c4-5f2e8d90b713';
const userKey = 'dfs_F-xvH1zvbdOiSxErZPsmpuyD1cPWHrAF2rSI1n6K96E';
let api: PublicApi | undefined;
afterEach(() => api?.close());

/** A model server double: echoes what it got, streaming SSE for /compute. */
async function modelDouble() {
  return startServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    if (req.url === '/compute') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: token\ndata: {"t":"a","i":0}\n\n`);
      res.end(`event: end\ndata: ${JSON.stringify({ echoed: body })}\n\n`);
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ path: req.url, method: req.method, body }));
  });
}

async function start(platform: MockPlatformClient, running: Record<string, string>) {
  const models = {
    get: (id: string) => (running[id] ? { url: running[id] } : undefined),
    list: () => Object.keys(running),
  } as unknown as ModelProcesses;
  api = await startPublicApi({ platform, models, logger: silentLogger });
  return api;
}

describe('satellite public API (docs/protocols/luml.md §14)', () => {
  it('serves /healthz without auth and lists running deployments for an authorised key', async () => {
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const { url } = await start(platform, { [deploymentId]: 'http://127.0.0.1:1' });
    expect(await (await fetch(`${url}/healthz`)).json()).toEqual({ status: 'healthy' });
    const res = await fetch(`${url}/deployments`, {
      headers: { authorization: `Bearer ${userKey}` },
    });
    expect(await res.json()).toEqual([{ deployment_id: deploymentId }]);
    expect(platform.calls('authorizeInferenceAccess')).toHaveLength(1);
  });

  it('answers 401 without a bearer key, 401 for an unauthorised key, 502 when the platform fails', async () => {
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const { url } = await start(platform, {});
    const none = await fetch(`${url}/deployments`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual({ detail: 'Not authenticated' });
    const wrong = await fetch(`${url}/deployments`, {
      headers: { authorization: 'Bearer dfs_other' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({ detail: 'Invalid API key' });
    platform.respond('authorizeInferenceAccess', new Error('platform down'));
    const down = await fetch(`${url}/deployments`, {
      headers: { authorization: `Bearer ${userKey}` },
    });
    expect(down.status).toBe(502);
    expect(await down.json()).toEqual({ detail: 'Authorization failed' });
  });

  it('proxies compute to the model server and passes the SSE stream through', async () => {
    const model = await modelDouble();
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const { url } = await start(platform, { [deploymentId]: model.url });
    const res = await fetch(`${url}/deployments/${deploymentId}/compute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'hi' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(await res.text()).toBe(
      `event: token\ndata: {"t":"a","i":0}\n\nevent: end\ndata: ${JSON.stringify({ echoed: '{"prompt":"hi"}' })}\n\n`,
    );
  });

  it('serves the AI Spine agent routes without credentials (the backend sends none)', async () => {
    const model = await modelDouble();
    const platform = new MockPlatformClient();
    const { url } = await start(platform, { [deploymentId]: model.url });
    const res = await fetch(`${url}/deployments/${deploymentId}/execute`, {
      method: 'POST',
      body: '{"x":1}',
    });
    expect(await res.json()).toEqual({ path: '/execute', method: 'POST', body: '{"x":1}' });
    const health = await fetch(`${url}/deployments/${deploymentId}/health`);
    expect(await health.json()).toMatchObject({ path: '/health', method: 'GET' });
    platform.expectNotCalled('authorizeInferenceAccess');
  });

  it('answers 500 for a deployment not running here, 405 and 404 for wrong routes', async () => {
    const platform = new MockPlatformClient({ authorizedApiKeys: [userKey] });
    const { url } = await start(platform, {});
    const res = await fetch(`${url}/deployments/${deploymentId}/compute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${userKey}` },
      body: '{}',
    });
    expect(res.status).toBe(500);
    expect((await res.json()).detail).toMatch(
      /^Compute failed: deployment '.*' is not running here$/,
    );
    expect((await fetch(`${url}/deployments/${deploymentId}/compute`)).status).toBe(405);
    expect((await fetch(`${url}/nowhere`)).status).toBe(404);
  });

  it('answers 500 when the model server is unreachable', async () => {
    const platform = new MockPlatformClient();
    const { url } = await start(platform, { [deploymentId]: 'http://127.0.0.1:9' });
    const res = await fetch(`${url}/deployments/${deploymentId}/execute`, {
      method: 'POST',
      body: '{}',
    });
    expect(res.status).toBe(500);
    expect((await res.json()).detail).toMatch(/^Compute failed: /);
  });
});
