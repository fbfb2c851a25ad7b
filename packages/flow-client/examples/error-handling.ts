// Error handling: every failure is a typed error from one family, with a message that says what happened.
// Run: pnpm exec tsx packages/flow-client/examples/error-handling.ts

import { isUplinkError } from '@uplink/core-schemas';
import {
  ExecutionError,
  ExecutionNotRunningError,
  FlowClient,
  FlowNotFoundError,
  InvalidArgumentError,
} from '@uplink/flow-client';
import { runIfMain } from './demo-spine.js';

export async function main(baseUrl: string, log: (line: string) => void = console.log) {
  await using client = new FlowClient({ baseUrl });
  const seen: string[] = [];
  const report = (error: unknown) => {
    const name = isUplinkError(error) ? error.name : 'unexpected';
    seen.push(name);
    log(`${name}: ${(error as Error).message}`);
  };

  // The backend answers an unknown flow with HTTP 200 and status "failed"; the client says what it means.
  await client.executeFlow('no_such_flow', {}).catch((error) => {
    if (error instanceof FlowNotFoundError) report(error);
    else throw error;
  });

  // Ids are checked before sending, instead of a bare 422 from the server.
  await client.getExecution('exec-123').catch((error) => {
    if (error instanceof InvalidArgumentError) report(error);
    else throw error;
  });

  // A failing agent fails the run; waiting throws ExecutionError with the server's message.
  const failed = await client
    .executeAndWait('loan_review', { amount: -1 }, { intervalMs: 100 })
    .catch((error) => {
      if (error instanceof ExecutionError) {
        report(error);
        return error.execution;
      }
      throw error;
    });

  // Only running executions can be cancelled; a finished one gives a clear "not running" error.
  if (failed) {
    await client.cancelExecution(failed.execution_id).catch((error) => {
      if (error instanceof ExecutionNotRunningError) report(error);
      else throw error;
    });
  }

  // Agent registrations are checked against the backend's allow-lists before sending.
  await client
    .createAgent({
      agent_id: 'my-agent',
      name: 'My agent',
      description: 'demo',
      endpoint: 'https://agent.example.com/',
      capabilities: ['telepathy'],
    })
    .catch((error) => {
      if (error instanceof InvalidArgumentError) report(error);
      else throw error;
    });
  return seen;
}

runIfMain(import.meta.url, main);
