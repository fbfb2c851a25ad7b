// docs/protocols/ai-spine.md §7 and §8 (what an agent serves: POST /execute and GET /health)
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentExecuteRequest, AgentType } from '@uplink/core-schemas/ai-spine';
import { startServer } from '../start-server.js';
import type { RegisterAgentInput } from './fake-ai-spine-types.js';
import { isObject } from './http-io.js';

const REPLY = Symbol('uplink.fakeAgentReply');

/** A raw reply from a fake agent handler, built with {@link agentReply}. */
export interface FakeAgentReply {
  readonly [REPLY]: true;
  status: number;
  /** JSON body; ignored when `text` is given. */
  body?: unknown;
  /** Raw body text (for non-JSON answers). */
  text?: string | undefined;
  headers: Record<string, string>;
}

/**
 * Build a raw reply (any status, JSON or text body) for a handler to return, e.g.
 * `agentReply({ status: 500, text: 'boom' })`.
 */
export function agentReply(init: {
  status?: number | undefined;
  body?: unknown;
  text?: string | undefined;
  headers?: Record<string, string> | undefined;
}): FakeAgentReply {
  return {
    [REPLY]: true,
    status: init.status ?? 200,
    body: init.body,
    text: init.text,
    headers: init.headers ?? {},
  };
}

/** What a handler gets besides the request body. */
export interface FakeAgentContext {
  /** Aborted when the caller disconnects (for example after its timeout) or the agent closes. */
  signal: AbortSignal;
  /** 1-based index of this call. */
  call: number;
}

/**
 * Handles one `POST /execute`. Return the node's output object (sent as
 * `{"status":"success","output":...,"execution_id":...}`) or an {@link agentReply}.
 */
export type FakeAgentHandler = (
  request: AgentExecuteRequest,
  context: FakeAgentContext,
) => Record<string, unknown> | FakeAgentReply | Promise<Record<string, unknown> | FakeAgentReply>;

/** Options for {@link startFakeAgent}. */
export interface FakeAgentOptions {
  /** The `/execute` handler. @default echo the input as the output */
  handler?: FakeAgentHandler | undefined;
  /** Id used in `/health` and by {@link FakeAgent.info}. @default 'fake-agent' */
  agentId?: string | undefined;
  /** Status of `GET /health`. @default 200 */
  healthStatus?: number | undefined;
}

/** A running loopback agent. */
export interface FakeAgent extends AsyncDisposable {
  /** Base URL without a trailing slash: register it as the agent's `endpoint`. */
  readonly url: string;
  /** Every `/execute` body received, in order. */
  readonly calls: AgentExecuteRequest[];
  /** Number of `GET /health` calls. */
  readonly healthChecks: number;
  /** An agent registration pointing at this server. */
  info(overrides?: Partial<RegisterAgentInput>): RegisterAgentInput;
  /** Stop the server (open calls are cut). Idempotent. */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, text: string, type: string): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': String(Buffer.byteLength(text)),
  });
  res.end(text);
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Start a loopback agent answering `POST /execute` (through `handler`) and `GET /health`, so
 * flows can run through real HTTP agents in tests and demos. A handler that throws answers 500.
 */
export async function startFakeAgent(options: FakeAgentOptions = {}): Promise<FakeAgent> {
  const agentId = options.agentId ?? 'fake-agent';
  const handler: FakeAgentHandler = options.handler ?? ((request) => request.input);
  const calls: AgentExecuteRequest[] = [];
  let healthChecks = 0;
  const closing = new AbortController();

  const server = await startServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://agent').pathname;
    if (req.method === 'GET' && path === '/health') {
      healthChecks++;
      const body = { agent_id: agentId, version: 'v1.0.0', capabilities: [], ready: true };
      return send(res, options.healthStatus ?? 200, JSON.stringify(body), 'application/json');
    }
    if (req.method !== 'POST' || path !== '/execute') {
      return send(res, 404, JSON.stringify({ detail: 'Not Found' }), 'application/json');
    }
    let request: AgentExecuteRequest;
    try {
      const parsed: unknown = JSON.parse(await readText(req));
      if (!isObject(parsed)) throw new Error('not an object');
      request = parsed as AgentExecuteRequest;
    } catch {
      return send(res, 400, JSON.stringify({ detail: 'Invalid JSON body' }), 'application/json');
    }
    calls.push(request);
    const disconnected = new AbortController();
    res.on('close', () => disconnected.abort());
    const signal = AbortSignal.any([disconnected.signal, closing.signal]);
    let result: Record<string, unknown> | FakeAgentReply;
    try {
      result = await handler(request, { signal, call: calls.length });
    } catch (error) {
      if (res.destroyed) return;
      const detail = error instanceof Error ? error.message : String(error);
      return send(res, 500, JSON.stringify({ detail }), 'application/json');
    }
    if (res.destroyed) return;
    if (REPLY in result) {
      const reply = result as FakeAgentReply;
      const text = reply.text ?? JSON.stringify(reply.body ?? {});
      const type = reply.text === undefined ? 'application/json' : 'text/plain';
      res.writeHead(reply.status, {
        'content-type': type,
        'content-length': String(Buffer.byteLength(text)),
        ...reply.headers,
      });
      res.end(text);
      return;
    }
    const body = { status: 'success', output: result, execution_id: request.execution_id };
    send(res, 200, JSON.stringify(body), 'application/json');
  });

  const close = async (): Promise<void> => {
    closing.abort();
    await server.close();
  };
  return {
    url: server.url,
    calls,
    get healthChecks() {
      return healthChecks;
    },
    info(overrides = {}) {
      const agentType: AgentType = 'processor';
      return {
        agent_id: agentId,
        name: agentId,
        description: 'Loopback test agent',
        endpoint: server.url,
        capabilities: ['decision_making'],
        agent_type: agentType,
        is_active: true,
        ...overrides,
      };
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}
