import { describe, expect, it } from 'vitest';
import { pythonJsonError } from './json-error.js';

// Offsets and messages as CPython's json module reports them (checked against python3).
describe('pythonJsonError', () => {
  it.each([
    ['{"task": }', 9, 'Expecting value'],
    ['', 0, 'Expecting value'],
    ['{"a" 1}', 5, "Expecting ':' delimiter"],
    ['{"a": 1 "b": 2}', 8, "Expecting ',' delimiter"],
    ['{a: 1}', 1, 'Expecting property name enclosed in double quotes'],
    ['[1, 2', 5, "Expecting ',' delimiter"],
    ['{"a": "x', 6, 'Unterminated string starting at'],
    ['{"a": 1} x', 9, 'Extra data'],
    ['"\\q"', 1, 'Invalid \\escape'],
    ['"\\u12"', 2, 'Invalid \\uXXXX escape'],
    ['["\u0001"]', 2, 'Invalid control character at'],
    ['[tru]', 1, 'Expecting value'],
  ])('%j -> offset %i, %s', (text, offset, message) => {
    expect(pythonJsonError(text)).toEqual({ offset, message });
  });

  it.each(['{}', '[]', ' {"a": [1, -2.5e3, true, null, "\\u00e9\\n"]} ', 'NaN', '-Infinity'])(
    '%j parses',
    (text) => {
      expect(pythonJsonError(text)).toBeUndefined();
    },
  );
});
