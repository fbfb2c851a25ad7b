// docs/protocols/llama-orch.md §13.1 (the 14 Pact interactions, v1 paths).

/** One canned Pact interaction: how to recognise the request and what to answer. */
export interface PactInteraction {
  /** 1-based row number of §13.1. */
  index: number;
  /** The Pact description. */
  description: string;
  /** HTTP method. */
  method: 'GET' | 'POST' | 'DELETE';
  /** v1 path. */
  path: string;
  /** For `POST /v1/tasks`: the `task_id` that selects this interaction. */
  taskId?: string | undefined;
  /** The request body the Pact consumer sends (POST /v1/tasks only). */
  requestBody?: Record<string, unknown> | undefined;
  /** Response status. */
  status: number;
  /** Response headers (lower-case names), `x-correlation-id` included. */
  headers: Record<string, string>;
  /** JSON body (object), exact SSE text (string), or `undefined` for no body. */
  body?: Record<string, unknown> | string | undefined;
}

/** The exact Pact SSE body, with a blank line between `event:` and `data:` (§6.6 item 5). */
export const PACT_SSE_BODY =
  'event: started\n\ndata: {"queue_position":3,"predicted_start_ms":420}\n\n\nevent: token\n\ndata: {"t":"Hello","i":0}\n\n\nevent: end\n\ndata: {"tokens_out":1,"decode_ms":100}\n\n';

const TASK_1 = '11111111-1111-4111-8111-111111111111';
const SESSION_1 = '22222222-2222-4222-8222-222222222222';
const JSON_HEADER = { 'content-type': 'application/json' };

