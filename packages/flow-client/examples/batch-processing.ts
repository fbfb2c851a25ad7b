// Batch processing: run many flows through a pool of 3, with progress, and read each result in input order.
// Run: pnpm exec tsx packages/flow-client/examples/batch-processing.ts
import { type BatchItem, FlowClient } from '@uplink/flow-client';
import { runIfMain } from './demo-spine.js';

export async function main(baseUrl: string, log: (line: string) => void = console.log) {
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
      const decision = (result.value.output_data?.scorer as { decision?: string } | undefined)
        ?.decision;
      log(`#${result.index} ${amount}: ${decision}`);
    } else {
      log(`#${result.index} ${amount}: error: ${(result.error as Error).message}`);
    }
  }
  return results;
}

runIfMain(import.meta.url, main);
