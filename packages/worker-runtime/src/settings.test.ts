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
      LUML_PLATFORM_URL: 'http://127.0.0.1:8000/',
      LUML_POLL_INTERVAL: '0.5',
      LUML_HEALTH_PORT: '9100',
      LUML_BASE_URL: 'https://sat.example.com/',
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
      baseUrl: 'https://sat.example.com',
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
        'LUML_SATELLITE_TOKEN',
      ].sort(),
    );
    expect(error.message).toContain('expected a number of seconds');
    expect(error.message).toContain('"soon"');
    expect(error.message).not.toContain('has a space');
    expect(JSON.stringify(error.toJSON())).not.toContain('has a space');
  });

  it('fails fast without a token', () => {
    expect(() => loadSettings({})).toThrow(/LUML_SATELLITE_TOKEN: is required/);
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
