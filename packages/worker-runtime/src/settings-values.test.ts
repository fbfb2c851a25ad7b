// Every kind of setting value, at its edges: what is accepted and what it becomes, and the
// exact problem reported otherwise (the message is what an operator reads in a crash log).
import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { loadSettings, type SettingsOverrides } from './settings.js';

const TOKEN = 'dfssat_ElrtvzEokFpY__ygi38cj0OOEiepWRtPV_mou-JmYuk';

/** The settings read from `env` (plus a token). */
const fromEnv = (env: Record<string, string>) =>
  loadSettings({ LUML_SATELLITE_TOKEN: TOKEN, ...env });

/** The problems `loadSettings` reports, as `setting: message` lines. */
function problemsOf(env: Record<string, string>, overrides: SettingsOverrides = {}): string[] {
  try {
    loadSettings({ LUML_SATELLITE_TOKEN: TOKEN, ...env }, overrides);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems.map((p) => `${p.setting}: ${p.message}`);
  }
  return [];
}

describe('boolean settings', () => {
  it.each(['1', 'true', 'yes', 'on', 'TRUE', 'Yes', 'ON'])('%s turns a setting on', (word) => {
    expect(fromEnv({ LUML_OUTBOX_FSYNC: word, LUML_HEALTH_ENABLED: word })).toMatchObject({
      outboxFsync: true,
      healthEnabled: true,
    });
  });

  it.each(['0', 'false', 'no', 'off', 'FALSE', 'No', 'Off'])('%s turns a setting off', (word) => {
    expect(fromEnv({ LUML_OUTBOX_FSYNC: word, LUML_HEALTH_ENABLED: word })).toMatchObject({
      outboxFsync: false,
      healthEnabled: false,
    });
  });

  it('refuses any other word, saying which words work', () => {
    expect(problemsOf({ LUML_OUTBOX_FSYNC: 'enabled', LUML_HEALTH_ENABLED: 'y' })).toEqual([
      'LUML_HEALTH_ENABLED: expected a boolean (true/false, 1/0, yes/no, on/off) (got "y")',
      'LUML_OUTBOX_FSYNC: expected a boolean (true/false, 1/0, yes/no, on/off) (got "enabled")',
    ]);
  });
});

describe('durations in seconds', () => {
  it.each([
    ['0', 0],
    ['0.25', 250],
    ['2', 2000],
    ['0.0004', 0],
    ['0.0006', 1],
    ['+3', 3000],
  ])('LUML_POLL_INTERVAL=%s is %i ms', (raw, ms) => {
    expect(fromEnv({ LUML_POLL_INTERVAL: raw }).pollIntervalMs).toBe(ms);
  });

  it.each(['-1', '-0.5', '1e3', 'soon', '2s'])('refuses %s', (raw) => {
    expect(problemsOf({ LUML_POLL_INTERVAL: raw, LUML_SHUTDOWN_GRACE: raw })).toEqual([
      `LUML_POLL_INTERVAL: expected a number of seconds ≥ 0, such as 2 or 0.5 (got "${raw}")`,
      `LUML_SHUTDOWN_GRACE: expected a number of seconds ≥ 0 (got "${raw}")`,
    ]);
  });

  it('LUML_READY_MAX_AGE must be above zero', () => {
    expect(fromEnv({ LUML_READY_MAX_AGE: '0.001' }).readyMaxAgeMs).toBe(1);
    expect(problemsOf({ LUML_READY_MAX_AGE: '0' })).toEqual([
      'LUML_READY_MAX_AGE: expected a number of seconds > 0 (got "0")',
    ]);
  });

  it('the readiness age defaults to three poll intervals, and at least 30 s', () => {
    expect(fromEnv({ LUML_POLL_INTERVAL: '20' }).readyMaxAgeMs).toBe(60_000);
    expect(fromEnv({ LUML_POLL_INTERVAL: '10' }).readyMaxAgeMs).toBe(30_000);
    expect(fromEnv({ LUML_POLL_INTERVAL: '1' }).readyMaxAgeMs).toBe(30_000);
  });

  it('LUML_TASK_TIMEOUT: from 1 ms to the longest timer, never 0', () => {
    expect(fromEnv({ LUML_TASK_TIMEOUT: '0.001' }).taskTimeoutMs).toBe(1);
    expect(fromEnv({ LUML_TASK_TIMEOUT: '2147483.647' }).taskTimeoutMs).toBe(2_147_483_647);
    const expected =
      'expected a number of seconds ≥ 0.001 and ≤ 2147483.647 (about 24.8 days); unset it for no timeout';
    expect(problemsOf({ LUML_TASK_TIMEOUT: '0' })).toEqual([
      `LUML_TASK_TIMEOUT: ${expected} (got "0")`,
    ]);
    expect(problemsOf({ LUML_TASK_TIMEOUT: '2147483.648' })).toEqual([
      `LUML_TASK_TIMEOUT: ${expected} (got "2147483.648")`,
    ]);
    expect(problemsOf({ LUML_TASK_TIMEOUT: 'never' })).toEqual([
      `LUML_TASK_TIMEOUT: ${expected} (got "never")`,
    ]);
  });

  it('LUML_PAIR_TIMEOUT: from 1 ms to the longest timer', () => {
    expect(fromEnv({ LUML_PAIR_TIMEOUT: '0.001' }).pairTimeoutMs).toBe(1);
    expect(fromEnv({ LUML_PAIR_TIMEOUT: '2147483.647' }).pairTimeoutMs).toBe(2_147_483_647);
    const expected =
      'expected a number of seconds from 0.001 to 2147483.647; unset it to retry until stopped';
    expect(problemsOf({ LUML_PAIR_TIMEOUT: '2147483.648' })).toEqual([
      `LUML_PAIR_TIMEOUT: ${expected} (got "2147483.648")`,
    ]);
    expect(problemsOf({ LUML_PAIR_TIMEOUT: '0' })).toEqual([
      `LUML_PAIR_TIMEOUT: ${expected} (got "0")`,
    ]);
  });
});

