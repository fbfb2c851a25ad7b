import { describe, expect, it, vi } from 'vitest';
import { createRedactingLogger, type Logger, silentLogger } from './logger.js';

const spyLogger = () => ({
  debug: vi.fn(),
  info: vi.fn(),
  warn: vi.fn(),
  error: vi.fn(),
});

describe('createRedactingLogger', () => {
  it('redacts messages and fields at every level, with secrets read per call', () => {
    const inner = spyLogger();
    let secret = 'first-secret-value';
    const logger = createRedactingLogger(inner as Logger, () => [secret]);
    logger.debug(`token is ${secret}`, {
      headers: { Authorization: 'Bearer abcdefgh' },
      note: secret,
    });
    secret = 'rotated-secret-value';
    logger.info('plain');
    logger.warn(`w ${secret}`, { api_key: 'k-123456', error: new Error(`boom ${secret}`) });
    logger.error('e', { nested: { password: 'hunter22' } });
    expect(inner.debug).toHaveBeenCalledWith('token is [REDACTED]', {
      headers: { Authorization: '[REDACTED]' },
      note: '[REDACTED]',
    });
    expect(inner.info).toHaveBeenCalledWith('plain');
    expect(inner.warn).toHaveBeenCalledWith('w [REDACTED]', {
      api_key: '[REDACTED]',
      error: { name: 'Error', message: 'boom [REDACTED]' },
    });
    expect(inner.error).toHaveBeenCalledWith('e', { nested: { password: '[REDACTED]' } });
  });

  it('keeps the silent logger silent and cheap', () => {
    expect(createRedactingLogger(silentLogger)).toBe(silentLogger);
    expect(() => silentLogger.debug('x', { a: 1 })).not.toThrow();
  });

  it('accepts console as a logger', () => {
    const spy = vi.spyOn(console, 'info').mockImplementation(() => {});
    createRedactingLogger(console).info('hello Bearer abcdefghij');
    expect(spy).toHaveBeenCalledWith('hello Bearer [REDACTED]');
    spy.mockRestore();
  });
});
