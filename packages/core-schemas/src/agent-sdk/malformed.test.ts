import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import { parseWire } from '../parse.js';
import * as sdk from './index.js';

const envelope = {
  run_id: 'run_1',
  session_id: 'sess_1',
  stream: 'assistant',
  event: 'message',
  payload: { id: 'm', role: 'agent', content: 'hi', metadata: {} },
  timestamp: '2026-02-12T10:00:00.120311+00:00',
  seq: 1,
  metadata: { org_id: 'acme' },
};
const message = { id: 'm', role: 'agent', content: 'hi', metadata: {} };
const run = {
  run_id: 'run_1',
  session_id: 'sess_1',
  agent_id: 'planner-executor',
  org_id: 'default',
  status: 'running',
  model: 'mock',
  created_at: '2026-02-12T10:00:00+00:00',
  started_at: null,
  ended_at: null,
  tags: {},
  metadata: {},
};
const session = {
  session_id: 'sess_1',
  org_id: 'default',
  user_id: null,
  created_at: '2026-02-12T10:00:00+00:00',
  updated_at: '2026-02-12T10:00:00+00:00',
  tags: {},
  metadata: {},
};
const frame = (type: string, payload: unknown, extra: Record<string, unknown> = {}) => ({
  type,
  request_id: 'r-1',
  payload,
  ...extra,
});

type Case = [name: string, schema: v.GenericSchema, input: unknown, path: string];