describe('ports, counts and text', () => {
  it.each([
    ['0', 0],
    ['8080', 8080],
    ['65535', 65535],
  ])('port %s', (raw, port) => {
    expect(fromEnv({ LUML_HEALTH_PORT: raw, MODEL_SERVER_PORT: raw })).toMatchObject({
      healthPort: port,
      modelServerPort: port,
    });
  });

  it.each(['65536', '-1', '80.5', 'http'])('refuses port %s', (raw) => {
    expect(problemsOf({ LUML_HEALTH_PORT: raw, LUML_MODEL_SERVER_PORT: raw })).toEqual([
      `LUML_HEALTH_PORT: expected a port number 0-65535 (got "${raw}")`,
      `LUML_MODEL_SERVER_PORT: expected a port number 0-65535 (got "${raw}")`,
    ]);
  });

  it('LUML_CONCURRENCY is a whole number from 1', () => {
    expect(fromEnv({ LUML_CONCURRENCY: '1' }).concurrency).toBe(1);
    expect(fromEnv({ LUML_CONCURRENCY: '16' }).concurrency).toBe(16);
    for (const raw of ['0', '2.5', '-2', 'many']) {
      expect(problemsOf({ LUML_CONCURRENCY: raw })).toEqual([
        `LUML_CONCURRENCY: expected a whole number ≥ 1 (got "${raw}")`,
      ]);
    }
  });

  it('text settings are taken as written, surrounding spaces dropped', () => {
    expect(
      fromEnv({
        LUML_HEALTH_HOST: ' 0.0.0.0 ',
        LUML_SATELLITE_SLUG: 'edge-1',
        LUML_STATE_DIR: '/var/lib/sat',
      }),
    ).toMatchObject({ healthHost: '0.0.0.0', slug: 'edge-1', stateDir: '/var/lib/sat' });
  });

  it('shows a long bad value cut to 60 characters', () => {
    const long = `https://${'x'.repeat(80)}`;
    expect(problemsOf({ LUML_HEALTH_PORT: long })).toEqual([
      `LUML_HEALTH_PORT: expected a port number 0-65535 (got "${long.slice(0, 57)}...")`,
    ]);
    const sixty = '9'.repeat(60);
    expect(problemsOf({ LUML_HEALTH_PORT: sixty })).toEqual([
      `LUML_HEALTH_PORT: expected a port number 0-65535 (got "${sixty}")`,
    ]);
  });

  it('strips trailing slashes from both URLs', () => {
    expect(
      fromEnv({
        LUML_BASE_URL: 'https://api.example///',
        LUML_PUBLIC_URL: 'http://sat.example/a/',
      }),
    ).toMatchObject({
      platformUrl: 'https://api.example',
      publicUrl: 'http://sat.example/a',
      baseUrl: 'http://sat.example/a',
    });
  });
});

