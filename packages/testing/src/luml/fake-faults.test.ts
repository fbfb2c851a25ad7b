import { afterEach, describe, expect, it } from 'vitest';
import { type FakeLumlPlatform, startFakeLumlPlatform } from './fake-luml-platform.js';

let platform: FakeLumlPlatform | undefined;
afterEach(() => platform?.close());

const tasks = (token: string) =>
  fetch(`${platform!.url}/satellites/v1/tasks`, { headers: { authorization: `Bearer ${token}` } });

describe('fault injection on the fake LUML platform', () => {
  it('faults satellite routes per route, counts every call, and keeps user routes exempt', async () => {
    platform = await startFakeLumlPlatform({
      faults: { seed: 7, routes: { 'GET /satellites/v1/tasks': { serverError: 1 } } },
    });
    const { token } = platform.createSatellite();
    const faulted = await tasks(token);
    expect(faulted.status).toBe(503);
    expect(await faulted.json()).toEqual({ detail: 'injected fault: 503' });
    const deployments = await fetch(`${platform.url}/satellites/v1/deployments`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(deployments.status).toBe(200);
    expect(platform.calls['GET /satellites/v1/tasks']).toBe(1);
    expect(platform.calls['GET /satellites/v1/deployments']).toBe(1);
    expect(platform.faults.stats.serverError).toBe(1);
    expect(platform.requests.map((r) => r.status)).toEqual([503, 200]);

    // A global outage configured at runtime still leaves user-side setup alone.
    platform.faults.configure({ global: { serverError: 1 } });
    const user = await fetch(
      `${platform.url}/v1/organizations/${platform.organizationId}/orbits/${platform.orbitId}/satellites`,
      { headers: { authorization: `Bearer ${platform.userApiKey}` } },
    );
    expect(user.status).toBe(200);
    expect((await tasks(token)).status).toBe(503);
    platform.faults.configure({});
    expect((await tasks(token)).status).toBe(200);
  });

  it('rate-limits with Retry-After and drops connections', async () => {
    platform = await startFakeLumlPlatform({
      faults: {
        routes: {
          'GET /satellites/v1/tasks': { rateLimit: 1, retryAfterSeconds: 3 },
          'GET /satellites/v1/deployments': { drop: 1 },
        },
      },
    });
    const { token } = platform.createSatellite();
    const limited = await tasks(token);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('3');
    await expect(
      fetch(`${platform.url}/satellites/v1/deployments`, {
        headers: { authorization: `Bearer ${token}` },
      }),
    ).rejects.toThrow();
    expect(platform.calls['GET /satellites/v1/deployments']).toBe(1);
    expect(platform.requests.at(-1)?.status).toBeUndefined();
  });

  it('truncates artifact downloads so a client must resume with Range', async () => {
    platform = await startFakeLumlPlatform({
      faults: { routes: { 'GET /luml-artifacts/**': { truncate: 1 } } },
    });
    const artifact = platform.uploadArtifact({ bytes: 'x'.repeat(4096) });
    const res = await fetch(platform.artifactDownloadUrl(artifact.id));
    expect(res.status).toBe(200);
    await expect(res.arrayBuffer()).rejects.toThrow();
    expect(platform.faults.stats.truncate).toBe(1);
  });

  it('is reproducible with the same seed', async () => {
    const run = async () => {
      const p = await startFakeLumlPlatform({ faults: { seed: 99, global: { serverError: 0.5 } } });
      try {
        const { token } = p.createSatellite();
        const statuses: number[] = [];
        for (let i = 0; i < 12; i++)
          statuses.push(
            (
              await fetch(`${p.url}/satellites/v1/tasks`, {
                headers: { authorization: `Bearer ${token}` },
              })
            ).status,
          );
        return statuses;
      } finally {
        await p.close();
      }
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(new Set(first)).toEqual(new Set([200, 503]));
  });
});