// Missing required fields, wrong types, out-of-range numbers, arrays where objects belong,
// unknown keys on strict request bodies and client frames.
const corpus: Case[] = [
  ['run request: no task', sdk.RunTaskRequestSchema, { timeout: 30 }, 'task'],
  ['run request: empty task', sdk.RunTaskRequestSchema, { task: '' }, 'task'],
  ['run request: blank task', sdk.RunTaskRequestSchema, { task: ' \n\t ' }, 'task'],
  ['run request: 10001 characters', sdk.RunTaskRequestSchema, { task: 'x'.repeat(10001) }, 'task'],
  ['run request: task is a number', sdk.RunTaskRequestSchema, { task: 5 }, 'task'],
  ['run request: timeout 0', sdk.RunTaskRequestSchema, { task: 't', timeout: 0 }, 'timeout'],
  ['run request: timeout 3601', sdk.RunTaskRequestSchema, { task: 't', timeout: 3601 }, 'timeout'],
  ['run request: timeout 1.5', sdk.RunTaskRequestSchema, { task: 't', timeout: 1.5 }, 'timeout'],
  [
    'run request: timeout string',
    sdk.RunTaskRequestSchema,
    { task: 't', timeout: '30' },
    'timeout',
  ],
  ['run request: numeric tag', sdk.RunTaskRequestSchema, { task: 't', tags: { a: 1 } }, 'tags.a'],
  ['run request: lineage array', sdk.RunTaskRequestSchema, { task: 't', lineage: [] }, 'lineage'],
  ['run request: unknown key', sdk.RunTaskRequestSchema, { task: 't', model: 'gpt' }, 'model'],
  ['channel: empty message', sdk.ChannelMessageRequestSchema, { message: '' }, 'message'],
  [
    'channel: slack',
    sdk.ChannelMessageRequestSchema,
    { message: 'm', channel: 'slack' },
    'channel',
  ],
  [
    'device register: 101 chars',
    sdk.DeviceRegisterRequestSchema,
    { name: 'n'.repeat(101) },
    'name',
  ],
  [
    'device pair: no code',
    sdk.DevicePairRequestSchema,
    { device_id: 'dev_1', agent_id: 'a' },
    'pairing_code',
  ],
  ['envelope: no run_id', sdk.StreamEnvelopeSchema, { ...envelope, run_id: undefined }, 'run_id'],
  ['envelope: seq -1', sdk.StreamEnvelopeSchema, { ...envelope, seq: -1 }, 'seq'],
  ['envelope: seq 1.5', sdk.StreamEnvelopeSchema, { ...envelope, seq: 1.5 }, 'seq'],
  ['envelope: seq "1"', sdk.StreamEnvelopeSchema, { ...envelope, seq: '1' }, 'seq'],
  ['envelope: payload array', sdk.StreamEnvelopeSchema, { ...envelope, payload: [] }, 'payload'],
  ['envelope: payload text', sdk.StreamEnvelopeSchema, { ...envelope, payload: 'x' }, 'payload'],
  ['envelope: stream number', sdk.StreamEnvelopeSchema, { ...envelope, stream: 5 }, 'stream'],
  ['envelope: event null', sdk.StreamEnvelopeSchema, { ...envelope, event: null }, 'event'],
  [
    'envelope: no timestamp',
    sdk.StreamEnvelopeSchema,
    { ...envelope, timestamp: undefined },
    'timestamp',
  ],
  ['envelope: metadata array', sdk.StreamEnvelopeSchema, { ...envelope, metadata: [] }, 'metadata'],
  ['envelope: status number', sdk.StreamEnvelopeSchema, { ...envelope, status: 1 }, 'status'],
  ['envelope: a list', sdk.StreamEnvelopeSchema, [envelope], 'run_id'],
  ['envelope: text', sdk.StreamEnvelopeSchema, 'data', ''],
  ['replay: events object', sdk.ReplayEventsResponseSchema, { events: {}, count: 0 }, 'events'],
  ['replay: count -1', sdk.ReplayEventsResponseSchema, { events: [], count: -1 }, 'count'],
  [
    'replay: bad event',
    sdk.ReplayEventsResponseSchema,
    { events: [{ ...envelope, session_id: 7 }], count: 1 },
    'events.0.session_id',
  ],
  [
    'task response: message without content',
    sdk.TaskResponseSchema,
    {
      status: 'success',
      result: { run_id: 'r', session_id: 's', messages: [{ id: 'm', role: 'agent' }] },
    },
    'result.messages.0.content',
  ],
  [
    'task response: execution_time_ms text',
    sdk.TaskResponseSchema,
    { status: 'success', result: null, execution_time_ms: '0' },
    'execution_time_ms',
  ],
  ['task response: no status', sdk.TaskResponseSchema, { result: null }, 'status'],
  ['run: numeric status', sdk.RunMetadataSchema, { ...run, status: 5 }, 'status'],
  ['run: no created_at', sdk.RunMetadataSchema, { ...run, created_at: undefined }, 'created_at'],
  ['run: numeric tag', sdk.RunMetadataSchema, { ...run, tags: { a: 1 } }, 'tags.a'],
  ['run: model number', sdk.RunMetadataSchema, { ...run, model: 1 }, 'model'],
  ['sessions: not a list', sdk.SessionListSchema, { sessions: [] }, ''],
  ['sessions: no org', sdk.SessionListSchema, [{ ...session, org_id: undefined }], '0.org_id'],
  [
    'channel answer: messages object',
    sdk.ChannelWebhookResponseSchema,
    { run_id: 'r', session_id: 's', messages: {} },
    'messages',
  ],
  [
    'device answer: no code',
    sdk.DeviceRegisterResponseSchema,
    { device_id: 'd', created_at: 't' },
    'pairing_code',
  ],
  [
    'pair answer: no status',
    sdk.DevicePairResponseSchema,
    { device_id: 'd', agent_id: 'a' },
    'status',
  ],
  ['message: role number', sdk.AgentMessageSchema, { ...message, role: 1 }, 'role'],
  ['error body: detail number', sdk.ErrorBodySchema, { detail: 5 }, 'detail'],
  ['error body: no detail', sdk.ErrorBodySchema, { message: 'x' }, 'detail'],
  ['error body: hint number', sdk.ErrorBodySchema, { detail: 'x', hint: 5 }, 'hint'],
  [
    'server frame: no type',
    sdk.GatewayServerFrameSchema,
    { request_id: null, payload: {} },
    'type',
  ],
  [
    'server frame: payload list',
    sdk.GatewayServerFrameSchema,
    { type: 'ack', payload: [] },
    'payload',
  ],
  [
    'server frame: request_id number',
    sdk.GatewayServerFrameSchema,
    { type: 'ack', request_id: 5 },
    'request_id',
  ],
  ['error payload: no code', sdk.GatewayErrorPayloadSchema, { message: 'm' }, 'code'],
  ['run ack: no session', sdk.GatewayRunAckSchema, { run_id: 'r' }, 'session_id'],
  [
    'auth frame: empty key',
    sdk.GatewayAuthFrameSchema,
    frame('auth', { api_key: '' }),
    'payload.api_key',
  ],
  [
    'auth frame: no request id',
    sdk.GatewayAuthFrameSchema,
    { type: 'auth', payload: { api_key: 'k' } },
    'request_id',
  ],
  [
    'run frame: extra key',
    sdk.GatewayRunFrameSchema,
    frame('run', { task: 't', model: 'x' }),
    'payload.model',
  ],
  [
    'subscribe frame: from_seq -1',
    sdk.GatewaySubscribeFrameSchema,
    frame('subscribe', { run_id: 'r', from_seq: -1 }),
    'payload.from_seq',
  ],
  ['ping frame: payload key', sdk.GatewayPingFrameSchema, frame('ping', { x: 1 }), 'payload.x'],
  ['client frame: unknown type', sdk.GatewayClientFrameSchema, frame('dance', {}), 'type'],
];

