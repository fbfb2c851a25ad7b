import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import * as sdk from './index.js';

// Every wire example of docs/protocols/agent-sdk.md lives in fixtures/agent-sdk/*.json: HTTP
// request/response pairs, SSE transcripts (`response.sse`, spaced JSON as the server writes it)
// and WebSocket conversations (`frames`). Each names the schema of each body.
const dir = resolve(import.meta.dirname, '../../../../fixtures/agent-sdk');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

interface Fixture {
  description: string;
  schemas?: { request?: string; response?: string; event?: string };
  request?: {
    method: string;
    path: string;
    headers?: Record<string, string | null>;
    body?: unknown;
  };
  response?: {
    status: number;
    headers: Record<string, string>;
    body?: unknown;
    sse?: string;
    ends?: boolean;
  };
  frames?: { from: 'client' | 'server'; schema: string | null; text: string }[];
}

const load = (file: string): Fixture =>
  JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as Fixture;

function schemaFor(name: string): v.GenericSchema {
  const schema = (sdk as Record<string, unknown>)[name];
  if (!schema || typeof schema !== 'object' || !('~standard' in schema)) {
    throw new Error(`fixture names unknown schema ${name}`);
  }
  return schema as v.GenericSchema;
}

function problems(schema: v.GenericSchema, input: unknown): string[] {
  const result = v.safeParse(schema, input);
  return (result.issues ?? []).map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`);
}

/** The `data:` values of an SSE transcript; every line must be a `data:` line. */
function sseData(text: string): string[] {
  return text
    .split('\n\n')
    .filter((block) => block !== '')
    .map((block) => {
      expect(block.startsWith('data: ')).toBe(true);
      expect(block.includes('\n')).toBe(false);
      return block.slice('data: '.length);
    });
}

const http = files.filter((f) => !load(f).frames && load(f).response?.sse === undefined);
const sse = files.filter((f) => load(f).response?.sse !== undefined);
const ws = files.filter((f) => load(f).frames !== undefined);

describe('agent-sdk fixtures', () => {
  it('cover the HTTP, SSE and WebSocket examples', () => {
    expect(http.length).toBeGreaterThanOrEqual(40);
    expect(sse.length).toBeGreaterThanOrEqual(7);
    expect(ws.length).toBeGreaterThanOrEqual(6);
    for (const file of files) {
      expect(load(file).description).toMatch(/^docs\/protocols\/agent-sdk\.md §\d/);
    }
  });

  it.each(http)('%s parses with its schemas', (file) => {
    const fixture = load(file);
    const request = fixture.request!;
    const response = fixture.response!;
    expect(request.method).toMatch(/^(GET|POST)$/);
    if (fixture.schemas?.request) {
      expect(problems(schemaFor(fixture.schemas.request), request.body)).toEqual([]);
    }
    const name = fixture.schemas?.response ?? '';
    expect(problems(schemaFor(name), response.body)).toEqual([]);
    // Error answers are always FastAPI's `{detail}` bodies, and successes never are.
    expect(name === 'ErrorBodySchema').toBe(response.status >= 400);
    // Every answer that passed the versioning middleware says so; the key middleware's do not.
    const middleware401 =
      response.body !== null && typeof response.body === 'object' && 'hint' in response.body;
    expect(response.headers['x-api-version']).toBe(middleware401 ? undefined : 'v1');
    expect(response.headers['x-request-id'] === undefined).toBe(middleware401);
    const bare = !request.path.startsWith('/v1');
    expect(response.headers['x-api-deprecated'] !== undefined).toBe(bare && !middleware401);
  });

  it.each(sse)('%s is data-only SSE whose events parse as envelopes', (file) => {
    const fixture = load(file);
    expect(fixture.response?.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const data = sseData(fixture.response?.sse ?? '');
    expect(data.length).toBeGreaterThan(0);
    for (const text of data) {
      // The server writes Python's spaced JSON; only the compact example of the protocol note is not.
      if (!file.includes('reference')) expect(text).toContain('", "');
      const envelope = v.parse(sdk.StreamEnvelopeSchema, JSON.parse(text));
      expect(envelope.run_id).toMatch(/^run_/);
    }
    const envelopes = data.map((text) => v.parse(sdk.StreamEnvelopeSchema, JSON.parse(text)));
    const last = envelopes.at(-1)!;
    // A body that ends does so after a terminal event (or the stream-failure event); the
    // transcripts of lost events never end.
    if (fixture.response?.ends) expect(sdk.isTerminalEnvelope(last)).toBe(true);
    else expect(sdk.isTerminalEnvelope(last)).toBe(false);
  });

  it.each(ws)('%s: every frame parses with its schema', (file) => {
    const fixture = load(file);
    for (const frame of fixture.frames ?? []) {
      if (frame.from === 'server') expect(frame.text).toContain('", "');
      if (frame.schema === null) continue;
      const parsed = JSON.parse(frame.text) as unknown;
      expect(problems(schemaFor(frame.schema), parsed)).toEqual([]);
      if (frame.from === 'server') {
        const server = v.parse(sdk.GatewayServerFrameSchema, parsed);
        const payload =
          server.type === 'event'
            ? sdk.GatewayEventPayloadSchema
            : server.type === 'error'
              ? sdk.GatewayErrorPayloadSchema
              : server.type === 'ack' && 'run_id' in server.payload
                ? sdk.GatewayRunAckSchema
                : server.type === 'ack'
                  ? sdk.GatewayStatusAckSchema
                  : v.object({});
        expect(problems(payload, server.payload)).toEqual([]);
        expect('request_id' in server && 'timestamp' in server).toBe(true);
        if (server.type === 'event') expect(server.request_id).toBeNull();
      }
    }
  });

  it('reads the observed variants the way a client must', () => {
    const sync = v.parse(sdk.TaskResponseSchema, load('run-sync.json').response?.body);
    expect(sync.result?.messages.map((m) => m.role)).toEqual(['agent', 'agent']);
    expect(sync.result?.messages[0]?.metadata.type).toBe('plan');
    expect(sync.execution_time_ms).toBe(0);
    expect(readFileSync(resolve(dir, 'run-sync.json'), 'utf8')).toContain(
      '"execution_time_ms": 0.0',
    );
    const ref = v.parse(
      sdk.TaskResponseSchema,
      load('run-sync-reference-form.json').response?.body,
    );
    expect(ref.result?.messages[0]?.role).toBe('assistant');

    const channel = v.parse(sdk.RunMetadataSchema, load('get-run-channel.json').response?.body);
    expect(channel.model).toBeNull();
    expect(channel.tags).toEqual({});

    const [start, message, end] = sseData(
      load('stream-fixture-spelling.json').response?.sse ?? '',
    ).map((text) => v.parse(sdk.StreamEnvelopeSchema, JSON.parse(text)));
    expect(sdk.isAssistantMessage(message!)).toBe(true);
    expect(sdk.assistantMessageText(message!)).toBe('hello');
    expect(sdk.assistantMessageText(start!)).toBeUndefined();
    expect(sdk.isTerminalEnvelope(end!)).toBe(true);

    const failure = sseData(load('stream-failure-event.json').response?.sse ?? '').map((text) =>
      v.parse(sdk.StreamEnvelopeSchema, JSON.parse(text)),
    );
    expect(failure[1]?.seq).toBeUndefined();
    expect(failure[1]?.session_id).toBe('unknown');
    expect(sdk.isStreamFailureEnvelope(failure[1]!)).toBe(true);
    expect(sdk.isStreamFailureEnvelope(failure[0]!)).toBe(false);

    const run = sseData(load('stream-run.json').response?.sse ?? '').map((text) =>
      v.parse(sdk.StreamEnvelopeSchema, JSON.parse(text)),
    );
    expect(run.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(sdk.assistantMessageText(run[2]!)).toContain('Three incidents are open');
  });

  it('describes every error shape as message and hint', () => {
    const body = (file: string) => load(file).response?.body;
    expect(sdk.describeAgentSdkError(body('run-missing-key-bare-401.json'))).toEqual({
      message: 'Missing API key in X-API-Key header',
      hint: 'Set API_KEY env var or pass X-API-Key header.',
    });
    expect(sdk.describeAgentSdkError(body('run-execution-failed-500.json'))).toEqual({
      message: 'Task execution failed: model unavailable',
      hint: 'Review logs for stack trace and configuration issues.',
    });
    expect(sdk.describeAgentSdkError(body('run-blank-task-422.json'))).toEqual({
      message: 'body.task: Value error, Task cannot be empty',
      hint: undefined,
    });
    expect(sdk.describeAgentSdkError(body('run-bad-json-422.json'))?.message).toBe(
      'body.9: JSON decode error',
    );
    expect(sdk.describeAgentSdkError(body('run-missing-key-v1-401.json'))).toEqual({
      message: 'Missing API key in X-API-Key header',
      hint: undefined,
    });
    expect(sdk.describeAgentSdkError({ detail: [] })?.message).toBe('Validation failed');
    expect(
      sdk.describeAgentSdkError({ detail: [{ type: 't', loc: [], msg: 'bad' }] })?.message,
    ).toBe('bad');
    expect(sdk.describeAgentSdkError('<html>')).toBeUndefined();
    expect(sdk.describeAgentSdkError({ error: 'x' })).toBeUndefined();
  });
});
