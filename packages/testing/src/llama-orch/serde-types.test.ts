// docs/protocols/llama-orch.md §11.3: the fake's serde_json port against the real thing. The expected
// texts were produced by a Rust program deserializing each body into the server's types with
// serde 1, serde_json and serde_path_to_error exactly as axum 0.7's `Json` does, then checked
// against the sources of the versions the server resolves (serde_json 1.0.145,
// serde_path_to_error 0.1.17+). The three rows marked below differ from the older serde_json
// 1.0.87 that was available to build: since 1.0.112 a float in an error is printed by ryu
// (`1.8446744073709552e19`), and since 1.0.125 a bad `\u` escape is reported after its four
// hex digits.
import { describe, expect, it } from 'vitest';
import { deserializeBody, rustDebugStr, rustFloat, type SerdeType } from './serde-types.js';
import { DRAIN_REQUEST, JSON_VALUE, SET_STATE_REQUEST, TASK_REQUEST } from './wire-bodies.js';

const TYPES: Record<string, SerdeType> = {
  task: TASK_REQUEST,
  drain: DRAIN_REQUEST,
  state: SET_STATE_REQUEST,
  value: JSON_VALUE,
};

/** What axum answers: `OK`, or the status and the plain-text body. */
function answer(kind: string, body: string): string {
  const result = deserializeBody(new TextEncoder().encode(body), TYPES[kind]!);
  if (result.ok) return 'OK';
  const { error } = result;
  return error.category === 'data'
    ? `422 Failed to deserialize the JSON body into the target type: ${error.display()}`
    : `400 Failed to parse the request body as JSON: ${error.display()}`;
}

const good = {
  task_id: 't-1',
  session_id: 's-1',
  workload: 'completion',
  model_ref: 'm',
  engine: 'llamacpp',
  ctx: 0,
  priority: 'interactive',
  max_tokens: 1,
  deadline_ms: 1000,
};
const g = (over: Record<string, unknown>): string => JSON.stringify({ ...good, ...over });
const drop = (key: string): string => {
  const copy: Record<string, unknown> = { ...good };
  delete copy[key];
  return JSON.stringify(copy);
};

const CASES: [string, string][] = [
  ['task', JSON.stringify(good)],
  ['task', drop('model_ref')],
  ['task', drop('task_id')],
  ['task', drop('deadline_ms')],
  ['task', '{}'],
  ['task', '{"task_id":"not-a-uuid"}'],
  ['task', ''],
  ['task', '   '],
  ['task', '{'],
  ['task', '{"task_id": '],
  ['task', '{"task_id":"t",}'],
  ['task', '{"task_id":"t" "x":1}'],
  ['task', '{"task_id" "t"}'],
  ['task', '{task_id:1}'],
  ['task', '{"task_id":"t"'],
  ['task', '[1]'],
  ['task', '[]'],
  ['task', '["a","b","completion","m","llamacpp",1,"batch"]'],
  [
    'task',
    '["a","b","completion","m","llamacpp",1,"batch",null,null,null,null,null,5,6,null,null,null,7]',
  ],
  ['task', '"x"'],
  ['task', '1'],
  ['task', 'true'],
  ['task', 'nul'],
  ['task', 'x'],
  ['task', g({ workload: 'chat' })],
  ['task', g({ priority: 'urgent' })],
  ['task', g({ engine: 'ollama' })],
  ['task', g({ workload: 5 })],
  ['task', g({ workload: { completion: null } })],
  ['task', g({ workload: { chat: null } })],
  ['task', g({ workload: { completion: 1 } })],
  ['task', g({ ctx: 'big' })],
  ['task', g({ ctx: 3000000000 })],
  ['task', g({ ctx: -3000000000 })],
  ['task', g({ ctx: true })],
  ['task', g({ ctx: [1] })],
  ['task', g({ ctx: {} })],
  ['task', g({ deadline_ms: '9' })],
  ['task', g({ seed: 'x' })],
  ['task', g({ inputs: 'x' })],
  ['task', g({ inputs: ['a', 5] })],
  ['task', g({ inputs: ['a'] })],
  ['task', g({ placement: { mode: 'x' } })],
  ['task', g({ placement: { allow_fallback: 'no' } })],
  ['task', g({ placement: 5 })],
  ['task', g({ placement: { prefer_pools: [1] } })],
  ['task', g({ kv_hint: 'warm' })],
  ['task', g({ determinism: 'loose' })],
  ['task', g({ extra: { a: [1, { b: 2 }] } })],
  ['task', g({ prompt: 'a"b\\c\n\u0001é' })],
  ['task', '{"task_id":"t","task_id":"u"}'],
  ['task', '{"task_id":"t", "task_id" :"u"}'],
  ['task', '{"x":1,"x":2,"task_id":"t"}'],
  ['task', '{"task_id":"a\\qb"}'],
  ['task', '{"task_id":"a\\u12"}'],
  ['task', '{"task_id":"a\\ud800"}'],
  ['task', '{"task_id":"a\\udc00"}'],
  ['task', '{"task_id":"a\u0001"}'],
  ['task', '{"extra":"a\u0001"}'],
  ['task', '{"extra":01}'],
  ['task', '{"extra":1.}'],
  ['task', '{"extra":1e}'],
  ['task', '{"extra":-}'],
  ['task', '{"extra":[1,2}'],
  ['task', '{"extra":{"a" 1}}'],
  ['task', '{"ctx":01}'],
  ['task', '{"ctx":1.}'],
  ['task', '{"ctx":1e}'],
  ['task', '{"ctx":-}'],
  ['task', '{"ctx":1e400}'],
  ['task', '{"ctx":18446744073709551616}'],
  ['task', '{\n  "task_id": 5\n}'],
  ['task', '{"task_id":"t"}\n trailing'],
  ['task', `${JSON.stringify(good)} xyz`],
  ['task', '['.repeat(200)],
  ['task', `{"extra":${'['.repeat(200)}${']'.repeat(200)}}`],
  ['drain', '{}'],
  ['drain', '{"deadline_ms":"x"}'],
  ['drain', '{"deadline_ms":9223372036854775808}'],
  ['drain', '{"deadline_ms":-9223372036854775809}'],
  ['state', '{}'],
  ['state', '{"state":1}'],
  ['state', '{"state":"x","deadline_ms":"y"}'],
  ['state', '{"state":"x"}'],
  ['value', ''],
  ['value', '{"a":[1,2,{"b":}]}'],
  ['value', '[1,2,]'],
  ['value', '{"a":1,}'],
  ['value', '"\\ud83d\\ude00"'],
  ['value', '['.repeat(130) + ']'.repeat(130)],
];

