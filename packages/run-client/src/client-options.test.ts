import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BASE_URL, resolveRunClientOptions } from './client-options.js';
import { RunClient } from './run-client.js';

const problems = (options: Parameters<typeof resolveRunClientOptions>[0]) => {
  try {
    resolveRunClientOptions(options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return (error as ConfigurationError).problems;
  }
  throw new Error('expected a ConfigurationError');
};

describe('resolveRunClientOptions', () => {
  it('applies defaults', () => {
    const resolved = resolveRunClientOptions({ apiKey: 'k', env: {} });
    expect(resolved).toEqual({
      baseUrl: DEFAULT_BASE_URL,
      basePath: '/v1',
      credential: { kind: 'apiKey', value: 'k' },
      orgId: undefined,
      projectId: undefined,
      streamIdleTimeoutMs: undefined,
      statusProbeMs: 2000,
      maxResumeAttempts: 5,
      resumeDelayMs: 250,
      replayPageSize: 1000,
      maxReplayPages: 100,
      maxEventBytes: 1024 * 1024,
    });
    expect(DEFAULT_BASE_URL).toBe('http://127.0.0.1:8000');
  });

  it('falls back to AGENT_SDK_* variables; explicit options win', () => {
    const env = {
      AGENT_SDK_BASE_URL: 'https://agents.example.com/prefix/',
      AGENT_SDK_API_KEY: ' env-key ',
      AGENT_SDK_ORG_ID: 'acme',
      AGENT_SDK_PROJECT_ID: 'proj',
    };
    expect(resolveRunClientOptions({ env })).toMatchObject({
      baseUrl: 'https://agents.example.com/prefix',
      credential: { kind: 'apiKey', value: 'env-key' },
      orgId: 'acme',
      projectId: 'proj',
    });
    expect(
      resolveRunClientOptions({ env, baseUrl: 'http://h:1', apiKey: 'mine', orgId: 'beta' }),
    ).toMatchObject({
      baseUrl: 'http://h:1',
      credential: { value: 'mine' },
      orgId: 'beta',
      projectId: 'proj',
    });
    expect(
      resolveRunClientOptions({ env: { ...env, AGENT_SDK_API_KEY: '' }, jwt: 'j.w.t' }).credential,
    ).toEqual({
      kind: 'jwt',
      value: 'j.w.t',
    });
    const fn = () => 'rotating';
    expect(resolveRunClientOptions({ apiKey: fn, env: {} }).credential.value).toBe(fn);
  });

  it('reads process.env when no env is given', () => {
    const saved = process.env.AGENT_SDK_API_KEY;
    process.env.AGENT_SDK_API_KEY = 'from-process';
    try {
      expect(resolveRunClientOptions({}).credential.value).toBe('from-process');
    } finally {
      if (saved === undefined) delete process.env.AGENT_SDK_API_KEY;
      else process.env.AGENT_SDK_API_KEY = saved;
    }
  });

  it('lists every problem at once, never showing a credential', () => {
    const found = problems({
      env: {},
      baseUrl: 'ftp://x',
      basePath: '/v2' as '/v1',
      orgId: 'a b\n',
      projectId: 5 as unknown as string,
      timeoutMs: 0,
      statusProbeMs: -1,
      maxResumeAttempts: 1.5,
      replayPageSize: 0,
      maxEventBytes: Number.NaN,
      resumeDelayMs: -1,
      maxReplayPages: 0,
      totalTimeoutMs: 'x' as unknown as number,
      streamIdleTimeoutMs: Infinity,
    });
    expect(found.map((p) => p.setting)).toEqual([
      'baseUrl',
      'basePath',
      'apiKey',
      'orgId',
      'projectId',
      'timeoutMs',
      'totalTimeoutMs',
      'streamIdleTimeoutMs',
      'statusProbeMs',
      'maxResumeAttempts',
      'resumeDelayMs',
      'replayPageSize',
      'maxReplayPages',
      'maxEventBytes',
    ]);
    expect(found[2]?.message).toBe(
      'missing credential: pass apiKey (or jwt) or set AGENT_SDK_API_KEY',
    );
    expect(found.find((p) => p.setting === 'maxResumeAttempts')?.message).toBe(
      'expected a whole number >= 0, got 1.5',
    );
  });

  it('refuses credentials that cannot be headers, and both kinds at once, without quoting them', () => {
    const secret = 'sk-secret\nvalue';
    const found = problems({ apiKey: secret, env: {} });
    expect(found).toEqual([
      {
        setting: 'apiKey',
        message: 'expected a credential of visible ASCII characters (it is sent as a header)',
      },
    ]);
    expect(JSON.stringify(found)).not.toContain('sk-secret');
    expect(problems({ apiKey: '', env: {} })[0]?.message).toBe(
      'expected a non-empty string or a function returning one',
    );
    expect(problems({ apiKey: 'a', jwt: 'b', env: {} })[0]).toEqual({
      setting: 'apiKey',
      message: 'give apiKey or jwt, not both',
    });
    expect(problems({ jwt: 'b', basePath: '', env: {} })[0]?.setting).toBe('basePath');
    expect(problems({ jwt: 'bad jwt\u00e9', env: {} })[0]?.setting).toBe('jwt');
    expect(problems({ env: { AGENT_SDK_API_KEY: 'bad\u0001' } })[0]?.setting).toBe(
      'AGENT_SDK_API_KEY',
    );
    expect(
      problems({ env: { AGENT_SDK_BASE_URL: 'nope', AGENT_SDK_API_KEY: 'k' } })[0]?.setting,
    ).toBe('AGENT_SDK_BASE_URL');
    expect(problems({ env: {}, apiKey: 'k', baseUrl: 'http://u:p@h' })[0]?.message).toBe(
      'expected a URL without user or password',
    );
    expect(problems({ env: 'x' as never, apiKey: 'k' })[0]?.setting).toBe('env');
    expect(problems({ orgId: ' acme', apiKey: 'k', env: {} })[0]?.setting).toBe('orgId');
  });

  it('statusProbeMs false turns the probe off; the client constructor validates', () => {
    expect(
      resolveRunClientOptions({ apiKey: 'k', env: {}, statusProbeMs: false }).statusProbeMs,
    ).toBe(false);
    expect(() => new RunClient({ env: {} })).toThrow(ConfigurationError);
  });
});
