import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { ClientSettings } from './client-settings.js';

const problemsOf = (settings: ClientSettings) =>
  settings.problems.map((p) => `${p.setting}: ${p.message}`);

describe('ClientSettings', () => {
  it('takes the explicit option, then the first variable set, then the fallback', () => {
    const spec = { envNames: ['A_URL', 'B_URL'], fallback: 'http://127.0.0.1:1' };
    const env = { A_URL: ' ', B_URL: ' http://b.example/api/ ' };
    expect(new ClientSettings({ env }).baseUrl('http://x.example//', spec)).toBe(
      'http://x.example',
    );
    expect(new ClientSettings({ env }).baseUrl(undefined, spec)).toBe('http://b.example/api');
    expect(new ClientSettings({ env: {} }).baseUrl(undefined, spec)).toBe('http://127.0.0.1:1');
    const picked = new ClientSettings({ env }).pick(undefined, 'baseUrl', spec.envNames);
    expect(picked).toEqual({ value: 'http://b.example/api/', setting: 'B_URL' });
  });

  it('reports a bad value under the name that held it, by kind, never echoing a credential', () => {
    const settings = new ClientSettings({ env: { MY_URL: 'ftp://files.example' } });
    expect(settings.baseUrl(undefined, { envNames: ['MY_URL'], example: 'http://h' })).toBe('');
    expect(settings.baseUrl(42, { envNames: [] })).toBe('');
    expect(settings.baseUrl('http://user:sk-secret@h', { envNames: [] })).toBe('');
    expect(settings.baseUrl(undefined, { envNames: ['NONE_SET'], example: 'http://h' })).toBe('');
    expect(problemsOf(settings)).toEqual([
      'MY_URL: expected an absolute http(s) URL such as http://h, got "ftp://files.example/"',
      'baseUrl: expected a URL string, got number',
      'baseUrl: expected a URL without user or password',
      'baseUrl: missing: pass `baseUrl` or set NONE_SET (for example http://h)',
    ]);
    expect(problemsOf(settings).join('\n')).not.toContain('sk-secret');
  });

  it('checks env, the transport settings, durations and counts, then throws them all at once', () => {
    const settings = new ClientSettings({ env: 'FOO=1' });
    settings.checkTransport({ timeoutMs: 0, logger: console.log as never, maxResponseBytes: 1.5 });
    settings.duration('idleMs', Number.NaN);
    settings.duration('fineMs', undefined);
    settings.count('pages', 2.5, 1);
    settings.count('retries', -1, 0);
    settings.count('fine', 0, 0);
    expect(problemsOf(settings)).toEqual([
      'env: expected an object of strings, got string',
      'timeoutMs: expected a positive number of milliseconds, got 0',
      'maxResponseBytes: expected a whole number of bytes > 0 (or Infinity for no limit), got 1.5',
      'logger: expected an object with debug, info, warn and error methods, got function',
      'idleMs: expected a positive number of milliseconds, got NaN',
      'pages: expected a whole number >= 1, got 2.5',
      'retries: expected a whole number >= 0, got -1',
    ]);
    expect(() => settings.throwIfInvalid()).toThrow(ConfigurationError);
    expect(() => new ClientSettings(null).throwIfInvalid()).not.toThrow();
  });

  it('reads the process environment when no env is given', () => {
    process.env.UPLINK_SETTINGS_TEST_URL = 'http://from-process.example';
    try {
      expect(
        new ClientSettings({}).baseUrl(undefined, { envNames: ['UPLINK_SETTINGS_TEST_URL'] }),
      ).toBe('http://from-process.example');
    } finally {
      delete process.env.UPLINK_SETTINGS_TEST_URL;
    }
  });
});
