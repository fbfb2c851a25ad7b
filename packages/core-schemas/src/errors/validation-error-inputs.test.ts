import { inspect } from 'node:util';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseWire } from '../parse.js';
import { ResponseValidationError } from './index.js';

const SECRET_VALUE = 'sk-proj-decrypted-0123456789abcdef';
const PRIVATE_NOTE = 'a-private-note-from-the-body-0123456789abcdef';

const SecretSchema = v.object({
  id: v.string(),
  name: v.string(),
  value: v.string(),
  tags: v.array(v.string()),
});

/** Everything reachable from the error: hidden properties at any depth, and its JSON. */
function everything(error: unknown): string {
  return [
    inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
    JSON.stringify(error),
    JSON.stringify((error as ResponseValidationError).issues),
    String((error as Error).stack),
  ].join('\n');
}

describe('ResponseValidationError keeps no input values', () => {
  it('a secret next to the bad field is unreachable, hidden properties included', () => {
    const error = (() => {
      try {
        return parseWire(SecretSchema, { id: 7, name: 'HF_TOKEN', value: SECRET_VALUE, tags: [] });
      } catch (e) {
        return e;
      }
    })() as ResponseValidationError;
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect(everything(error)).not.toContain(SECRET_VALUE);
    // What a reader needs stays: path keys, expected and received kinds, messages.
    expect(error.path).toBe('id');
    expect(error.problems[0]).toMatchObject({ path: 'id', expected: 'string', received: '7' });
    expect(error.issues[0]?.path?.map((item) => item.key)).toEqual(['id']);
    expect(error.issues[0]?.message).toContain('Invalid type');
    expect(error.issues[0]?.expected).toBe('string');
    expect(error.issues[0]?.received).toBe('7');
    expect(error.issues[0]?.input).toBeUndefined();
  });

  it('a wrong-typed secret field shows neither its value nor its neighbours', () => {
    const issues = v.safeParse(SecretSchema, {
      id: 'a',
      name: PRIVATE_NOTE,
      value: [SECRET_VALUE],
      tags: [],
    }).issues;
    const error = new ResponseValidationError({ issues: issues ?? [], subject: 'GET /secrets/a' });
    const text = everything(error);
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain(PRIVATE_NOTE);
    expect(error.path).toBe('value');
  });

  it('ordinary bodies lose their values too, nested and union issues included', () => {
    const Schema = v.object({
      items: v.array(
        v.union([
          v.object({ kind: v.literal('a'), n: v.number() }),
          v.object({ kind: v.literal('b') }),
        ]),
      ),
    });
    const issues = v.safeParse(Schema, {
      items: [{ kind: 'c', n: PRIVATE_NOTE, note: PRIVATE_NOTE }],
    }).issues;
    const error = new ResponseValidationError({ issues: issues ?? [] });
    expect(everything(error)).not.toContain(PRIVATE_NOTE);
    expect(error.path).toBe('items.0');
    // A short enum-like value stays visible: it is what a reader needs to fix wire drift.
    expect(inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY })).toContain(
      'received "c"',
    );
    const nested = error.issues[0]?.issues;
    expect(nested?.length).toBeGreaterThan(0);
    for (const issue of nested ?? []) {
      expect(issue.input).toBeUndefined();
      for (const item of issue.path ?? []) {
        expect(item).not.toHaveProperty('input');
        expect(item).not.toHaveProperty('value');
      }
    }
  });
});
