import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeLumlPlatform, startFakeLumlPlatform } from './fake-luml-platform.js';

let platform: FakeLumlPlatform;
let token: string;
let satelliteId: string;

beforeEach(async () => {
  platform = await startFakeLumlPlatform();
  ({
    token,
    satellite: { id: satelliteId },
  } = platform.createSatellite());
});
afterEach(() => platform.close());

const get = async (path: string, headers: Record<string, string> = {}) => {
  const res = await fetch(`${platform.url}${path}`, { headers });
  return { status: res.status, body: (await res.json()) as unknown };
};

const NOT_AUTHENTICATED = { status: 401, body: { detail: 'Not authenticated' } };
const SATELLITE_ONLY = {
  status: 403,
  body: { detail: 'This endpoint requires satellite authentication.' },
};
const USER_ONLY = {
  status: 403,
  body: { detail: 'This endpoint requires jwt, api_key authentication.' },
};

describe('satellite auth (docs/protocols/luml.md §2)', () => {
  it('accepts `Bearer dfssat_…` in any case of the scheme, and the access_token cookie', async () => {
    expect((await get('/satellites/v1/tasks', { authorization: `Bearer ${token}` })).status).toBe(
      200,
    );
    expect((await get('/satellites/v1/tasks', { authorization: `bEaReR   ${token}` })).status).toBe(
      200,
    );
    expect(
      (await get('/satellites/v1/tasks', { cookie: `theme=dark; access_token=${token}` })).status,
    ).toBe(200);
    expect(platform.requests.at(-1)?.satelliteId).toBe(satelliteId);
  });

  it('answers 401 exactly for no token, malformed headers and unknown or revoked keys', async () => {
    const cases: Record<string, string>[] = [
      {},
      { authorization: token },
      { authorization: `Basic ${token}` },
      { authorization: `Bearer ${token} extra` },
      { authorization: 'Bearer dfssat_unknown' },
      { cookie: 'access_token=' },
    ];
    for (const headers of cases)
      expect(await get('/satellites/v1/tasks', headers)).toEqual(NOT_AUTHENTICATED);
    const rotated = platform.rotateSatelliteKey(satelliteId);
    expect(await get('/satellites/v1/tasks', { authorization: `Bearer ${token}` })).toEqual(
      NOT_AUTHENTICATED,
    );
    expect((await get('/satellites/v1/tasks', { authorization: `Bearer ${rotated}` })).status).toBe(
      200,
    );
  });

  it('answers 403 exactly for a valid user key or JWT, 401 for an unknown one', async () => {
    expect(
      await get('/satellites/v1/tasks', { authorization: `Bearer ${platform.userApiKey}` }),
    ).toEqual(SATELLITE_ONLY);
    const jwt = platform.addUserApiKey({ key: 'eyJhbGciOiJIUzI1NiJ9.e30.sig' });
    expect(await get('/satellites/v1/deployments', { authorization: `Bearer ${jwt}` })).toEqual(
      SATELLITE_ONLY,
    );
    expect(await get('/satellites/v1/tasks', { authorization: 'Bearer dfs_unknown' })).toEqual(
      NOT_AUTHENTICATED,
    );
    expect(await get('/satellites/v1/tasks', { authorization: 'Bearer some.jwt.token' })).toEqual(
      NOT_AUTHENTICATED,
    );
  });

  it('routes before auth: unknown paths are 404 and wrong methods 405, token or not', async () => {
    expect(await get('/satellites/v1/nope')).toEqual({
      status: 404,
      body: { detail: 'Not Found' },
    });
    const res = await fetch(`${platform.url}/satellites/v1/tasks`, { method: 'DELETE' });
    expect(res.status).toBe(405);
    expect(await res.json()).toEqual({ detail: 'Method Not Allowed' });
    expect(platform.calls['GET /satellites/v1/nope']).toBe(1);
    const slash = await fetch(`${platform.url}/satellites/v1/tasks/?status=pending`, {
      redirect: 'manual',
    });
    expect(slash.status).toBe(307);
    expect(slash.headers.get('location')).toBe('/satellites/v1/tasks?status=pending');
  });
});

describe('user auth (docs/protocols/luml.md §17)', () => {
  it('rejects a satellite key with 403 and no or unknown credentials with 401', async () => {
    const path = `/v1/organizations/${platform.organizationId}/orbits/${platform.orbitId}/satellites`;
    expect(await get(path, { authorization: `Bearer ${token}` })).toEqual(USER_ONLY);
    expect(await get(path)).toEqual(NOT_AUTHENTICATED);
    expect(await get(path, { authorization: 'Bearer dfs_nope' })).toEqual(NOT_AUTHENTICATED);
    expect((await get(path, { authorization: `Bearer ${platform.userApiKey}` })).status).toBe(200);
  });
});
