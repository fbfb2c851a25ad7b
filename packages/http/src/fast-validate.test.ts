import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ACTION_KEYS, compileFastCheck, FAIL, PLAIN_KEYS } from './fast-validate.js';

const schemas = {
  token: v.object({ t: v.string(), i: v.number() }),
  loose: v.looseObject({ a: v.optional(v.string()), b: v.nullable(v.boolean()), c: v.unknown() }),
  nested: v.object({ inner: v.looseObject({ n: v.number() }), list: v.any() }),
  integer: v.looseObject({ t: v.string(), i: v.pipe(v.number(), v.integer()) }),
  batch: v.looseObject({
    batch: v.array(v.looseObject({ t: v.string(), i: v.pipe(v.number(), v.integer()) })),
  }),
  envelope: v.looseObject({
    seq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(10))),
    payload: v.pipe(
      v.unknown(),
      v.check((value) => !Array.isArray(value), 'not an array'),
      v.record(v.string(), v.unknown()),
    ),
    name: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(3))),
  }),
  lazy: v.lazy((input) =>
    typeof input === 'object' && input !== null && 'batch' in input
      ? v.looseObject({ batch: v.array(v.object({ t: v.string() })) })
      : v.object({ t: v.string(), i: v.pipe(v.number(), v.integer('whole')) }),
  ),
};

const inputs: unknown[] = [
  { t: 'x', i: 1 },
  { i: 1, t: 'x', extra: true },
  { t: 'x' },
  { t: 1, i: 1 },
  { t: 'x', i: Number.NaN },
  null,
  'text',
  [1, 2],
  { a: 'x', b: null, c: [1], z: 1, constructor: 2 },
  { b: true },
  { a: undefined, b: false, c: null },
  { a: 1, b: true },
  { b: 'no' },
  { inner: { n: 1, more: 'm' }, list: [1], drop: 1 },
  { inner: { n: '1' }, list: 1 },
  { inner: null, list: 1 },
  JSON.parse('{"__proto__": {"x": 1}, "b": true, "q": 2}'),
  JSON.parse('{"a": "x", "b": true, "c": 1, "prototype": 1, "y": 2}'),
  JSON.parse('{"b": true, "a": "x", "c": 1}'),
  JSON.parse('{"inner": {"n": 1}, "list": [1]}'),
  JSON.parse('{"list": [1], "inner": {"n": 1}}'),
  Object.create({ t: 'inherited', i: 1 }),
  { t: 'x', i: 1.5 },
  { t: 'x', i: -3 },
  { t: 'x', i: Number.POSITIVE_INFINITY },
  {
    batch: [
      { t: 'a', i: 0 },
      { t: 'b', i: 1, extra: true },
    ],
  },
  { batch: [{ t: 'a', i: 0.5 }] },
  { batch: [] },
  { batch: 'no' },
  { batch: [{ t: 'a' }] },
  JSON.parse('{"batch": [{"t": "a", "i": 1}], "more": 1}'),
  { seq: 3, payload: { a: 1, b: [2] } },
  { seq: -1, payload: {} },
  { seq: 11, payload: {} },
  { seq: 2.5, payload: {} },
  { payload: [1, 2] },
  { payload: null },
  { payload: 'text' },
  JSON.parse('{"payload": {"__proto__": {"x": 1}, "constructor": 2, "ok": 3}}'),
  { payload: {}, name: '' },
  { payload: {}, name: 'abcd' },
  { payload: {}, name: 'ab' },
];

describe('compileFastCheck', () => {
  for (const [name, schema] of Object.entries(schemas)) {
    it(`${name}: same output as valibot for accepted values, FAIL for every rejected one`, () => {
      const fast = compileFastCheck(schema);
      expect(fast).toBeTypeOf('function');
      for (const input of inputs) {
        const expected = v.safeParse(schema, input);
        const got = fast?.(input);
        if (expected.success) {
          expect(got).toStrictEqual(expected.output);
          expect(JSON.stringify(got)).toBe(JSON.stringify(expected.output));
          expect(Object.keys(got as object)).toEqual(Object.keys(expected.output as object));
        } else {
          expect(got).toBe(FAIL);
        }
      }
    });
  }

  it('does not compile wrapped, defaulted or unsupported schemas', () => {
    expect(compileFastCheck(v.pipe(v.string(), v.regex(/a/)))).toBeUndefined();
    expect(compileFastCheck(v.object({ s: v.pipe(v.string(), v.trim()) }))).toBeUndefined();
    expect(compileFastCheck(v.optional(v.string(), 'default'))).toBeUndefined();
    expect(compileFastCheck(v.fallback(v.string(), 'x'))).toBeUndefined();
    expect(compileFastCheck(v.union([v.string(), v.number()]))).toBeUndefined();
    expect(compileFastCheck(v.object({ n: v.picklist(['a']) }))).toBeUndefined();
    expect(compileFastCheck(v.nullable(v.array(v.pipe(v.string(), v.trim()))))).toBeUndefined();
    expect(compileFastCheck(v.pipe(v.string(), v.email()))).toBeUndefined();
    expect(compileFastCheck(v.pipe(v.number(), v.minValue(1n as never)))).toBeUndefined();
    expect(
      compileFastCheck(
        v.pipe(
          v.number(),
          v.transform((n) => n * 2),
        ),
      ),
    ).toBeUndefined();
    expect(compileFastCheck(v.pipe(v.string(), v.integer() as never))).toBeTypeOf('function');
  });
});

describe('the schema shapes compileFastCheck knows', () => {
  const keys = (o: object) => Object.keys(o).sort().join();
  it('match the installed valibot (an upgrade that changes a shape fails here)', () => {
    const schemas = [
      v.string(),
      v.number(),
      v.boolean(),
      v.unknown(),
      v.any(),
      v.optional(v.string()),
      v.nullable(v.string()),
      v.object({}),
      v.looseObject({}),
      v.array(v.string()),
      v.lazy(() => v.string()),
      v.record(v.string(), v.string()),
    ];
    expect(new Map(schemas.map((s) => [s.type, keys(s)]))).toEqual(PLAIN_KEYS);
    const actions = [
      v.integer(),
      v.minValue(0),
      v.maxValue(0),
      v.minLength(0),
      v.maxLength(0),
      v.check(() => true),
    ];
    expect(new Map(actions.map((a) => [a.type, keys(a)]))).toEqual(ACTION_KEYS);
  });
});
