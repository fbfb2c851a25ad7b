import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLumlPlatform, startFakeLumlPlatform } from './fake-luml-platform.js';

let platform: FakeLumlPlatform;
let token: string;
let satelliteId: string;
beforeEach(async () => {
  platform = await startFakeLumlPlatform();
  const created = platform.createSatellite({ name: 'edge-docker-01' });
  token = created.token;
  satelliteId = created.satellite.id;
});
afterEach(() => platform.close());

const call = async (method: string, path: string, body?: unknown, auth: string | null = token) => {
  const headers: Record<string, string> = {};
  if (auth !== null) headers.authorization = `Bearer ${auth}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${platform.url}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = text;
  }
  return { status: res.status, body: json as any, headers: res.headers };
};

describe('smoke', () => {
  it('pairs', async () => {
    const r = await call('POST', '/satellites/v1/pair', {
      base_url: 'http://localhost',
      capabilities: { deploy: { version: 1 } },
    });
    expect(r.status).toBe(200);
    expect(r.body.base_url).toBe('http://localhost/');
    expect(r.body.status).toBe('active');
    expect(satelliteId).toBe(r.body.id);
  });
});
