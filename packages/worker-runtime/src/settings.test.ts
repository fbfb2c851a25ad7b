import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, loadSettings, SETTING_ENV_NAMES } from './settings.js';

const TOKEN = 'dfssat_ElrtvzEokFpY__ygi38cj0OOEiepWRtPV_mou-JmYuk';

describe('loadSettings', () => {
  it("applies the reference satellite's defaults when only the token is set", () => {
    const settings = loadSettings({ LUML_SATELLITE_TOKEN: TOKEN });
    expect(settings).toMatchObject({
      ...DEFAULT_SETTINGS,
      token: TOKEN,
      platformUrl: 'https://api.luml.ai',
      pollIntervalMs: 2000,
      readyMaxAgeMs: 30_000,
    });
  });

  it('reads the LUML_ names', () => {
    const settings = loadSettings({
      LUML_SATELLITE_TOKEN: TOKEN,
      LUML_BASE_URL: 'http://127.0.0.1:8000/',
      LUML_POLL_INTERVAL: '0.5',
      LUML_HEALTH_PORT: '9100',
      LUML_PUBLIC_URL: 'https://sat.example.com/',
      LUML_ABORT_GRACE: '2.5',
      LUML_PAIR_TIMEOUT: '90',
      LUML_CONCURRENCY: '4',
      LUML_STATE_DIR: '/var/lib/sat',
      LUML_SHUTDOWN_GRACE: '5',
      LUML_TASK_TIMEOUT: '60',
      LUML_HEALTH_HOST: '127.0.0.1',
      LUML_HEALTH_ENABLED: 'no',
      LUML_SATELLITE_SLUG: 'edge-1',
    });
    expect(settings).toMatchObject({
      platformUrl: 'http://127.0.0.1:8000',
      pollIntervalMs: 500,
      healthPort: 9100,
      publicUrl: 'https://sat.example.com',
      baseUrl: 'https://sat.example.com',
      abortGraceMs: 2500,
      pairTimeoutMs: 90_000,
      concurrency: 4,
      stateDir: '/var/lib/sat',
      shutdownGraceMs: 5000,
      taskTimeoutMs: 60_000,
      healthHost: '127.0.0.1',
      healthEnabled: false,
      slug: 'edge-1',
    });
  });

  it("accepts the reference satellite's names as aliases, LUML_ names first", () => {
    const aliases = loadSettings({
      SATELLITE_TOKEN: TOKEN,
      PLATFORM_URL: 'http://localhost:8000',
      POLL_INTERVAL_SEC: '120',
      BASE_URL: 'http://localhost',
      MODEL_SERVER_PORT: '9090',
    });
    expect(aliases).toMatchObject({
      token: TOKEN,
      platformUrl: 'http://localhost:8000',
      pollIntervalMs: 120_000,
      modelServerPort: 9090,
      readyMaxAgeMs: 360_000,
    });
    const both = loadSettings({ SATELLITE_TOKEN: 'old', LUML_SATELLITE_TOKEN: TOKEN });
    expect(both.token).toBe(TOKEN);
    expect(SETTING_ENV_NAMES.token).toEqual(['LUML_SATELLITE_TOKEN', 'SATELLITE_TOKEN']);
  });

  it('reports every problem in one ConfigurationError without the secret value', () => {
    let caught: unknown;
    try {
      loadSettings({
        LUML_SATELLITE_TOKEN: 'dfssat_has a space',
        LUML_PLATFORM_URL: 'ftp://nope',
        LUML_POLL_INTERVAL: 'soon',
        LUML_HEALTH_PORT: '70000',
        LUML_CONCURRENCY: '0',
        LUML_HEALTH_ENABLED: 'maybe',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigurationError);
    const error = caught as ConfigurationError;
    expect(error.problems.map((p) => p.setting).sort()).toEqual(
      [
        'LUML_CONCURRENCY',
        'LUML_HEALTH_ENABLED',
        'LUML_HEALTH_PORT',
        'LUML_PLATFORM_URL',
        'LUML_POLL_INTERVAL',
        'LUML_SATELLITE_TOKEN',
      ].sort(),
    );
    expect(error.message).toContain('expected a number of seconds');
    expect(error.message).toContain('"soon"');
    expect(error.message).not.toContain('has a space');
    expect(JSON.stringify(error.toJSON())).not.toContain('has a space');
  });

  it('fails fast without a token, naming both variables once', () => {
    expect(() => loadSettings({})).toThrow(
      'Invalid configuration: LUML_SATELLITE_TOKEN: is required: the satellite key (dfssat_…) shown once when the satellite was created (SATELLITE_TOKEN also works; or pass settings.token)',
    );
    expect(() => loadSettings({ LUML_SATELLITE_TOKEN: '  ' })).toThrow(/is required/);
  });

  it('reports a malformed token once, under the variable that held it, never as missing', () => {
    for (const name of ['LUML_SATELLITE_TOKEN', 'SATELLITE_TOKEN']) {
      let caught: unknown;
      try {
        loadSettings({ [name]: 'dfssat_a b' });
      } catch (error) {
        caught = error;
      }
      expect((caught as ConfigurationError).problems).toEqual([
        { setting: name, message: 'expected a satellite key (dfssat_…) without spaces' },
      ]);
    }
  });

  it('takes the platform URL from LUML_BASE_URL, then LUML_PLATFORM_URL, then PLATFORM_URL', () => {
    const token = { LUML_SATELLITE_TOKEN: TOKEN };
    const url = (env: Record<string, string>, overrides = {}) =>
      loadSettings({ ...token, ...env }, overrides).platformUrl;
    const all = {
      LUML_BASE_URL: 'https://primary.example',
      LUML_PLATFORM_URL: 'https://alias-1.example',
      PLATFORM_URL: 'https://alias-2.example',
      LUML_PUBLIC_URL: 'https://sat.example',
    };
    expect(url(all, { platformUrl: 'https://explicit.example' })).toBe('https://explicit.example');
    expect(url(all)).toBe('https://primary.example');
    expect(url({ LUML_PLATFORM_URL: 'https://alias-1.example', PLATFORM_URL: 'https://x' })).toBe(
      'https://alias-1.example',
    );
    expect(url({ PLATFORM_URL: 'https://alias-2.example/' })).toBe('https://alias-2.example');
    expect(url({})).toBe('https://api.luml.ai');
    expect(SETTING_ENV_NAMES.platformUrl).toEqual([
      'LUML_BASE_URL',
      'LUML_PLATFORM_URL',
      'PLATFORM_URL',
    ]);
  });

  it('takes the public URL from LUML_PUBLIC_URL, then BASE_URL; baseUrl is its deprecated name', () => {
    const env = { LUML_SATELLITE_TOKEN: TOKEN };
    expect(
      loadSettings({ ...env, LUML_PUBLIC_URL: 'https://a/', BASE_URL: 'https://b' }),
    ).toMatchObject({ publicUrl: 'https://a', baseUrl: 'https://a' });
    expect(loadSettings({ ...env, BASE_URL: 'https://b' }).publicUrl).toBe('https://b');
    expect(loadSettings(env).publicUrl).toBe('http://localhost');
    expect(loadSettings(env, { baseUrl: 'https://old.example' }).publicUrl).toBe(
      'https://old.example',
    );
    expect(
      loadSettings({ ...env, BASE_URL: 'https://b' }, { publicUrl: 'https://new.example' })
        .publicUrl,
    ).toBe('https://new.example');
    expect(() =>
      loadSettings(env, { baseUrl: 'https://a.example', publicUrl: 'https://b.example' }),
    ).toThrow(/baseUrl: is the deprecated name of publicUrl/);
  });

  it('refuses an old environment whose LUML_BASE_URL was the public URL, saying how to fix it', () => {
    const old = {
      LUML_SATELLITE_TOKEN: TOKEN,
      LUML_PLATFORM_URL: 'https://api.luml.ai',
      LUML_BASE_URL: 'https://sat.example.com',
    };
    expect(() => loadSettings(old)).toThrow(
      "LUML_BASE_URL: names the platform API now, but LUML_PLATFORM_URL is set to another URL: if LUML_BASE_URL is this satellite's public URL, rename it LUML_PUBLIC_URL; otherwise unset LUML_PLATFORM_URL",
    );
    // With the public URL set under its own name, LUML_BASE_URL is read as the platform.
    expect(loadSettings({ ...old, LUML_PUBLIC_URL: 'https://sat.example.com' }).platformUrl).toBe(
      'https://sat.example.com',
    );
    // The same URL under both names is no conflict.
    expect(loadSettings({ ...old, LUML_BASE_URL: 'https://api.luml.ai' }).platformUrl).toBe(
      'https://api.luml.ai',
    );
  });

  it('checks LUML_PAIR_TIMEOUT and LUML_ABORT_GRACE', () => {
    const env = { LUML_SATELLITE_TOKEN: TOKEN };
    expect(loadSettings(env)).toMatchObject({ pairTimeoutMs: null, abortGraceMs: 5000 });
    expect(() => loadSettings({ ...env, LUML_PAIR_TIMEOUT: '0' })).toThrow(/LUML_PAIR_TIMEOUT/);
    expect(() => loadSettings({ ...env, LUML_PAIR_TIMEOUT: '9999999' })).toThrow(
      /LUML_PAIR_TIMEOUT/,
    );
    expect(() => loadSettings({ ...env, LUML_ABORT_GRACE: '-1' })).toThrow(/LUML_ABORT_GRACE/);
    expect(() => loadSettings(env, { pairTimeoutMs: 0 })).toThrow(/pairTimeoutMs/);
    expect(loadSettings(env, { abortGraceMs: 0 }).abortGraceMs).toBe(0);
  });

  it('lets typed overrides win over the environment', () => {
    const settings = loadSettings(
      { LUML_SATELLITE_TOKEN: TOKEN, LUML_CONCURRENCY: '2' },
      { concurrency: 8, healthPort: 0, slug: undefined },
    );
    expect(settings.concurrency).toBe(8);
    expect(settings.healthPort).toBe(0);
    expect(() => loadSettings({ LUML_SATELLITE_TOKEN: TOKEN }, { concurrency: 1.5 })).toThrow(
      /concurrency: expected a whole number/,
    );
  });

  it('checks typed overrides too, listing every problem without the token', () => {
    const error = (() => {
      try {
        loadSettings(
          {},
          {
            token: 'dfssat_bad token',
            platformUrl: 'ftp://example.com',
            pollIntervalMs: -1,
            healthPort: 70_000,
            healthHost: ' ',
            taskTimeoutMs: 0,
            readyMaxAgeMs: Number.NaN,
            concurrency: 0,
            slug: null,
            stateDir: null,
          },
        );
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as ConfigurationError).problems.map((p) => p.setting);
    expect(problems.sort()).toEqual([
      'concurrency',
      'healthHost',
      'healthPort',
      'platformUrl',
      'pollIntervalMs',
      'readyMaxAgeMs',
      'taskTimeoutMs',
      'token',
    ]);
    expect((error as Error).message).toContain(
      'platformUrl: expected an http(s) URL (got "ftp://example.com")',
    );
    expect((error as Error).message).toContain(
      'healthPort: expected a port number 0-65535 (got 70000)',
    );
    expect((error as Error).message).not.toContain('bad token');
    expect(loadSettings({}, { token: TOKEN, slug: null, taskTimeoutMs: null }).slug).toBeNull();
  });
});
