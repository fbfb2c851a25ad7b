import { ConfigurationError } from '@uplink/core-schemas';
import { firstEnv, readProcessEnv } from '@uplink/http';
import { describe, expect, it } from 'vitest';
import { PlatformClient } from '../src/index.js';
import {
  BASE_URL_ENV_VARS,
  DEFAULT_BASE_URL,
  DEFAULT_PLATFORM_URL,
  PLATFORM_URL_ENV_VARS,
  resolvePlatformSettings,
} from '../src/platform-client-options.js';

const TOKEN = 'dfssat_ElrtvzEokFpY__ygi38cj0OOEiepWRtPV_mou-JmYuk';

function configError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigurationError) return error;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}

describe('resolvePlatformSettings', () => {
  it('uses explicit options first', () => {
    const settings = resolvePlatformSettings({
      token: TOKEN,
      platformUrl: 'http://127.0.0.1:8000/',
      env: { LUML_SATELLITE_TOKEN: 'dfssat_other', PLATFORM_URL: 'http://ignored' },
    });
    expect(settings).toMatchObject({
      token: TOKEN,
      baseUrl: 'http://127.0.0.1:8000',
      tokenWarning: undefined,
      inferenceAccessTtlMs: 60_000,
      secretTtlMs: 60_000,
    });
  });

  it('falls back to LUML_SATELLITE_TOKEN, then SATELLITE_TOKEN', () => {
    expect(
      resolvePlatformSettings({
        env: { LUML_SATELLITE_TOKEN: 'dfssat_luml', SATELLITE_TOKEN: 'dfssat_plain' },
      }).token,
    ).toBe('dfssat_luml');
    expect(
      resolvePlatformSettings({
        env: { LUML_SATELLITE_TOKEN: ' ', SATELLITE_TOKEN: 'dfssat_plain' },
      }).token,
    ).toBe('dfssat_plain');
  });

  it('takes the URL from baseUrl, then LUML_BASE_URL, LUML_PLATFORM_URL, PLATFORM_URL, then the public API', () => {
    const all = {
      SATELLITE_TOKEN: TOKEN,
      LUML_BASE_URL: 'https://primary.example/',
      LUML_PLATFORM_URL: 'https://alias-1.example',
      PLATFORM_URL: 'https://alias-2.example',
    };
    const url = (options: Parameters<typeof resolvePlatformSettings>[0]) =>
      resolvePlatformSettings(options).baseUrl;
    expect(url({ baseUrl: 'https://explicit.example', env: all })).toBe('https://explicit.example');
    expect(url({ env: all })).toBe('https://primary.example');
    expect(url({ env: { ...all, LUML_BASE_URL: ' ' } })).toBe('https://alias-1.example');
    expect(url({ env: { SATELLITE_TOKEN: TOKEN, PLATFORM_URL: 'https://alias-2.example/' } })).toBe(
      'https://alias-2.example',
    );
    expect(url({ env: { SATELLITE_TOKEN: TOKEN } })).toBe(DEFAULT_BASE_URL);
    expect(DEFAULT_BASE_URL).toBe('https://api.luml.ai');
    expect(BASE_URL_ENV_VARS).toEqual(['LUML_BASE_URL', 'LUML_PLATFORM_URL', 'PLATFORM_URL']);
    // The old names stay, with the same values.
    expect(PLATFORM_URL_ENV_VARS).toBe(BASE_URL_ENV_VARS);
    expect(DEFAULT_PLATFORM_URL).toBe(DEFAULT_BASE_URL);
  });

  it('accepts the deprecated platformUrl option, and refuses it when it contradicts baseUrl', () => {
    const env = { LUML_BASE_URL: 'https://env.example' };
    expect(
      resolvePlatformSettings({ token: TOKEN, platformUrl: 'https://old.example', env }).baseUrl,
    ).toBe('https://old.example');
    expect(
      resolvePlatformSettings({
        token: TOKEN,
        baseUrl: 'https://same.example/',
        platformUrl: 'https://same.example/',
        env,
      }).baseUrl,
    ).toBe('https://same.example');
    const error = configError(() =>
      resolvePlatformSettings({
        token: TOKEN,
        baseUrl: 'https://a.example',
        platformUrl: 'https://b.example',
        env,
      }),
    );
    expect(error.problems).toEqual([
      { setting: 'platformUrl', message: expect.stringContaining('pass only baseUrl') },
    ]);
  });

  it('reports a bad URL from the environment under the variable that held it', () => {
    const error = configError(() =>
      resolvePlatformSettings({
        env: { SATELLITE_TOKEN: TOKEN, LUML_PLATFORM_URL: 'api.luml.ai' },
      }),
    );
    expect(error.problems).toEqual([
      {
        setting: 'LUML_PLATFORM_URL',
        message: 'expected an absolute http(s) URL such as https://api.luml.ai, got "api.luml.ai"',
      },
    ]);
  });

  it('names every token variable, once, when no token is set anywhere', () => {
    const error = configError(() => new PlatformClient({ env: { LUML_BASE_URL: 'http://h' } }));
    expect(error.problems).toHaveLength(1);
    expect(error.message).toBe(
      'Invalid configuration: token: missing satellite token: pass `token` or set LUML_SATELLITE_TOKEN or SATELLITE_TOKEN',
    );
  });

  it('exposes the URL in use as client.baseUrl, and as the deprecated client.platformUrl', async () => {
    await using client = new PlatformClient({ token: TOKEN, env: { PLATFORM_URL: 'http://h:1/' } });
    expect(client.baseUrl).toBe('http://h:1');
    expect(client.platformUrl).toBe('http://h:1');
  });

  it('reads the process environment when no env is given', () => {
    const previous = process.env.SATELLITE_TOKEN;
    const previousLuml = process.env.LUML_SATELLITE_TOKEN;
    process.env.SATELLITE_TOKEN = 'dfssat_from_process';
    delete process.env.LUML_SATELLITE_TOKEN;
    try {
      expect(resolvePlatformSettings({}).token).toBe('dfssat_from_process');
      expect(readProcessEnv().SATELLITE_TOKEN).toBe('dfssat_from_process');
    } finally {
      if (previous === undefined) delete process.env.SATELLITE_TOKEN;
      else process.env.SATELLITE_TOKEN = previous;
      if (previousLuml !== undefined) process.env.LUML_SATELLITE_TOKEN = previousLuml;
    }
  });

  it('has no environment where there is no process', () => {
    const saved = globalThis.process;
    // Simulate a browser: no `process` global at all.
    Object.defineProperty(globalThis, 'process', { value: undefined, configurable: true });
    try {
      expect(readProcessEnv()).toEqual({});
    } finally {
      Object.defineProperty(globalThis, 'process', { value: saved, configurable: true });
    }
  });

  it('rejects an empty or missing token, naming both variables', () => {
    for (const token of ['', '   ', undefined]) {
      const error = configError(() => resolvePlatformSettings({ token, env: {} }));
      expect(error.problems[0]?.setting).toBe('token');
      expect(error.message).toContain('LUML_SATELLITE_TOKEN or SATELLITE_TOKEN');
    }
  });

  it('lists every bad setting at once, without echoing the token', () => {
    const error = configError(() =>
      resolvePlatformSettings({
        token: 'dfssat_has space',
        platformUrl: 'ftp://files.example',
        timeoutMs: 0,
        totalTimeoutMs: Number.NaN,
        cache: { inferenceAccessTtlMs: -1, secretTtlMs: Number.POSITIVE_INFINITY },
        env: {},
      }),
    );
    expect(error.problems.map((p) => p.setting)).toEqual([
      'token',
      'platformUrl',
      'timeoutMs',
      'totalTimeoutMs',
      'cache.inferenceAccessTtlMs',
      'cache.secretTtlMs',
    ]);
    expect(error.message).not.toContain('dfssat_has');
    expect(JSON.stringify(error.toJSON())).not.toContain('dfssat_has');
  });

  it('turns wrong types from JS callers into problems, never a TypeError', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ token: 12345678 }, 'token'],
      [{ token: TOKEN, platformUrl: 42 }, 'platformUrl'],
      [{ token: TOKEN, baseUrl: 42 }, 'baseUrl'],
      [{ token: TOKEN, env: null }, 'env'],
      [{ token: TOKEN, cache: 'off' }, 'cache'],
      [{ token: TOKEN, cache: { secretTtlMs: '5' } }, 'cache.secretTtlMs'],
      [{ token: TOKEN, timeoutMs: '100' }, 'timeoutMs'],
      [{ token: TOKEN, logger: console.log }, 'logger'],
      [{ token: TOKEN, headers: 'x-trace: 1' }, 'headers'],
      [{ token: TOKEN, headers: { 'x-n': 1 } }, 'headers.x-n'],
    ];
    for (const [options, setting] of cases) {
      const error = configError(() => resolvePlatformSettings({ env: {}, ...options } as never));
      expect(error.problems.map((p) => p.setting)).toEqual([setting]);
      expect(error.message).toMatch(/expected .*, got /);
    }
    // A token of the wrong type is described, never echoed.
    const wrong = configError(() => resolvePlatformSettings({ token: ['dfssat_secret'] } as never));
    expect(wrong.message).toContain('got an array');
    expect(wrong.message).not.toContain('dfssat_secret');
  });

  it('treats null options as none and non-string env values as unset', async () => {
    // Reads the process environment: a ConfigurationError without a token there, else a client.
    let outcome: unknown;
    try {
      outcome = new PlatformClient(null as never);
    } catch (error) {
      outcome = error;
    }
    expect(outcome instanceof PlatformClient || outcome instanceof ConfigurationError).toBe(true);
    if (outcome instanceof PlatformClient) await outcome.close();
    const settings = resolvePlatformSettings({
      env: { LUML_SATELLITE_TOKEN: 5, SATELLITE_TOKEN: TOKEN, PLATFORM_URL: {} } as never,
    });
    expect(settings.token).toBe(TOKEN);
    expect(settings.baseUrl).toBe(DEFAULT_BASE_URL);
  });

  it('rejects a platform URL that does not parse', () => {
    const error = configError(() =>
      resolvePlatformSettings({ token: TOKEN, platformUrl: 'api.luml.ai' }),
    );
    expect(error.problems).toEqual([
      expect.objectContaining({
        setting: 'platformUrl',
        message: expect.stringContaining('api.luml.ai'),
      }),
    ]);
  });

  it('warns, without the token, when the token is not a satellite key', () => {
    const user = resolvePlatformSettings({
      token: 'dfs_F-xvH1zvbdOiSxErZPsmpuyD1cPWHrAF2rSI1n6K96E',
      env: {},
    });
    expect(user.tokenWarning).toContain('user API key');
    expect(user.tokenWarning).not.toContain('F-xvH1');
    const jwt = resolvePlatformSettings({ token: 'eyJhbGciOiJIUzI1NiJ9.e30.sig', env: {} });
    expect(jwt.tokenWarning).toContain('dfssat_');
    expect(jwt.tokenWarning).not.toContain('eyJhbGci');
  });

  it('turns caches off with false or 0', () => {
    const settings = resolvePlatformSettings({
      token: TOKEN,
      env: {},
      cache: { inferenceAccessTtlMs: false, secretTtlMs: 0 },
    });
    expect(settings.inferenceAccessTtlMs).toBe(0);
    expect(settings.secretTtlMs).toBe(0);
  });
});

describe('firstEnv', () => {
  it('returns the first non-empty variable with its name', () => {
    expect(firstEnv({ A: '', B: ' x ' }, ['A', 'B'])).toEqual({ name: 'B', value: 'x' });
    expect(firstEnv({}, ['A'])).toBeUndefined();
  });
});