const taskBody = (
  task: string,
  session: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> => ({
  task_id: task,
  session_id: session,
  workload: 'completion',
  model_ref: 'sha256:abc',
  engine: 'llamacpp',
  ctx: 8192,
  priority: 'interactive',
  max_tokens: 64,
  deadline_ms: 30000,
  ...extra,
});

const enqueueError = (
  index: number,
  description: string,
  task: string,
  session: string,
  status: number,
  corr: string,
  body: Record<string, unknown>,
  extraHeaders: Record<string, string> = {},
  extraRequest: Record<string, unknown> = {},
): PactInteraction => ({
  index,
  description,
  method: 'POST',
  path: '/v1/tasks',
  taskId: task,
  requestBody: taskBody(task, session, extraRequest),
  status,
  headers: { ...JSON_HEADER, ...extraHeaders, 'x-correlation-id': corr },
  body,
});

const envelope = (code: string, message: string): Record<string, unknown> => ({
  code,
  engine: 'llamacpp',
  message,
});

/** The 14 interactions of `cli-consumer-orchestratord.json`, in order. */
export const PACT_INTERACTIONS: readonly PactInteraction[] = Object.freeze([
  {
    index: 1,
    description: 'enqueue task accepted',
    method: 'POST',
    path: '/v1/tasks',
    taskId: TASK_1,
    requestBody: taskBody(TASK_1, SESSION_1, {
      seed: 123456789,
      determinism: 'strict',
      sampler_profile_version: 'v1',
    }),
    status: 202,
    headers: { ...JSON_HEADER, 'x-correlation-id': 'corr-accept-1' },
    body: { task_id: TASK_1, queue_position: 3, predicted_start_ms: 420, backoff_ms: 0 },
  },
  {
    index: 2,
    description: 'cancel task no content',
    method: 'POST',
    path: `/v1/tasks/${TASK_1}/cancel`,
    status: 204,
    headers: { 'x-correlation-id': 'corr-cancel-1' },
  },
  {
    index: 3,
    description: 'get session info',
    method: 'GET',
    path: `/v1/sessions/${SESSION_1}`,
    status: 200,
    headers: { ...JSON_HEADER, 'x-correlation-id': 'corr-session-1' },
    body: { ttl_ms_remaining: 600000, turns: 1, kv_bytes: 0, kv_warmth: false },
  },
  {
    index: 4,
    description: 'delete session',
    method: 'DELETE',
    path: `/v1/sessions/${SESSION_1}`,
    status: 204,
    headers: { 'x-correlation-id': 'corr-session-del-1' },
  },
  {
    index: 5,
    description: 'stream task events (SSE placeholder)',
    method: 'GET',
    path: `/v1/tasks/${TASK_1}/stream`,
    status: 200,
    headers: { 'content-type': 'text/event-stream', 'x-correlation-id': 'corr-sse-1' },
    body: PACT_SSE_BODY,
  },
  enqueueError(
    6,
    'enqueue task queue full',
    '33333333-3333-4333-8333-333333333333',
    '44444444-4444-4444-8444-444444444444',
    429,
    'corr-429-1',
    {
      code: 'QUEUE_FULL_DROP_LRU',
      engine: 'llamacpp',
      message: 'queue full',
      policy_label: 'drop-lru',
      retriable: true,
      retry_after_ms: 1000,
    },
    { 'retry-after': '1', 'x-backoff-ms': '1000' },
    { priority: 'batch' },
  ),
  enqueueError(
    7,
    'admission reject (policy)',
    '55555555-5555-4555-8555-555555555555',
    '66666666-6666-4666-8666-666666666666',
    429,
    'corr-429-2',
    {
      code: 'ADMISSION_REJECT',
      engine: 'llamacpp',
      message: 'reject policy',
      policy_label: 'reject',
      retriable: true,
      retry_after_ms: 2000,
    },
    { 'retry-after': '2', 'x-backoff-ms': '2000' },
  ),
  enqueueError(
    8,
    'invalid params',
    '77777777-7777-4777-8777-777777777777',
    '88888888-8888-4888-8888-888888888888',
    400,
    'corr-400-1',
    envelope('INVALID_PARAMS', 'bad request'),
    {},
    { ctx: 0, max_tokens: 0 },
  ),
  enqueueError(
    9,
    'pool unready',
    '99999999-9999-4999-8999-999999999999',
    'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa',
    503,
    'corr-503-1',
    envelope('POOL_UNREADY', 'pool not ready'),
  ),
  enqueueError(
    10,
    'pool unavailable',
    'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb',
    'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
    503,
    'corr-503-2',
    envelope('POOL_UNAVAILABLE', 'unavailable'),
  ),
  enqueueError(
    11,
    'replica exhausted',
    'dddddddd-dddd-4ddd-8ddd-dddddddddddd',
    'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee',
    503,
    'corr-503-3',
    envelope('REPLICA_EXHAUSTED', 'exhausted'),
  ),
  enqueueError(
    12,
    'decode timeout',
    'ffffffff-ffff-4fff-8fff-ffffffffffff',
    '12121212-1212-4121-8121-121212121212',
    500,
    'corr-500-1',
    envelope('DECODE_TIMEOUT', 'timeout'),
  ),
  enqueueError(
    13,
    'worker reset',
    '13131313-1313-4131-8131-131313131313',
    '14141414-1414-4141-8141-141414141414',
    500,
    'corr-500-2',
    envelope('WORKER_RESET', 'reset'),
  ),
  enqueueError(
    14,
    'internal error',
    '15151515-1515-4151-8151-151515151515',
    '16161616-1616-4161-8161-161616161616',
    500,
    'corr-500-3',
    envelope('INTERNAL', 'internal'),
  ),
]);

/** Find the canned interaction for a request, if any. Only v1 paths are canned. */
export function findPactInteraction(
  method: string,
  v1Path: string,
  taskId?: string,
): PactInteraction | undefined {
  return PACT_INTERACTIONS.find(
    (p) =>
      p.method === method &&
      p.path === v1Path &&
      (p.taskId === undefined || (taskId !== undefined && p.taskId === taskId)),
  );
}
