import type { AgentCreateRequest } from '@uplink/core-schemas/ai-spine';

/** Options every I/O method accepts. */
export interface CallOptions {
  /** Abort the call. */
  signal?: AbortSignal | undefined;
}

/**
 * The body of an agent registration (docs/protocols/ai-spine.md §4.7). `agent_type` may be omitted
 * and then defaults to `'processor'` (as the JS SDK does since 2.5.3); `is_active` defaults to
 * `true` on the server.
 */
export type AgentConfig = Omit<AgentCreateRequest, 'agent_type' | 'capabilities'> & {
  agent_type?: AgentCreateRequest['agent_type'] | undefined;
  /** Checked against the allow-list (`AGENT_CAPABILITIES`) before sending. */
  capabilities: readonly string[];
};
