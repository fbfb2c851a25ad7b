import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from './logger.js';
import { createJsonLogger, loggerFromEnv } from './node.js';

const sink = () => {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => lines.push(line) } };
};

describe('createJsonLogger', () => {
  it('writes redacted JSON lines at or above its level', () => {
    const { lines, stream } = sink();
    const logger = createJsonLogger({
      level: 'info',
      stream,
      now: () => new Date('2026-01-01T00:00:00Z'),
      secrets: () => ['s3cr3t-value'],
    });
    logger.debug('hidden');
    logger.info('hello s3cr3t-value', { taskId: 't1', token: 'abc', big: 10n });
    logger.warn('w');
    logger.error('e');
    expect(lines).toHaveLength(3);
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '2026-01-01T00:00:00.000Z',
      level: 'info',
      msg: 'hello [REDACTED]',
      taskId: 't1',
      token: '[REDACTED]',
      big: '10',
    });
    expect(lines.every((l) => l.endsWith('\n'))).toBe(true);
  });

  it('survives fields that cannot be serialised', () => {
    const { lines, stream } = sink();
    const logger = createJsonLogger({ level: 'debug', stream });
    logger.debug('odd', {
      toJSON: () => {
        throw new Error('no');
      },
    } as never);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'debug', msg: 'odd' });
  });

  it('rejects an unknown level with ConfigurationError', () => {
    expect(() => createJsonLogger({ level: 'loud' as never })).toThrow(ConfigurationError);
  });
});

describe('loggerFromEnv', () => {
  it('is silent when UPLINK_LOG is unset, empty or off', () => {
    expect(loggerFromEnv({})).toBe(silentLogger);
    expect(loggerFromEnv({ UPLINK_LOG: '' })).toBe(silentLogger);
    expect(loggerFromEnv({ UPLINK_LOG: 'off' })).toBe(silentLogger);
  });

  it('turns on the JSON logger at the given level', () => {
    const { lines, stream } = sink();
    const logger = loggerFromEnv({ UPLINK_LOG: 'WARN' }, stream);
    logger.info('no');
    logger.warn('yes');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '').level).toBe('warn');
  });

  it('writes to stderr by default', () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    loggerFromEnv({ UPLINK_LOG: 'debug' }).debug('to stderr');
    expect(String(spy.mock.calls[0]?.[0])).toContain('"msg":"to stderr"');
    spy.mockRestore();
  });

  it('reads process.env by default and rejects bad values', () => {
    expect(() => loggerFromEnv({ UPLINK_LOG: 'verbose' })).toThrow(
      /UPLINK_LOG: expected one of debug, info, warn, error or off/,
    );
    vi.stubEnv('UPLINK_LOG', '');
    expect(loggerFromEnv()).toBe(silentLogger);
    vi.unstubAllEnvs();
  });
});