describe('typed overrides', () => {
  it('accepts each setting at the edges of its range', () => {
    expect(
      loadSettings(
        {},
        {
          token: TOKEN,
          pollIntervalMs: 0,
          pollBackoffMaxMs: 0,
          shutdownGraceMs: 0,
          abortGraceMs: 0,
          readyMaxAgeMs: 1,
          healthPort: 65535,
          modelServerPort: 0,
          concurrency: 1,
          taskTimeoutMs: 2_147_483_647,
          pairTimeoutMs: 2_147_483_647,
          healthEnabled: false,
          outboxFsync: true,
          slug: 'edge',
          stateDir: '/tmp/x',
        },
      ),
    ).toMatchObject({
      pollIntervalMs: 0,
      readyMaxAgeMs: 1,
      healthPort: 65535,
      modelServerPort: 0,
      taskTimeoutMs: 2_147_483_647,
      pairTimeoutMs: 2_147_483_647,
      outboxFsync: true,
      healthEnabled: false,
    });
  });

  it('refuses each setting just outside its range, with what was given', () => {
    expect(
      problemsOf(
        {},
        {
          pollIntervalMs: -1,
          pollBackoffMaxMs: Number.POSITIVE_INFINITY,
          shutdownGraceMs: Number.NaN,
          abortGraceMs: -0.5,
          readyMaxAgeMs: 0,
          healthPort: -1,
          modelServerPort: 65536,
          concurrency: 0,
          taskTimeoutMs: 2_147_483_648,
          pairTimeoutMs: 2_147_483_648,
          healthEnabled: 'yes' as never,
          outboxFsync: 1 as never,
          healthHost: '' as never,
          slug: '' as never,
          stateDir: ' ' as never,
          platformUrl: 'ftp://files.example',
        },
      ),
    ).toEqual([
      'pollIntervalMs: expected milliseconds ≥ 0 (got -1)',
      'pollBackoffMaxMs: expected milliseconds ≥ 0 (got Infinity)',
      'shutdownGraceMs: expected milliseconds ≥ 0 (got NaN)',
      'abortGraceMs: expected milliseconds ≥ 0 (got -0.5)',
      'readyMaxAgeMs: expected milliseconds ≥ 1 (got 0)',
      'healthPort: expected a port number 0-65535 (got -1)',
      'modelServerPort: expected a port number 0-65535 (got 65536)',
      'concurrency: expected a whole number ≥ 1 (got 0)',
      'taskTimeoutMs: expected milliseconds ≥ 1 and ≤ 2147483647 (about 24.8 days), or null for no timeout (got 2147483648)',
      'pairTimeoutMs: expected milliseconds from 1 to 2147483647, or null to retry until stopped (got 2147483648)',
      'healthEnabled: expected a boolean (got "yes")',
      'outboxFsync: expected a boolean (got 1)',
      'healthHost: expected a host name or IP address (got "")',
      'slug: expected a non-empty string or null (got "")',
      'stateDir: expected a directory path or null (got " ")',
      'platformUrl: expected an http(s) URL (got "ftp://files.example")',
    ]);
  });

  it('a port or a count must be a whole number', () => {
    expect(problemsOf({}, { healthPort: 80.5, concurrency: 1.5 })).toEqual([
      'healthPort: expected a port number 0-65535 (got 80.5)',
      'concurrency: expected a whole number ≥ 1 (got 1.5)',
    ]);
  });

  it('never shows the token, and refuses publicUrl and its old name baseUrl disagreeing', () => {
    expect(
      problemsOf(
        {},
        {
          token: 'dfssat_with space',
          publicUrl: 'https://a.example',
          baseUrl: 'https://b.example',
        },
      ),
    ).toEqual([
      'baseUrl: is the deprecated name of publicUrl, and the two differ; pass only publicUrl',
      'token: expected a satellite key without spaces',
    ]);
    expect(loadSettings({}, { token: TOKEN, baseUrl: 'https://old.example/' })).toMatchObject({
      publicUrl: 'https://old.example',
      baseUrl: 'https://old.example',
    });
  });
});

