// docs/protocols/saturn.md §2.1-§2.6 and §6 (the client surface)
import type {
  Agent,
  AgentCreateRequest,
  AgentList,
  AgentUpdateRequest,
  AgentVersion,
  ApiKeyInfo,
  ChatReply,
  ChatRequest,
  Health,
  Invoice,
  InvoiceList,
  InvoiceSummary,
  KbDocumentList,
  KbDocumentStatus,
  KbUploadRequest,
  Me,
  Session,
  SessionList,
  SessionMessageList,
  ToolAttachment,
  ToolCreated,
  ToolCreateRequest,
  ToolList,
  ToolTestResult,
  UsageSummary,
} from '@uplink/core-schemas/saturn';
import { pickTransportOptions } from '@uplink/http';
import * as agents from './agent-calls.js';
import * as billing from './billing-calls.js';
import type { SaturnCapabilities } from './capabilities.js';
import { type ChatStream, type StreamSettings, streamChat } from './chat-stream.js';
import { type AgentClientOptions, resolveAgentClientOptions } from './client-options.js';
import { resendOnDroppedConnection } from './dropped-connection-fetch.js';
import * as kb from './kb-calls.js';
import { SaturnCaller } from './saturn-caller.js';
import * as sessions from './session-calls.js';
import * as tools from './tool-calls.js';
import type { CallOptions, ListOptions, SaturnPage, SaturnResult, WriteOptions } from './types.js';
import { SDK_VERSION } from './version.js';

/**
 * A client for SATURN's agent platform API: identity, agents, chat, tools, the knowledge base,
 * usage and invoices. Runtime-neutral (fetch only). Every call sends `X-Request-Id`, unwraps
 * SATURN's `{data, meta}` envelope and returns `data` with a non-enumerable `requestId`; errors
 * are the `@uplink/core-schemas` family with `code`, `details` and `requestId`. `close()` aborts
 * calls in flight and refuses later ones.
 */
export class AgentClient implements AsyncDisposable {
  /** The server URL, without a trailing slash. */
  readonly baseUrl: string;
  /** The route prefix (`''`: SATURN's root mount). */
  readonly apiPrefix: string;
  /** The capabilities of SATURN's API document that were turned on (all off by default). */
  readonly capabilities: Readonly<Required<SaturnCapabilities>>;
  readonly #caller: SaturnCaller;
  readonly #stream: StreamSettings;
  /** Streams opened by this client, closed by `close()`. */
  readonly #streams = new Set<ChatStream>();

