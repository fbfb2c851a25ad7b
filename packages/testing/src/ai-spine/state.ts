// docs/protocols/ai-spine.md §4.2 and §5 (execution records held in memory)
import type {
  AgentInfo,
  ExecutionStatus,
  FlowDefinition,
  NodeResult,
} from '@uplink/core-schemas/ai-spine';

/** One execution as the fake stores it (a superset of the wire `ExecutionContextResponse`). */
export interface FakeExecution {
  execution_id: string;
  flow_id: string;
  status: ExecutionStatus;
  input_data: Record<string, unknown>;
  output_data: Record<string, unknown>;
  error_message: string | null;
  metadata: Record<string, unknown>;
  user_id: string | null;
  priority: number;
  timeout: number | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
  /** When the background task set `running` (not sent on the wire). */
  started_at: string | null;
  /** Per-node records, as served by `GET .../executions/{id}/results`. */
  node_results: NodeResult[];
}

/** A user key the fake accepts when `apiKeyRequired` is on (§2). */
export interface FakeSpineUser {
  /** The user's key, usually `sk_` + 43 URL-safe characters (other forms are accepted too). */
  apiKey: string;
  id: string;
  email: string;
  name: string;
  organization: string | null;
  /** A user with `credits <= 0` is treated as an invalid key (401, never 403). */
  credits: number;
  rate_limit: number;
}

/** The fake's in-memory state, shared by the routes and the flow runner. */
export interface SpineState {
  flows: Map<string, FlowDefinition>;
  agents: Map<string, AgentInfo>;
  executions: Map<string, FakeExecution>;
  users: Map<string, FakeSpineUser>;
}

/** The wire view of an execution (§4.2): node results, metadata and `started_at` left out. */
export function executionView(execution: FakeExecution): Record<string, unknown> {
  return {
    execution_id: execution.execution_id,
    flow_id: execution.flow_id,
    status: execution.status,
    input_data: execution.input_data,
    output_data: execution.output_data,
    error_message: execution.error_message,
    created_at: execution.created_at,
    updated_at: execution.updated_at,
    completed_at: execution.completed_at,
  };
}
