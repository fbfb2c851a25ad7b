import type { FlowDefinitionInput } from '@uplink/core-schemas/ai-spine';
import {
  type FakeAgentHandler,
  type FakeAiSpineOptions,
  startFakeAgent,
  startFakeAiSpine,
} from '@uplink/testing';
import { onTestFinished } from 'vitest';

/** A one-node flow whose node calls `agentId`; the node id is `step`, the exit point too. */
export function singleNodeFlow(flowId: string, agentId: string): FlowDefinitionInput {
  return {
    flow_id: flowId,
    name: flowId,
    description: `${flowId} (one agent)`,
    nodes: [{ id: 'step', agent_id: agentId, type: 'processor' }],
    entry_point: 'step',
    exit_points: ['step'],
  };
}

/** A promise with its resolve exposed, to hold a fake agent until the test lets it go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/**
 * An agent handler that reports when it is called (`entered`) and answers `output` only once
 * `release()` is called, so a test can hold a run in `running`.
 */
export function heldAgent(output: Record<string, unknown> = {}) {
  const entered = gate();
  const released = gate();
  return {
    handler: async () => {
      entered.open();
      await released.promise;
      return output;
    },
    entered: entered.promise,
    release: released.open,
  };
}

/**
 * Start a fake AI Spine plus one loopback agent per handler (agent id = key), each with a
 * one-node flow `<key>_flow`. Everything closes when the test ends.
 */
export async function startSpine(
  handlers: Record<string, FakeAgentHandler> = {},
  options: FakeAiSpineOptions = {},
) {
  const spine = await startFakeAiSpine(options);
  onTestFinished(() => spine.close());
  for (const [agentId, handler] of Object.entries(handlers)) {
    const agent = await startFakeAgent({ agentId, handler });
    onTestFinished(() => agent.close());
    spine.registerAgent(agent.info());
    spine.addFlow(singleNodeFlow(`${agentId}_flow`, agentId));
  }
  return spine;
}