  constructor(options: AgentClientOptions = {}) {
    const resolved = resolveAgentClientOptions(options);
    this.baseUrl = resolved.baseUrl;
    this.apiPrefix = resolved.apiPrefix;
    this.capabilities = Object.freeze({ ...resolved.capabilities });
    this.#stream = {
      baseUrl: resolved.baseUrl,
      apiPrefix: resolved.apiPrefix,
      token: resolved.token,
      capabilities: resolved.capabilities,
      maxFrameBytes: resolved.maxResponseBytes,
      idleTimeoutMs: resolved.timeoutMs,
      onClose: (stream) => this.#streams.delete(stream),
    };
    const transport = pickTransportOptions(options);
    const baseFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    let caller: SaturnCaller | undefined;
    const fetch = resendOnDroppedConnection(baseFetch, ({ method, code }) =>
      caller?.http.logger.debug('saturn resend after dropped connection', { method, code }),
    );
    caller = new SaturnCaller({
      http: {
        ...transport,
        baseUrl: resolved.baseUrl,
        retry: resolved.retry,
        maxResponseBytes: resolved.maxResponseBytes,
        timeoutMs: resolved.timeoutMs,
        fetch,
        sdk: { name: 'agent-client', version: SDK_VERSION },
      },
      token: resolved.token,
      apiPrefix: resolved.apiPrefix,
      capabilities: resolved.capabilities,
    });
    this.#caller = caller;
  }

  // ---- identity --------------------------------------------------------------------------

  /** `GET /health` (no credential needed, but a bad one still fails it with a 500). */
  getHealth(options: CallOptions = {}): Promise<SaturnResult<Health>> {
    return agents.getHealth(this.#caller, options);
  }

  /** `GET /auth/me`: the JWT's `user_id`, `role` and `company_id`. JWT only; admin only (`users:read`). */
  getMe(options: CallOptions = {}): Promise<SaturnResult<Me>> {
    return agents.getMe(this.#caller, options);
  }

  /** `GET /auth/api-key`: the key's `company_id` and `scopes`. API key only. */
  getApiKeyInfo(options: CallOptions = {}): Promise<SaturnResult<ApiKeyInfo>> {
    return agents.getApiKeyInfo(this.#caller, options);
  }

  // ---- agents ----------------------------------------------------------------------------

  /** `POST /agents` (checked against the strict AgentCreate schema first). Never retried. */
  createAgent(
    agent: AgentCreateRequest,
    options: WriteOptions = {},
  ): Promise<SaturnResult<AgentVersion>> {
    return agents.createAgent(this.#caller, agent, options);
  }

  /** `GET /agents`, optionally filtered by exact `type` and `status`. */
  listAgents(options: agents.ListAgentsOptions = {}): Promise<SaturnPage<AgentList>> {
    return agents.listAgents(this.#caller, options);
  }

  /** `GET /agents/{id}`. Another company's agent is `NotFoundError` (`AGENT_NOT_FOUND`). */
  getAgent(agentId: string, options: CallOptions = {}): Promise<SaturnResult<Agent>> {
    return agents.getAgent(this.#caller, agentId, options);
  }

  /**
   * `PATCH /agents/{id}`. Every PATCH adds 1 to `version`, even `{}`; `type` cannot change and
   * `null` cannot clear a field (both are refused here, the server would ignore them). Never retried.
   */
  updateAgent(
    agentId: string,
    patch: AgentUpdateRequest,
    options: WriteOptions = {},
  ): Promise<SaturnResult<AgentVersion>> {
    return agents.updateAgent(this.#caller, agentId, patch, options);
  }

  /** `POST /agents/{id}/disable`. Idempotent: disabling again returns the same version. */
  disableAgent(agentId: string, options: CallOptions = {}): Promise<SaturnResult<AgentVersion>> {
    return agents.disableAgent(this.#caller, agentId, options);
  }

  // ---- chat ------------------------------------------------------------------------------

  /**
   * `POST /agents/{id}/chat`: one turn (a message string, or `{message, session_id?, metadata?}`).
   * A JWT needs `chat:write` (admin, operator), an API key the `chat:write` scope. Never retried.
   * On SATURN e401c5e this answers `SaturnInternalError` after storing the turn (a server defect).
   */
  chat(
    agentId: string,
    request: ChatRequest | string,
    options: WriteOptions = {},
  ): Promise<SaturnResult<ChatReply>> {
    return agents.chat(this.#caller, agentId, request, options);
  }

  /**
   * Stream a chat turn over `WS /agents/{id}/chat/stream`, as SATURN's API document describes.
   * Needs `capabilities.chatStreaming`: SATURN itself has no such route, so without it this
   * throws `CapabilityNotEnabledError` before connecting. Node-style runtimes only (the
   * credential goes in the upgrade request's headers, which browsers cannot set).
   */
  streamChat(
    agentId: string,
    request: ChatRequest | string,
    options: CallOptions = {},
  ): ChatStream {
    const stream = streamChat(this.#stream, agentId, request, options);
    this.#streams.add(stream);
    return stream;
  }

  // ---- tools -----------------------------------------------------------------------------

  /** `POST /tools` (admin only). Never retried. */
  createTool(
    tool: ToolCreateRequest,
    options: WriteOptions = {},
  ): Promise<SaturnResult<ToolCreated>> {
    return tools.createTool(this.#caller, tool, options);
  }

  /** `GET /tools`. On SATURN e401c5e this fails with `SaturnInternalError` once a tool exists. */
  listTools(options: ListOptions = {}): Promise<SaturnPage<ToolList>> {
    return tools.listTools(this.#caller, options);
  }

  /**
   * `POST /tools/{id}/test` with `{input}`. An unknown or disabled tool is `PermissionDeniedError`
   * (`TOOL_NOT_ALLOWED`); input that fails the tool's schema is `BadRequestError`
   * (`TOOL_SCHEMA_INVALID`). Admin only. Never retried.
   */
  testTool(
    toolId: string,
    input: Record<string, unknown>,
    options: WriteOptions = {},
  ): Promise<SaturnResult<ToolTestResult>> {
    return tools.testTool(this.#caller, toolId, input, options);
  }

  /** `POST /agents/{id}/tools/attach`. Idempotent; SATURN does not check the agent. Admin only. */
  attachTool(
    agentId: string,
    toolId: string,
    options: tools.AttachToolOptions = {},
  ): Promise<SaturnResult<ToolAttachment>> {
    return tools.attachTool(this.#caller, agentId, toolId, options);
  }

  /** `POST /agents/{id}/tools/detach`. Idempotent; never fails for a tool that was not attached. */
  detachTool(
    agentId: string,
    toolId: string,
    options: CallOptions = {},
  ): Promise<SaturnResult<ToolAttachment>> {
    return tools.detachTool(this.#caller, agentId, toolId, options);
  }

  // ---- knowledge base --------------------------------------------------------------------

  /**
   * `POST /agents/{id}/kb/upload` with JSON `{filename, content}`; indexed within the request
   * (`status` `ready`; empty content is `KB_INDEXING_FAILED`). Never retried. On SATURN e401c5e
   * this fails with `SaturnInternalError` after the document was stored.
   */
  uploadDocument(
    agentId: string,
    document: KbUploadRequest,
    options: WriteOptions = {},
  ): Promise<SaturnResult<KbDocumentStatus>> {
    return kb.uploadDocument(this.#caller, agentId, document, options);
  }

  /** `GET /agents/{id}/kb` (deleted documents left out). */
  listDocuments(agentId: string, options: ListOptions = {}): Promise<SaturnPage<KbDocumentList>> {
    return kb.listDocuments(this.#caller, agentId, options);
  }

  /** `DELETE /agents/{id}/kb/{docId}`: marks it `deleted`. An unknown document is a 500 `KB_INDEXING_FAILED`. */
  deleteDocument(
    agentId: string,
    docId: string,
    options: CallOptions = {},
  ): Promise<SaturnResult<KbDocumentStatus>> {
    return kb.deleteDocument(this.#caller, agentId, docId, options);
  }

  /** `POST /agents/{id}/kb/{docId}/reindex`. Idempotent. */
  reindexDocument(
    agentId: string,
    docId: string,
    options: CallOptions = {},
  ): Promise<SaturnResult<KbDocumentStatus>> {
    return kb.reindexDocument(this.#caller, agentId, docId, options);
  }

  // ---- usage and invoices ----------------------------------------------------------------

  /**
   * `GET /usage/summary?period=YYYY-MM` (checked before sending). It also inserts a draft invoice
   * on the server, so it is never retried.
   */
  getUsageSummary(period: string, options: CallOptions = {}): Promise<SaturnResult<UsageSummary>> {
    return billing.getUsageSummary(this.#caller, period, options);
  }

  /** `GET /invoices`. */
  listInvoices(options: ListOptions = {}): Promise<SaturnPage<InvoiceList>> {
    return billing.listInvoices(this.#caller, options);
  }

  /** `GET /invoices/{id}`; an unknown one is `NotFoundError` (`NOT_FOUND`). */
  getInvoice(invoiceId: string, options: CallOptions = {}): Promise<SaturnResult<Invoice>> {
    return billing.getInvoice(this.#caller, invoiceId, options);
  }

  /** `POST /invoices/generate?period=YYYY-MM` (a query parameter, not a body). Admin only. Never retried. */
  generateInvoice(
    period: string,
    options: WriteOptions = {},
  ): Promise<SaturnResult<InvoiceSummary>> {
    return billing.generateInvoice(this.#caller, period, options);
  }

  // ---- sessions (capabilities.sessions) --------------------------------------------------

  /** `GET /sessions` (API document only): needs `capabilities.sessions`. */
  listSessions(options: sessions.ListSessionsOptions = {}): Promise<SaturnPage<SessionList>> {
    return sessions.listSessions(this.#caller, options);
  }

  /** `GET /sessions/{id}` (API document only): needs `capabilities.sessions`. */
  getSession(sessionId: string, options: CallOptions = {}): Promise<SaturnResult<Session>> {
    return sessions.getSession(this.#caller, sessionId, options);
  }

  /** `GET /sessions/{id}/messages` (API document only): needs `capabilities.sessions`. */
  listSessionMessages(
    sessionId: string,
    options: ListOptions = {},
  ): Promise<SaturnPage<SessionMessageList>> {
    return sessions.listSessionMessages(this.#caller, sessionId, options);
  }

  /** `POST /sessions/{id}/close` (API document only): needs `capabilities.sessions`. */
  closeSession(
    sessionId: string,
    options: CallOptions = {},
  ): Promise<SaturnResult<Record<string, unknown>>> {
    return sessions.closeSession(this.#caller, sessionId, options);
  }

  /** Abort every call in flight; later calls fail with `AbortError`. Idempotent. */
  async close(): Promise<void> {
    for (const stream of this.#streams) stream.close();
    await this.#caller.close();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
