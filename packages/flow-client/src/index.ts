/**
 * @uplink/flow-client: the AI Spine client (flows, executions, agents, system routes) on
 * `@uplink/http`. Runtime-neutral; the `ai-spine` CLI is a separate Node-only bin.
 */
export type {
  AgentInfo,
  CancelExecutionResponse,
  ExecutionContext,
  ExecutionResponse,
  ExecutionStatus,
  FlowDefinition,
  FlowNode,
  Health,
  Metrics,
  Status,
} from '@uplink/core-schemas/ai-spine';
export {
  AGENT_CAPABILITIES,
  AGENT_TYPES,
  isTerminalExecutionStatus,
  parseSpineTimestamp,
  ZERO_EXECUTION_ID,
} from '@uplink/core-schemas/ai-spine';
export * from './client-options.js';
export * from './errors.js';
export type { BatchItem, BatchOptions, BatchProgress, BatchResult } from './execute-batch.js';
export { type ExecuteOptions, FlowClient } from './flow-client.js';
export type { OutputOptions, TypedExecution } from './typed-output.js';
export type { AgentConfig, CallOptions } from './types.js';
export { FLOW_CLIENT_VERSION } from './version.js';
export type { WaitOptions, WaitProgress } from './wait-for-execution.js';