describe('defaults, aliases and the remaining messages', () => {
  it('has these defaults, spelled out', () => {
    expect(fromEnv({})).toEqual({
      token: TOKEN,
      platformUrl: 'https://api.luml.ai',
      publicUrl: 'http://localhost',
      baseUrl: 'http://localhost',
      pollIntervalMs: 2000,
      pollBackoffMaxMs: 60_000,
      healthPort: 8000,
      healthHost: '127.0.0.1',
      healthEnabled: true,
      modelServerPort: 8080,
      slug: null,
      concurrency: 1,
      stateDir: null,
      outboxFsync: false,
      shutdownGraceMs: 30_000,
      taskTimeoutMs: null,
      readyMaxAgeMs: 30_000,
      abortGraceMs: 5000,
      pairTimeoutMs: null,
    });
  });

  it('reads every alias', () => {
    expect(
      loadSettings({
        SATELLITE_TOKEN: TOKEN,
        SATELLITE_SLUG: 'edge-2',
        LUML_SHUTDOWN_GRACE_SEC: '7',
        LUML_TASK_TIMEOUT_SEC: '9',
        LUML_POLL_BACKOFF_MAX: '30',
      }),
    ).toMatchObject({
      slug: 'edge-2',
      shutdownGraceMs: 7000,
      taskTimeoutMs: 9000,
      pollBackoffMaxMs: 30_000,
    });
  });

  it('names what each URL and duration setting expects', () => {
    expect(
      problemsOf({
        LUML_PLATFORM_URL: 'api.luml.ai',
        LUML_PUBLIC_URL: 'ftp://files.example/https://sat',
        LUML_POLL_BACKOFF_MAX: 'a minute',
        LUML_ABORT_GRACE: '-1',
      }),
    ).toEqual([
      'LUML_PLATFORM_URL: expected an http(s) URL such as https://api.luml.ai (got "api.luml.ai")',
      `LUML_PUBLIC_URL: expected an http(s) URL (this satellite's public URL) (got "ftp://files.example/https://sat")`,
      'LUML_POLL_BACKOFF_MAX: expected a number of seconds ≥ 0 (got "a minute")',
      'LUML_ABORT_GRACE: expected a number of seconds ≥ 0 (got "-1")',
    ]);
  });

  it('strips every trailing slash of the public URL', () => {
    expect(fromEnv({ LUML_PUBLIC_URL: 'http://sat.example/a//' }).publicUrl).toBe(
      'http://sat.example/a',
    );
  });

  it('accepts LUML_BASE_URL next to another platform URL when the public URL is set (BASE_URL too)', () => {
    const moved = { LUML_BASE_URL: 'https://api.example', PLATFORM_URL: 'https://old.example' };
    expect(fromEnv({ ...moved, BASE_URL: 'http://sat.example' })).toMatchObject({
      platformUrl: 'https://api.example',
      publicUrl: 'http://sat.example',
    });
    expect(problemsOf(moved)).toEqual([
      "LUML_BASE_URL: names the platform API now, but PLATFORM_URL is set to another URL: if LUML_BASE_URL is this satellite's public URL, rename it LUML_PUBLIC_URL; otherwise unset PLATFORM_URL",
    ]);
  });

  it('typed URLs and host: what each expects', () => {
    expect(
      problemsOf(
        {},
        {
          publicUrl: 'sat.example' as never,
          healthHost: 5 as never,
        },
      ),
    ).toEqual([
      'publicUrl: expected an http(s) URL (got "sat.example")',
      'healthHost: expected a host name or IP address (got 5)',
    ]);
    expect(problemsOf({}, { baseUrl: 'ftp://x.example' })).toEqual([
      'baseUrl: expected an http(s) URL (got "ftp://x.example")',
    ]);
  });

  it('accepts publicUrl and its old name baseUrl when they agree, and no pair timeout (null)', () => {
    expect(
      loadSettings(
        {},
        {
          token: TOKEN,
          publicUrl: 'https://sat.example',
          baseUrl: 'https://sat.example',
          pairTimeoutMs: null,
        },
      ),
    ).toMatchObject({ publicUrl: 'https://sat.example', pairTimeoutMs: null });
  });
});