const EXPECTED: string[] = [
  'OK',
  '422 Failed to deserialize the JSON body into the target type: missing field `model_ref` at line 1 column 147',
  '422 Failed to deserialize the JSON body into the target type: missing field `task_id` at line 1 column 147',
  '422 Failed to deserialize the JSON body into the target type: missing field `deadline_ms` at line 1 column 144',
  '422 Failed to deserialize the JSON body into the target type: missing field `task_id` at line 1 column 2',
  '422 Failed to deserialize the JSON body into the target type: missing field `session_id` at line 1 column 24',
  '400 Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0',
  '400 Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 3',
  '400 Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 1',
  '400 Failed to parse the request body as JSON: task_id: EOF while parsing a value at line 1 column 12',
  '400 Failed to parse the request body as JSON: trailing comma at line 1 column 16',
  '400 Failed to parse the request body as JSON: expected `,` or `}` at line 1 column 16',
  '400 Failed to parse the request body as JSON: expected `:` at line 1 column 12',
  '400 Failed to parse the request body as JSON: key must be a string at line 1 column 2',
  '400 Failed to parse the request body as JSON: EOF while parsing an object at line 1 column 14',
  '422 Failed to deserialize the JSON body into the target type: [0]: invalid type: integer `1`, expected a string at line 1 column 2',
  '422 Failed to deserialize the JSON body into the target type: invalid length 0, expected struct TaskRequest with 17 elements at line 1 column 2',
  '422 Failed to deserialize the JSON body into the target type: invalid length 12, expected struct TaskRequest with 17 elements at line 1 column 47',
  '400 Failed to parse the request body as JSON: trailing characters at line 1 column 92',
  '422 Failed to deserialize the JSON body into the target type: invalid type: string "x", expected struct TaskRequest at line 1 column 3',
  '422 Failed to deserialize the JSON body into the target type: invalid type: integer `1`, expected struct TaskRequest at line 1 column 1',
  '422 Failed to deserialize the JSON body into the target type: invalid type: boolean `true`, expected struct TaskRequest at line 1 column 4',
  '400 Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 3',
  '400 Failed to parse the request body as JSON: expected value at line 1 column 1',
  '422 Failed to deserialize the JSON body into the target type: workload: unknown variant `chat`, expected one of `completion`, `embedding`, `rerank` at line 1 column 53',
  '422 Failed to deserialize the JSON body into the target type: priority: unknown variant `urgent`, expected `interactive` or `batch` at line 1 column 123',
  '422 Failed to deserialize the JSON body into the target type: engine: unknown variant `ollama`, expected one of `llamacpp`, `vllm`, `tgi`, `triton` at line 1 column 93',
  '400 Failed to parse the request body as JSON: workload: expected value at line 1 column 48',
  'OK',
  '422 Failed to deserialize the JSON body into the target type: workload: unknown variant `chat`, expected one of `completion`, `embedding`, `rerank` at line 1 column 54',
  '422 Failed to deserialize the JSON body into the target type: workload.completion: invalid type: integer `1`, expected unit at line 1 column 62',
  '422 Failed to deserialize the JSON body into the target type: ctx: invalid type: string "big", expected i32 at line 1 column 107',
  '422 Failed to deserialize the JSON body into the target type: ctx: invalid value: integer `3000000000`, expected i32 at line 1 column 112',
  '422 Failed to deserialize the JSON body into the target type: ctx: invalid value: integer `-3000000000`, expected i32 at line 1 column 113',
  '422 Failed to deserialize the JSON body into the target type: ctx: invalid type: boolean `true`, expected i32 at line 1 column 106',
  '422 Failed to deserialize the JSON body into the target type: ctx: invalid type: sequence, expected i32 at line 1 column 102',
  '422 Failed to deserialize the JSON body into the target type: ctx: invalid type: map, expected i32 at line 1 column 102',
  '422 Failed to deserialize the JSON body into the target type: deadline_ms: invalid type: string "9", expected i64 at line 1 column 161',
  '422 Failed to deserialize the JSON body into the target type: seed: invalid type: string "x", expected i64 at line 1 column 173',
  '422 Failed to deserialize the JSON body into the target type: inputs: invalid type: string "x", expected a sequence at line 1 column 175',
  '422 Failed to deserialize the JSON body into the target type: inputs[1]: invalid type: integer `5`, expected a string at line 1 column 178',
  'OK',
  '422 Failed to deserialize the JSON body into the target type: placement.mode: unknown variant `x`, expected one of `pin`, `prefer`, `auto` at line 1 column 186',
  '422 Failed to deserialize the JSON body into the target type: placement.allow_fallback: invalid type: string "no", expected a boolean at line 1 column 197',
  '422 Failed to deserialize the JSON body into the target type: placement: invalid type: integer `5`, expected struct PlacementOverrides at line 1 column 176',
  '422 Failed to deserialize the JSON body into the target type: placement.prefer_pools[0]: invalid type: integer `1`, expected a string at line 1 column 193',
  '422 Failed to deserialize the JSON body into the target type: kv_hint: unknown variant `warm`, expected `reuse` or `cold` at line 1 column 179',
  '422 Failed to deserialize the JSON body into the target type: determinism: unknown variant `loose`, expected `strict` or `best_effort` at line 1 column 184',
  'OK',
  'OK',
  '422 Failed to deserialize the JSON body into the target type: duplicate field `task_id` at line 1 column 24',
  '422 Failed to deserialize the JSON body into the target type: duplicate field `task_id` at line 1 column 26',
  '422 Failed to deserialize the JSON body into the target type: missing field `session_id` at line 1 column 27',
  '400 Failed to parse the request body as JSON: task_id: invalid escape at line 1 column 15',
  '400 Failed to parse the request body as JSON: task_id: invalid escape at line 1 column 19', // serde_json >= 1.0.112/1.0.125; 1.0.87 differs (see above)
  '400 Failed to parse the request body as JSON: task_id: unexpected end of hex escape at line 1 column 20',
  '400 Failed to parse the request body as JSON: task_id: lone leading surrogate in hex escape at line 1 column 19',
  '400 Failed to parse the request body as JSON: task_id: control character (\\u0000-\\u001F) found while parsing a string at line 1 column 14',
  '400 Failed to parse the request body as JSON: extra: control character (\\u0000-\\u001F) found while parsing a string at line 1 column 11',
  '400 Failed to parse the request body as JSON: extra: invalid number at line 1 column 11',
  '400 Failed to parse the request body as JSON: extra: invalid number at line 1 column 12',
  '400 Failed to parse the request body as JSON: extra: invalid number at line 1 column 12',
  '400 Failed to parse the request body as JSON: extra: invalid number at line 1 column 11',
  '400 Failed to parse the request body as JSON: extra: expected `,` or `]` at line 1 column 14',
  '400 Failed to parse the request body as JSON: extra: expected `:` at line 1 column 15',
  '400 Failed to parse the request body as JSON: ctx: invalid number at line 1 column 9',
  '400 Failed to parse the request body as JSON: ctx: invalid number at line 1 column 10',
  '400 Failed to parse the request body as JSON: ctx: invalid number at line 1 column 10',
  '400 Failed to parse the request body as JSON: ctx: invalid number at line 1 column 9',
  '400 Failed to parse the request body as JSON: ctx: number out of range at line 1 column 12',
  '422 Failed to deserialize the JSON body into the target type: ctx: invalid type: floating point `1.8446744073709552e19`, expected i32 at line 1 column 27', // serde_json >= 1.0.112/1.0.125; 1.0.87 differs (see above)
  '422 Failed to deserialize the JSON body into the target type: task_id: invalid type: integer `5`, expected a string at line 2 column 14',
  '422 Failed to deserialize the JSON body into the target type: missing field `session_id` at line 1 column 15',
  'OK',
  '422 Failed to deserialize the JSON body into the target type: [0]: invalid type: sequence, expected a string at line 1 column 1',
  '422 Failed to deserialize the JSON body into the target type: missing field `task_id` at line 1 column 410',
  '422 Failed to deserialize the JSON body into the target type: missing field `deadline_ms` at line 1 column 2',
  '422 Failed to deserialize the JSON body into the target type: deadline_ms: invalid type: string "x", expected i64 at line 1 column 18',
  '422 Failed to deserialize the JSON body into the target type: deadline_ms: invalid value: integer `9223372036854775808`, expected i64 at line 1 column 34',
  '422 Failed to deserialize the JSON body into the target type: deadline_ms: invalid type: floating point `-9.223372036854776e18`, expected i64 at line 1 column 35', // serde_json >= 1.0.112/1.0.125; 1.0.87 differs (see above)
  '422 Failed to deserialize the JSON body into the target type: missing field `state` at line 1 column 2',
  '422 Failed to deserialize the JSON body into the target type: state: invalid type: integer `1`, expected a string at line 1 column 10',
  '422 Failed to deserialize the JSON body into the target type: deadline_ms: invalid type: string "y", expected i64 at line 1 column 30',
  'OK',
  '400 Failed to parse the request body as JSON: EOF while parsing a value at line 1 column 0',
  '400 Failed to parse the request body as JSON: a[2].b: expected value at line 1 column 16',
  '400 Failed to parse the request body as JSON: trailing comma at line 1 column 6',
  '400 Failed to parse the request body as JSON: trailing comma at line 1 column 8',
  'OK',
  `400 Failed to parse the request body as JSON: ${'[0]'.repeat(127)}: recursion limit exceeded at line 1 column 128`,
];

