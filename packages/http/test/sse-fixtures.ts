/** SSE bodies replayed by the tests, with the events a tolerant parser must produce. */
export interface SseFixture {
  name: string;
  body: string;
  expected: { event: string; data: unknown; id?: string | undefined }[];
}

const v1 = [
  'event: started',
  'data: {"queue_position":3,"predicted_start_ms":420}',
  '',
  'event: token',
  'data: {"t":"Hello","i":0}',
  '',
  'event: metrics',
  'data: {"queue_depth":2,"on_time_probability":0.82,"kv_warmth":true,"tokens_budget_remaining":12000,"time_budget_remaining_ms":45000,"cost_budget_remaining":0}',
  '',
  'event: end',
  'data: {"tokens_out":64,"decode_ms":2300}',
  '',
  '',
];

const v1Events = [
  { event: 'started', data: { queue_position: 3, predicted_start_ms: 420 } },
  { event: 'token', data: { t: 'Hello', i: 0 } },
  {
    event: 'metrics',
    data: {
      queue_depth: 2,
      on_time_probability: 0.82,
      kv_warmth: true,
      tokens_budget_remaining: 12000,
      time_budget_remaining_ms: 45000,
      cost_budget_remaining: 0,
    },
  },
  { event: 'end', data: { tokens_out: 64, decode_ms: 2300 } },
];

export const fixtures: SseFixture[] = [
  { name: 'llama-orch v1 contract frames (LF)', body: v1.join('\n'), expected: v1Events },
  { name: 'the same with CRLF', body: v1.join('\r\n'), expected: v1Events },
  { name: 'the same with CR', body: v1.join('\r'), expected: v1Events },
  {
    name: 'llama-orch Pact body (blank line between event: and data:)',
    body: 'event: started\n\ndata: {"queue_position":3,"predicted_start_ms":420}\n\n\nevent: token\n\ndata: {"t":"Hello","i":0}\n\n\nevent: end\n\ndata: {"tokens_out":1,"decode_ms":100}\n\n',
    expected: [
      { event: 'started', data: { queue_position: 3, predicted_start_ms: 420 } },
      { event: 'token', data: { t: 'Hello', i: 0 } },
      { event: 'end', data: { tokens_out: 1, decode_ms: 100 } },
    ],
  },
  {
    name: 'Pact framing with CRLF and several blank lines',
    body: 'event: token\r\n\r\n\r\ndata: {"t":"a","i":0}\r\n\r\nevent: end\r\n\r\ndata: {}\r\n\r\n',
    expected: [
      { event: 'token', data: { t: 'a', i: 0 } },
      { event: 'end', data: {} },
    ],
  },
  {
    // The name must survive whatever the block holds before its blank line: an `id:`, a
    // comment, or a field that only starts like `data` (unknown fields are ignored).
    name: 'Pact framing with an id, a comment or an unknown field before the blank line',
    body: 'event: started\nid: 5\n\ndata: {"queue_position":0,"predicted_start_ms":1}\n\nevent: token\n: keep-alive\n\ndata: {"t":"a","i":0}\n\nevent: token\ndone\n\ndata: {"t":"b","i":1}\n\nevent: end\ndatum: 1\n\ndata: {}\n\n',
    expected: [
      { event: 'started', data: { queue_position: 0, predicted_start_ms: 1 }, id: '5' },
      { event: 'token', data: { t: 'a', i: 0 } },
      { event: 'token', data: { t: 'b', i: 1 } },
      { event: 'end', data: {} },
    ],
  },
  {
    name: 'Pact framing with a field named like data (dataset:) before the blank line',
    body: 'event: token\ndataset: x\n\ndata: {"t":"a","i":0}\n\nevent: end\ndata: {}\n\n',
    expected: [
      { event: 'token', data: { t: 'a', i: 0 } },
      { event: 'end', data: {} },
    ],
  },
  {
    name: 'BOM, comments, multi-line data, ids, retry, unknown fields, UTF-8',
    body: '\uFEFF: keep-alive\n\nid: 1\nevent: token\ndata: {"t":"h\u00e9llo \u{1F600}",\ndata:"i":0}\nretry: 500\nbogus\n\n:another comment\nid: 2\nevent: end\ndata:{}\n\n',
    expected: [
      { event: 'token', data: { t: 'h\u00e9llo \u{1F600}', i: 0 }, id: '1' },
      { event: 'end', data: {}, id: '2' },
    ],
  },
  {
    name: 'nameless data becomes the default event; unknown events pass untyped',
    body: 'data: {"t":"x","i":0}\n\nevent: ping\ndata: not json\n\nevent: end\ndata: {"tokens_out":1}\n\nevent: token\ndata: {"ignored":true}\n\n',
    expected: [
      { event: 'message', data: { t: 'x', i: 0 } },
      { event: 'ping', data: 'not json' },
      { event: 'end', data: { tokens_out: 1 } },
    ],
  },
];
