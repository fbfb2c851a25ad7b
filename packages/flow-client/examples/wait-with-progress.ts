// Waiting with progress: start a run, then poll it with a progress callback, a deadline and a signal.
// Run: pnpm exec tsx packages/flow-client/examples/wait-with-progress.ts
import { FlowClient, WaitTimeoutError } from '@uplink/flow-client';
import { runIfMain } from './demo-spine.js';

export async function main(baseUrl: string, log: (line: string) => void = console.log) {
  await using client = new FlowClient({ baseUrl });
  const controller = new AbortController(); // e.g. wired to a Cancel button

  // The scorer of the demo flow sleeps delayMs before answering.
  const { execution_id } = await client.executeFlow('loan_review', {
    amount: 80_000,
    delayMs: 300,
  });
  log(`started ${execution_id}`);

  try {
    const done = await client.waitForExecution(execution_id, {
      intervalMs: 100, // poll every 100 ms (default 2000)
      backoff: { maxIntervalMs: 400 }, // grow the interval, jittered, up to 400 ms
      timeoutMs: 10_000, // give up after 10 s (default 300000)
      signal: controller.signal,
      onProgress: (execution, { attempt, elapsedMs }) =>
        log(`poll ${attempt}: ${execution.status} after ${elapsedMs} ms`),
    });
    log(`finished: ${done.status} ${JSON.stringify(done.output_data)}`);
    return done;
  } catch (error) {
    if (error instanceof WaitTimeoutError) {
      log(`still ${error.lastExecution?.status} after ${error.timeoutMs} ms; cancelling`);
      await client.cancelExecution(execution_id);
    }
    throw error;
  }
}

runIfMain(import.meta.url, main);
