// docs/protocols/saturn.md §2.1-§2.6 (a fake SATURN server that behaves like the real one)
import type { Socket } from 'node:net';
import { SATURN_ROLE_PERMISSIONS, type SaturnJwtClaims } from '@uplink/core-schemas/saturn';
import { createFaultInjector } from '../fault-injection.js';
import { startServer } from '../start-server.js';
import { agentRoutes } from './agent-routes.js';
import { billingRoutes } from './billing-routes.js';
import { chatRoutes } from './chat-routes.js';
import type {
  FakeApiKeyInput,
  FakeSaturn,
  FakeSaturnOptions,
  FakeUserTokenOptions,
  RecordedSaturnRequest,
} from './fake-saturn-types.js';
import { hashApiKey, signJwt } from './jwt.js';
import { kbRoutes } from './kb-routes.js';
import { createSaturnRouter } from './router.js';
import type { SaturnRuntime } from './runtime.js';
import type { FakeInvoice, FakeKbDocument, FakeSaturnAgent, FakeSaturnTool } from './state.js';
import { emptyState } from './state.js';
import { systemRoutes } from './system-routes.js';
import { toolRoutes } from './tool-routes.js';

const randomHex = (bytes: number): string =>
  Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) =>
    b.toString(16).padStart(2, '0'),
  ).join('');

/**
 * Start a fake SATURN on 127.0.0.1 (a free port). It serves every implemented route with the
 * real server's envelopes, credential rules, role table and quirks, including the detached-row
 * defect and the dropped connection after an unhandled 500 (both on by default, both switchable).
 * The spec-only routes (`/sessions`, `/api-keys`, chat streaming) are the plain 404, as on the
 * real server.
 */
export async function startFakeSaturn(options: FakeSaturnOptions = {}): Promise<FakeSaturn> {
  const state = emptyState();
  const companyId = options.companyId ?? crypto.randomUUID();
  const jwtSecret = options.jwtSecret ?? 'change-me';
  const now = options.now ?? (() => new Date());
  const runtime: SaturnRuntime = {
    state,
    apiPrefix: options.apiPrefix ?? '',
    jwtSecret,
    rolePermissions: options.rolePermissions ?? SATURN_ROLE_PERMISSIONS,
    billingCurrency: options.billingCurrency ?? 'USD',
    detachedRowDefect: options.detachedRowDefect ?? true,
    now,
    metrics: { request_count: 0, llm_calls: 0, tool_calls: 0, tool_failures: 0 },
    calls: {},
    lastUnhandled: undefined,
  };
  const requests: RecordedSaturnRequest[] = [];
  const faults = createFaultInjector(options.faults);
  const dropped = { connections: 0, requests: 0 };
  let dropAfterUnhandled = options.dropConnectionAfterUnhandledError ?? true;
  // Connections whose next request is reset unread (the server closed them after a 500).
  const doomed = new WeakSet<Socket>();

  const route = createSaturnRouter(
    [...systemRoutes, ...agentRoutes, ...chatRoutes, ...toolRoutes, ...kbRoutes, ...billingRoutes],
    runtime,
    (req) => {
      if (!dropAfterUnhandled) return;
      doomed.add(req.socket);
      dropped.connections++;
    },
  );

  const server = await startServer(async (req, res) => {
    if (doomed.has(req.socket)) {
      dropped.requests++;
      req.socket.destroy();
      return;
    }
    requests.push({
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: { ...req.headers },
    });
    if (await faults.intercept(req, res)) return;
    await route(req, res);
  });

  const addApiKey = (input: FakeApiKeyInput = {}): string => {
    const key = input.key ?? `sk_test_${randomHex(16)}`;
    const keyHash = hashApiKey(key);
    state.apiKeys.set(keyHash, {
      key_hash: keyHash,
      company_id: input.companyId ?? companyId,
      scopes: input.scopes ?? ['chat:write'],
      status: input.status ?? 'active',
    });
    return key;
  };
  for (const key of options.apiKeys ?? []) addApiKey(key);

  const mintJwt = (claims: SaturnJwtClaims, mint: { secret?: string | undefined } = {}): string =>
    signJwt(claims, mint.secret ?? jwtSecret);

  const userToken = (token: FakeUserTokenOptions = {}): string => {
    const role = 'role' in token ? token.role : 'admin';
    const claims: SaturnJwtClaims = {
      company_id: token.companyId ?? companyId,
      user_id: token.userId ?? `user-${role ?? 'viewer'}`,
      exp: Math.floor(now().getTime() / 1000) + (token.expiresInSeconds ?? 3600),
    };
    if (role !== undefined) claims.role = role;
    return mintJwt(claims, { secret: token.secret });
  };

  const addAgent = (input: Partial<FakeSaturnAgent> = {}): FakeSaturnAgent => {
    const agent: FakeSaturnAgent = {
      agent_id: crypto.randomUUID(),
      company_id: companyId,
      name: 'Agent',
      type: 'chat',
      status: 'active',
      model_config: { provider: 'openai', model: 'gpt-4o-mini' },
      behavior_config: { system_prompt: 'You are helpful.' },
      memory_config: null,
      rag_config: null,
      tool_policy: null,
      channel_config: null,
      version: 1,
      ...input,
    };
    state.agents.set(agent.agent_id, agent);
    return agent;
  };

  const addTool = (input: Partial<FakeSaturnTool> = {}): FakeSaturnTool => {
    const tool: FakeSaturnTool = {
      tool_id: crypto.randomUUID(),
      company_id: companyId,
      name: 'echo',
      type: 'builtin',
      description: 'Echoes its input',
      input_schema: { type: 'object', properties: {} },
      output_schema: null,
      config: {},
      status: 'active',
      ...input,
    };
    state.tools.set(tool.tool_id, tool);
    return tool;
  };

  const addDocument: FakeSaturn['addDocument'] = (input) => {
    const { content, ...rest } = input;
    const status = rest.status ?? 'ready';
    const doc: FakeKbDocument = {
      doc_id: crypto.randomUUID(),
      company_id: companyId,
      filename: 'document.txt',
      error_message: null,
      ...rest,
      status,
      chunks: (content ?? '')
        .split('\n\n')
        .map((c) => c.trim())
        .filter((c) => c !== ''),
      history: [status],
    };
    state.documents.set(doc.doc_id, doc);
    return doc;
  };

  const addInvoice = (input: Partial<FakeInvoice> = {}): FakeInvoice => {
    const invoice: FakeInvoice = {
      invoice_id: crypto.randomUUID(),
      company_id: companyId,
      period_start: '2025-12-01',
      period_end: '2026-01-01',
      currency: runtime.billingCurrency,
      total: 0,
      status: 'draft',
      line_items: [],
      ...input,
    };
    state.invoices.set(invoice.invoice_id, invoice);
    return invoice;
  };

  const close = (): Promise<void> => server.close();

  return {
    url: server.url,
    apiPrefix: runtime.apiPrefix,
    companyId,
    jwtSecret,
    get detachedRowDefect() {
      return runtime.detachedRowDefect;
    },
    set detachedRowDefect(value: boolean) {
      runtime.detachedRowDefect = value;
    },
    get dropConnectionAfterUnhandledError() {
      return dropAfterUnhandled;
    },
    set dropConnectionAfterUnhandledError(value: boolean) {
      dropAfterUnhandled = value;
    },
    state,
    calls: runtime.calls,
    requests,
    droppedConnections: dropped,
    faults,
    mintJwt,
    userToken,
    addApiKey,
    addAgent,
    addTool,
    addDocument,
    addInvoice,
    close,
    [Symbol.asyncDispose]: close,
  };
}
