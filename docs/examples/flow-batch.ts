// Batch processing with @uplink/flow-client: a pool of concurrent flow runs, results in input order.
// Runs against $AI_SPINE_BASE_URL (a server with a `loan_review` flow) or, when that is unset, a
// local fake AI Spine (from @uplink/testing) with two loopback agents:
//   TSX_TSCONFIG_PATH=docs/examples/tsconfig.json node --import tsx docs/examples/flow-batch.ts
import { pathToFileURL } from 'node:url';
import { type BatchItem, FlowClient } from '@uplink/flow-client';
import { startFakeAgent, startFakeAiSpine } from '@uplink/testing';

/**
 * Run 8 loan reviews through a pool of 3 and log one decision per applicant. `baseUrl`
 * defaults to $AI_SPINE_BASE_URL, as for every FlowClient.
 */
export async function main(baseUrl?: string, log: (line: string) => void = console.log) {
  await using client = new FlowClient({ baseUrl });
  const amounts = [20_000, 50_000, -5, 120_000, 180_000, 75_000, 10_000, 95_000];
  const items: BatchItem[] = amounts.map((amount, i) => ({
    flowId: 'loan_review',
    input: { name: `applicant-${i}`, amount },
    metadata: { batch: 'demo' },
  }));

  const results = await client.executeBatch(items, {
    concurrency: 3, // a real pool: a new run starts as soon as one finishes
    wait: { intervalMs: 100 }, // wait for each run to end
    onProgress: ({ completed, total, failed }) =>
      log(`progress: ${completed}/${total} (${failed} failed)`),
  });

  for (const result of results) {
    const amount = amounts[result.index];
    if (result.ok) {
      const scorer = result.value.output_data?.scorer as { decision?: string } | undefined;
      log(`#${result.index} ${amount}: ${scorer?.decision}`);
    } else {
      // A failed item is reported in place; the batch itself never rejects for one.
      log(`#${result.index} ${amount}: error: ${(result.error as Error).message}`);
    }
  }
  return results;
}

/**
 * A local AI Spine with the `loan_review` flow: `intake` checks the application (a negative
 * amount fails the run), `scorer` decides. Both agents are real HTTP servers on loopback.
 */
export async function startLoanReviewSpine() {
  const spine = await startFakeAiSpine();
  const intake = await startFakeAgent({
    agentId: 'intake',
    handler: (req) => {
      const amount = Number(req.input.amount);
      if (!(amount > 0)) throw new Error(`amount must be positive, got ${req.input.amount}`);
      return { applicant: String(req.input.name ?? 'anonymous'), amount };
    },
  });
  const scorer = await startFakeAgent({
    agentId: 'scorer',
    handler: (req) => {
      const score = 1 - Math.min(Number(req.input.amount), 200_000) / 250_000;
      return { score, decision: score >= 0.5 ? 'approved' : 'declined' };
    },
  });
  for (const agent of [intake, scorer]) {
    spine.registerAgent(agent.info({ capabilities: ['credit_analysis'] }));
  }
  spine.addFlow({
    flow_id: 'loan_review',
    name: 'Loan review',
    description: 'Intake checks the application, the scorer decides',
    nodes: [
      { id: 'intake', agent_id: 'intake', type: 'input' },
      { id: 'scorer', agent_id: 'scorer', type: 'processor', depends_on: ['intake'] },
    ],
    entry_point: 'intake',
    exit_points: ['scorer'],
  });
  const close = async (): Promise<void> => {
    await spine.close();
    await Promise.all([intake.close(), scorer.close()]);
  };
  return { url: spine.url, spine, close, [Symbol.asyncDispose]: close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { AI_SPINE_BASE_URL } = process.env;
  if (AI_SPINE_BASE_URL) {
    await main(); // FlowClient reads AI_SPINE_BASE_URL itself
  } else {
    await using local = await startLoanReviewSpine();
    await main(local.url);
  }
}
