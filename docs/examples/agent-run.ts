// An agent-sdk run streamed to the terminal with @uplink/run-client, complete whatever the connection does.
// Against $AGENT_SDK_BASE_URL with $AGENT_SDK_API_KEY, or a local fake agent-sdk when unset:
//   TSX_TSCONFIG_PATH=docs/examples/tsconfig.json node --import tsx docs/examples/agent-run.ts "Summarise the open incidents"
import { pathToFileURL } from 'node:url';
import { assistantMessageText } from '@uplink/core-schemas/agent-sdk';
import type { Logger } from '@uplink/http';
import {
  RunClient,
  type RunStream,
  RunStreamError,
  type RunStreamResult,
} from '@uplink/run-client';
import { startFakeAgentSdk } from '@uplink/testing';

/** Where the example prints (the test collects the lines). */
export type Write = (line: string) => void;

const toTerminal: Write = (line) => process.stdout.write(`${line}\n`);

/** Print a stream's events as they arrive; resolves with its result. */
async function print(stream: RunStream, write: Write): Promise<RunStreamResult> {
  for await (const event of stream) {
    if (event.stream === 'lifecycle' && event.event === 'start')
      write(`run ${event.run_id} started`);
    const text = assistantMessageText(event);
    if (text !== undefined) write(`[${event.seq}] ${text.split('\n')[0]}`);
  }
  const result = await stream.finalResult();
  write(
    `run ${result.status} after ${result.messages.length} message(s), last seq ${result.lastSeq}`,
  );
  return result;
}

/**
 * Stream `task` to the terminal. Dropped events, cut connections and silent streams are
 * resumed inside the stream (through the replay), so the loop sees every event once, in order.
 * Should resuming give up (say the server kept cutting the connection), the run itself goes
 * on: pick it up again from the last event seen.
 */
export async function streamToTerminal(
  client: RunClient,
  task: string,
  write: Write = toTerminal,
): Promise<RunStreamResult> {
  try {
    return await print(client.streamRun({ task }), write);
  } catch (error) {
    if (!(error instanceof RunStreamError) || error.runId === undefined) throw error;
    write(`stream lost after seq ${error.lastSeq} (${error.code}); picking the run up again`);
    return await print(client.events(error.runId, { fromSeq: error.lastSeq + 1 }), write);
  }
}

/** Print each resume the client makes (its debug log line), and nothing else. */
function resumeLogger(write: Write): Logger {
  const quiet = (): void => {};
  return {
    debug: (message, fields) => {
      if (message === 'run stream resume') {
        write(`(resuming after seq ${String(fields?.lastSeq)}: ${String(fields?.reason)})`);
      }
    },
    info: quiet,
    warn: quiet,
    error: quiet,
  };
}

/** Run against `$AGENT_SDK_BASE_URL`, or start a fake agent-sdk that loses events as the real one does. */
export async function main(
  argv: string[] = process.argv.slice(2),
  env: Record<string, string | undefined> = process.env,
  write: Write = toTerminal,
): Promise<RunStreamResult> {
  const task = argv[0] ?? 'Summarise the open incidents';
  const logger = resumeLogger(write);
  if (env.AGENT_SDK_BASE_URL) {
    await using client = new RunClient({ env, logger });
    // `return await`, not `return`: the client must stay open until the run has been printed.
    return await streamToTerminal(client, task, write);
  }
  // The real server sends seq 0 and then nothing on most fast runs; the fake does it every time.
  await using fake = await startFakeAgentSdk({ seqZeroThenSilence: true });
  write(`no AGENT_SDK_BASE_URL: using a local fake agent-sdk at ${fake.url}`);
  await using client = new RunClient({ baseUrl: fake.url, apiKey: fake.apiKey, env: {}, logger });
  return await streamToTerminal(client, task, write);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
