import {
  AbortError,
  ConfigurationError,
  ConnectionError,
  isUplinkError,
  NotFoundError,
  TimeoutError,
} from '@uplink/core-schemas';
import { ExecutionError, WaitTimeoutError } from '../errors.js';
import { FlowClient } from '../flow-client.js';
import { FLOW_CLIENT_VERSION } from '../version.js';
import { type CliContext, ExecutionEndedError, WaitInterruptedError } from './cli-context.js';
import { runCommand } from './commands.js';
import { EXIT_CODES, HELP } from './help.js';
import { type CommandLine, parseCommandLine, UsageError } from './parse-command-line.js';

/** Exit code for an error thrown by a command. */
export function exitCodeFor(error: unknown, signal?: AbortSignal): number {
  if (error instanceof UsageError || error instanceof ConfigurationError) return EXIT_CODES.usage;
  if (error instanceof ExecutionError || error instanceof ExecutionEndedError) {
    return EXIT_CODES.executionFailed;
  }
  if (error instanceof NotFoundError) return EXIT_CODES.notFound;
  if (error instanceof WaitTimeoutError) return EXIT_CODES.timeout;
  if (error instanceof WaitInterruptedError) return EXIT_CODES.interrupted;
  if (error instanceof AbortError && signal?.aborted) return EXIT_CODES.interrupted;
  if (error instanceof ConnectionError || error instanceof TimeoutError)
    return EXIT_CODES.connection;
  return EXIT_CODES.error;
}

function errorJson(error: unknown): Record<string, unknown> {
  if (isUplinkError(error)) return error.toJSON();
  const err = error as Error;
  return {
    name: err?.name ?? 'Error',
    message: err?.message ?? String(error),
    ...(error instanceof WaitInterruptedError ? { executionId: error.executionId } : {}),
  };
}

/** Run the CLI and resolve with its exit code. Never throws and never prints a stack trace. */
export async function runCli(argv: readonly string[], context: CliContext): Promise<number> {
  let json = argv.includes('--json');
  let client: FlowClient | undefined;
  try {
    const line: CommandLine = parseCommandLine(argv);
    json = line.flags.json;
    if (line.flags.version) {
      context.stdout.write(`ai-spine ${FLOW_CLIENT_VERSION}\n`);
      return EXIT_CODES.ok;
    }
    if (line.flags.help || line.args.length === 0 || line.args[0] === 'help') {
      (line.flags.help || line.args[0] === 'help' ? context.stdout : context.stderr).write(HELP);
      return line.args.length === 0 && !line.flags.help ? EXIT_CODES.usage : EXIT_CODES.ok;
    }
    // The client reads AI_SPINE_BASE_URL and AI_SPINE_API_KEY from the CLI's environment
    // itself (the convention every Uplink client follows); --base-url wins over the variable.
    client = new FlowClient({
      baseUrl: line.flags['base-url'],
      env: context.env,
      apiPrefix: line.flags['api-prefix'],
      fetch: context.fetch,
    });
    return (await runCommand(client, line, context)) ?? EXIT_CODES.ok;
  } catch (error) {
    const code = exitCodeFor(error, context.signal);
    const message =
      code === EXIT_CODES.interrupted && !(error instanceof WaitInterruptedError)
        ? 'interrupted'
        : ((error as Error)?.message ?? String(error));
    context.stderr.write(`ai-spine: ${message}\n`);
    if (code === EXIT_CODES.usage && error instanceof UsageError) {
      context.stderr.write('Run "ai-spine --help" for usage.\n');
    }
    if (json) {
      const execution = error instanceof ExecutionEndedError ? error.execution : undefined;
      context.stdout.write(
        `${JSON.stringify({ error: errorJson(error), ...(execution ? { execution } : {}) })}\n`,
      );
    }
    return code;
  } finally {
    await client?.close();
  }
}