describe('the serde_json port answers like the server', () => {
  it('has one expectation per case', () => {
    expect(EXPECTED).toHaveLength(CASES.length);
  });

  CASES.forEach(([kind, body], i) => {
    it(`${kind} #${i}: ${body.slice(0, 60)}`, () => {
      expect(answer(kind, body)).toBe(EXPECTED[i]);
    });
  });

  it('keeps i64 values beyond 2^53 exact, and `__proto__` as a plain key', () => {
    const big = deserializeBody<{ seed?: bigint }>(
      new TextEncoder().encode(g({}).replace('{', '{"seed":9223372036854775807,')),
      TASK_REQUEST,
    );
    expect(big.ok && big.value.seed).toBe(9223372036854775807n);
    const proto = deserializeBody<Record<string, unknown>>(
      new TextEncoder().encode('{"__proto__":{"polluted":true}}'),
      JSON_VALUE,
    );
    expect(proto.ok && Object.getPrototypeOf(proto.value)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('prints floats like ryu and strings like Rust Debug', () => {
    expect([1.5, 2, 1e16, 1.25e-7, 0.001, -0, 1e21].map(rustFloat)).toEqual([
      '1.5',
      '2.0',
      '1e16',
      '1.25e-7',
      '0.001',
      '-0.0',
      '1e21',
    ]);
    expect(rustDebugStr('a"b\\c\n\u0001é\u200b')).toBe('"a\\"b\\\\c\\n\\u{1}é\\u{200b}"');
  });
});
