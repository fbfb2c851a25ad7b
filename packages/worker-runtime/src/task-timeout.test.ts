import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { defineHandler } from './handler.js';
import { loadSettings } from './settings.js';

const TOKEN = 'dfssat_ElrtvzEokFpY__ygi38cj0OOEiepWRtPV_mou-JmYuk';
const run = () => ({});

function configurationError(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('task timeouts: one rule for a handler timeoutMs and LUML_TASK_TIMEOUT', () => {
  it('refuses timeoutMs 0 at definition time (it would fail every task at once)', () => {
    const error = configurationError(() => defineHandler('deploy', { timeoutMs: 0, run }));
    expect(error.problems).toEqual([
      {
        setting: 'deploy.timeoutMs',
        message: expect.stringMatching(
          /^expected milliseconds ≥ 1 .*omit it for no timeout.*got 0/,
        ),
      },
    ]);
  });

  it('refuses negative, fractional below 1 ms, NaN, Infinity and timer-overflowing timeouts', () => {
    // Node arms setTimeout with at most 2^31-1 ms; a longer delay fires after 1 ms.
    for (const bad of [-1, 0.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31, '10' as never]) {
      configurationError(() => defineHandler('deploy', { timeoutMs: bad, run }));
    }
    expect(defineHandler('deploy', { timeoutMs: 1, run }).timeoutMs).toBe(1);
    expect(defineHandler('deploy', { timeoutMs: 2 ** 31 - 1, run }).timeoutMs).toBe(2 ** 31 - 1);
    expect(defineHandler('deploy', { run }).timeoutMs).toBeUndefined();
  });

  it('applies the same rule to LUML_TASK_TIMEOUT and the taskTimeoutMs override', () => {
    for (const raw of ['0', '-1', '0.0001', '2147484']) {
      const error = configurationError(() =>
        loadSettings({ LUML_SATELLITE_TOKEN: TOKEN, LUML_TASK_TIMEOUT: raw }),
      );
      expect(error.problems[0]?.setting).toBe('LUML_TASK_TIMEOUT');
      expect(error.problems[0]?.message).toMatch(/unset it for no timeout/);
    }
    expect(
      loadSettings({ LUML_SATELLITE_TOKEN: TOKEN, LUML_TASK_TIMEOUT: '2147483' }).taskTimeoutMs,
    ).toBe(2_147_483_000);
    for (const bad of [0, 2 ** 31, Number.POSITIVE_INFINITY]) {
      const error = configurationError(() =>
        loadSettings({}, { token: TOKEN, taskTimeoutMs: bad }),
      );
      expect(error.problems[0]?.setting).toBe('taskTimeoutMs');
    }
    expect(loadSettings({}, { token: TOKEN, taskTimeoutMs: null }).taskTimeoutMs).toBeNull();
  });
});
