// Basic usage: check the server, list flows, run one and read its output.
// Run: pnpm exec tsx packages/flow-client/examples/basic-usage.ts
import { FlowClient } from '@uplink/flow-client';
import { runIfMain } from './demo-spine.js';

export async function main(baseUrl: string, log: (line: string) => void = console.log) {
  // The key is optional: the backend's auth is off by default.
  await using client = new FlowClient({ baseUrl, apiKey: process.env.AI_SPINE_API_KEY });

  const health = await client.healthCheck();
  log(`server: ${health.status}`);

  const flows = await client.listFlows();
  log(`flows: ${flows.map((flow) => flow.flow_id).join(', ')}`);

  // executeAndWait = executeFlow (never retried) + waitForExecution (polls every 2 s by default).
  const execution = await client.executeAndWait(
    'loan_review',
    { name: 'Ana', amount: 50_000 },
    { metadata: { source: 'basic-usage' }, intervalMs: 100 },
  );
  log(`execution ${execution.execution_id}: ${execution.status}`);
  // output_data is keyed by the flow's exit node.
  log(`decision: ${JSON.stringify(execution.output_data?.scorer)}`);
  return execution;
}

runIfMain(import.meta.url, main);
