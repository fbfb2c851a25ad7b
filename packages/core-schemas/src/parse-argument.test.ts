import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ConfigurationError, InvalidArgumentError } from './errors/index.js';
import { parseArgument } from './parse.js';

describe('parseArgument', () => {
  const Body = v.strictObject({ task: v.pipe(v.string(), v.minLength(1)), timeout: v.number() });

  it('returns the parsed argument', () => {
    expect(parseArgument(Body, { task: 't', timeout: 1 }, 'request')).toEqual({
      task: 't',
      timeout: 1,
    });
  });

  it('lists every problem under the subject, never showing the value received', () => {
    const secret = 'sk-live-prompt-with-a-secret';
    const error = (() => {
      try {
        parseArgument(Body, { task: '', timeout: secret, extra: secret }, 'request');
      } catch (caught) {
        return caught as InvalidArgumentError;
      }
      throw new Error('expected an InvalidArgumentError');
    })();
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error.problems).toEqual([
      { setting: 'request.task', message: 'Invalid length: Expected >=1' },
      { setting: 'request.timeout', message: 'Invalid type: Expected number' },
      { setting: 'request.extra', message: 'Invalid key: Expected never' },
    ]);
    expect(error.message).toMatch(/^Invalid arguments \(3 problems\):/);
    expect(JSON.stringify(error)).not.toContain(secret);
  });
});
