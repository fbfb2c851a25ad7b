import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it, vi } from 'vitest';
import { silentLogger } from './logger.js';
import {
  createJsonLogger,
  createLineLogger,
  loggerFromEnv,
  logSettingsFromEnv,
  parseLogSettings,
} from './node.js';

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

describe('createLineLogger (text)', () => {
  const at = () => new Date('2026-01-01T00:00:00Z');

  it('writes one redacted human line per event, fields only at debug', () => {
    const { lines, stream } = sink();
    const logger = createLineLogger({
      level: 'info',
      format: 'text',
      stream,
      now: at,
      secrets: () => ['s3cr3t-value'],
    });
    logger.debug('hidden');
    logger.info('paired as s1 with s3cr3t-value', { taskId: 't1' });
    logger.warn('two\n  lines');
    expect(lines).toEqual([
      '2026-01-01T00:00:00.000Z INFO  paired as s1 with [REDACTED]\n',
      '2026-01-01T00:00:00.000Z WARN  two lines\n',
    ]);
  });

  it('appends fields as key=value at the debug level, redacted and quoted when needed', () => {
    const { lines, stream } = sink();
    const logger = createLineLogger({ level: 'debug', format: 'text', stream, now: at });
    logger.debug('http attempt', {
      url: 'http://h/x?sig=abc',
      attempt: 1,
      note: 'two words',
      token: 'abc',
      nested: { a: 1 },
      skipped: undefined,
      big: 2n,
    });
    expect(lines[0]).toBe(
      '2026-01-01T00:00:00.000Z DEBUG http attempt url="http://h/x?sig=[REDACTED]" attempt=1 note="two words" token=[REDACTED] nested={"a":1} big="2"\n',
    );
  });

  it('rejects an unknown format', () => {
    expect(() => createLineLogger({ level: 'info', format: 'xml' as never })).toThrow(
      /format: expected json or text/,
    );
  });
});

describe('parseLogSettings / logSettingsFromEnv', () => {
  const text = { level: 'info', format: 'text' } as const;

  it('reads levels, formats and silence in any order, case-insensitively', () => {
    expect(parseLogSettings(undefined, text)).toEqual(text);
    expect(parseLogSettings('', text)).toEqual(text);
    expect(parseLogSettings('JSON', text)).toEqual({ level: 'info', format: 'json' });
    expect(parseLogSettings('debug, json', text)).toEqual({ level: 'debug', format: 'json' });
    expect(parseLogSettings('text warn', text)).toEqual({ level: 'warn', format: 'text' });
    for (const word of ['silent', 'off', 'none']) {
      expect(parseLogSettings(word, text).level).toBe('silent');
    }
  });

  it('turns a silent default on at info when only a format is given', () => {
    expect(logSettingsFromEnv({ UPLINK_LOG: 'text' })).toEqual({ level: 'info', format: 'text' });
    expect(logSettingsFromEnv({})).toEqual({ level: 'silent', format: 'json' });
  });

  it('names UPLINK_LOG and the bad word in the error', () => {
    expect(() => parseLogSettings('debug,yaml', text)).toThrow(/UPLINK_LOG: .*got "yaml"/);
  });

  it('loggerFromEnv honours defaults: text at info for a worker, silenced by UPLINK_LOG=silent', () => {
    const { lines, stream } = sink();
    loggerFromEnv({}, stream, { level: 'info', format: 'text' }).info('hello');
    expect(lines[0]).toMatch(/^\S+Z INFO {2}hello\n$/);
    expect(loggerFromEnv({ UPLINK_LOG: 'silent' }, stream, text)).toBe(silentLogger);
    loggerFromEnv({ UPLINK_LOG: 'json' }, stream, text).info('as json');
    expect(JSON.parse(lines[1] ?? '')).toMatchObject({ level: 'info', msg: 'as json' });
  });
});