describe('agent-sdk malformed corpus', () => {
  it.each(corpus)('%s -> rejected at the expected path', (_name, schema, input, path) => {
    const result = v.safeParse(schema, input);
    expect(result.success).toBe(false);
    expect(v.getDotPath(result.issues?.[0] as v.BaseIssue<unknown>) ?? '').toBe(path);
    let error: unknown;
    try {
      parseWire(schema, input, 'agent-sdk body');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ResponseValidationError);
    expect((error as ResponseValidationError).path).toBe(path);
    expect((error as Error).message).toMatch(/^Invalid agent-sdk body: at /);
  });
});

describe('agent-sdk tolerant readers and strict writers', () => {
  it('keep unknown fields, statuses, streams and events', () => {
    const parsed = v.parse(sdk.StreamEnvelopeSchema, {
      ...envelope,
      stream: 'tool',
      event: 'progress',
      status: 'paused',
      extra: { kept: true },
    });
    expect(parsed).toMatchObject({ stream: 'tool', event: 'progress', status: 'paused' });
    expect(parsed.extra).toEqual({ kept: true });
    const minimal = v.parse(sdk.StreamEnvelopeSchema, {
      run_id: 'r',
      session_id: 'unknown',
      stream: 'lifecycle',
      event: 'error',
      payload: {},
      timestamp: 't',
    });
    expect(minimal.seq).toBeUndefined();
    expect(sdk.isStreamFailureEnvelope(minimal)).toBe(true);
    const record = v.parse(sdk.RunMetadataSchema, {
      ...run,
      status: 'queued',
      tags: undefined,
      metadata: undefined,
      region: 'eu',
    });
    expect(record).toMatchObject({ status: 'queued', tags: {}, metadata: {}, region: 'eu' });
    expect(sdk.isFinalRunStatus(record.status)).toBe(false);
    expect(sdk.isKnownRunStatus('queued')).toBe(false);
    expect(v.parse(sdk.TaskResponseSchema, { status: 'success', execution_time_ms: 0.5 })).toEqual({
      status: 'success',
      execution_time_ms: 0.5,
    });
  });

  it('know the terminal and final sets', () => {
    for (const event of ['end', 'error', 'timeout', 'canceled']) {
      expect(sdk.isTerminalEnvelope({ stream: 'lifecycle', event })).toBe(true);
      expect(sdk.isTerminalEnvelope({ stream: 'assistant', event })).toBe(false);
    }
    expect(sdk.isTerminalEnvelope({ stream: 'lifecycle', event: 'start' })).toBe(false);
    expect(sdk.FINAL_RUN_STATUSES).toEqual(['completed', 'error', 'timeout', 'canceled']);
    for (const status of sdk.RUN_STATUSES) {
      expect(sdk.isFinalRunStatus(status)).toBe(!['accepted', 'running'].includes(status));
      expect(sdk.isKnownRunStatus(status)).toBe(true);
    }
    expect(sdk.isAssistantMessage({ stream: 'assistant', event: 'assistant.message' })).toBe(true);
    expect(sdk.isAssistantMessage({ stream: 'tool', event: 'message' })).toBe(false);
    expect(
      sdk.assistantMessageText({ stream: 'assistant', event: 'message', payload: { content: 1 } }),
    ).toBeUndefined();
  });

  it('count task characters as the server does (code points, not UTF-16 units)', () => {
    const emoji = '😀'.repeat(10000);
    expect(emoji.length).toBe(20000);
    expect(v.safeParse(sdk.RunTaskRequestSchema, { task: emoji }).success).toBe(true);
    expect(v.safeParse(sdk.RunTaskRequestSchema, { task: `${emoji}x` }).success).toBe(false);
    // The length is checked before trimming, as pydantic does.
    expect(v.safeParse(sdk.RunTaskRequestSchema, { task: ` ${'x'.repeat(10000)}` }).success).toBe(
      false,
    );
    expect(
      v.parse(sdk.RunTaskRequestSchema, {
        task: 't',
        config: 'c.yaml',
        timeout: 3600,
        tags: { a: 'b' },
        lineage: { x: [1] },
      }).timeout,
    ).toBe(3600);
    expect(v.parse(sdk.GatewayClientFrameSchema, frame('ping', {})).type).toBe('ping');
    expect(
      v.parse(sdk.GatewaySubscribeFrameSchema, frame('subscribe', { run_id: 'r', from_seq: 3 }))
        .payload.from_seq,
    ).toBe(3);
  });
});
