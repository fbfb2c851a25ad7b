/**
 * @uplink/agent-client: a typed client for SATURN's multi-tenant agent platform API
 * (docs/protocols/saturn.md). Runtime-neutral: nothing here imports `node:*`.
 */
export type {
  Agent,
  AgentCreateRequest,
  AgentList,
  AgentUpdateRequest,
  AgentVersion,
  ApiKeyInfo,
  ChatReply,
  ChatRequest,
  ChatStreamEvent,
  Citation,
  Health,
  Invoice,
  InvoiceLineItem,
  InvoiceList,
  InvoiceSummary,
  KbDocument,
  KbDocumentList,
  KbDocumentStatus,
  KbUploadRequest,
  Me,
  Session,
  SessionList,
  SessionMessage,
  SessionMessageList,
  ToolAttachment,
  ToolCreated,
  ToolCreateRequest,
  ToolList,
  ToolResult,
  ToolSummary,
  ToolTestResult,
  UsageSummary,
} from '@uplink/core-schemas/saturn';
export type { ListAgentsOptions } from './agent-calls.js';
export { AgentClient } from './agent-client.js';
export {
  CapabilityNotEnabledError,
  type SaturnCapabilities,
  type SaturnCapability,
} from './capabilities.js';
export type { ChatStream } from './chat-stream.js';
export {
  type AgentClientOptions,
  BASE_URL_ENV_VARS,
  DEFAULT_MAX_RESPONSE_BYTES,
  SATURN_RETRY_STATUSES,
  TOKEN_ENV_VARS,
  type TokenSource,
} from './client-options.js';
export {
  type InternalErrorCause,
  InvalidArgumentError,
  SaturnInternalError,
  type SaturnInternalErrorInit,
} from './errors.js';
export type { ListSessionsOptions } from './session-calls.js';
export type { AttachToolOptions } from './tool-calls.js';
export type { CallOptions, ListOptions, SaturnPage, SaturnResult, WriteOptions } from './types.js';
export { SDK_VERSION } from './version.js';
