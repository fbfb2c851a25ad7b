import type { FlowClient } from '../flow-client.js';
import type { TypedExecution } from '../typed-output.js';
import type { AgentConfig } from '../types.js';
import { type CliContext, ExecutionEndedError, WaitInterruptedError } from './cli-context.js';
import { EXIT_CODES } from './help.js';
import { createStatusLine, printTable, printValue } from './output.js';
import {
  type CommandLine,
  integerOption,
  jsonObjectOption,
  UsageError,
} from './parse-command-line.js';

function argument(line: CommandLine, index: number, what: string): string {
  const value = line.args[index];
  if (value === undefined) throw new UsageError(`missing ${what}`);
  if (line.args.length > index + 1) {
    throw new UsageError(`unexpected argument ${JSON.stringify(line.args[index + 1])}`);
  }
  return value;
}

function noArguments(line: CommandLine, words: number): void {
  if (line.args.length > words) {
    throw new UsageError(`unexpected argument ${JSON.stringify(line.args[words])}`);
  }
}

async function waitAndReport(
  client: FlowClient,
  executionId: string,
  line: CommandLine,
  context: CliContext,
): Promise<undefined> {
  const status = createStatusLine(context.stderr, executionId);
  const quiet = line.flags.json;
  let execution: TypedExecution;
  try {
    execution = await client.waitForExecution(executionId, {
      timeoutMs: integerOption('timeout', line.flags.timeout),
      intervalMs: integerOption('interval', line.flags.interval),
      throwOnFailure: false,
      signal: context.signal,
      onProgress: quiet ? undefined : (e, p) => status.update(e, p.elapsedMs),
    });
  } catch (error) {
    if (context.signal?.aborted) throw new WaitInterruptedError(executionId);
    throw error;
  } finally {
    status.clear();
  }
  // With --json a failed or cancelled run is printed once, inside the error object.
  if (execution.status === 'completed' || !line.flags.json) {
    printValue(context.stdout, execution, line.flags.json);
  }
  if (execution.status === 'failed') {
    throw new ExecutionEndedError(
      `execution ${executionId} failed: ${execution.error_message ?? 'no error message'}`,
      execution,
    );
  }
  if (execution.status === 'cancelled') {
    throw new ExecutionEndedError(
      `execution ${executionId} was cancelled (remaining nodes may still run and the server may later overwrite the status)`,
      execution,
    );
  }
  return undefined;
}

function agentConfigFrom(line: CommandLine): AgentConfig {
  const { flags } = line;
  const fromJson = jsonObjectOption('config', flags.config) ?? {};
  const fromFlags: Record<string, unknown> = {
    ...(flags.id === undefined ? {} : { agent_id: flags.id }),
    ...(flags.name === undefined ? {} : { name: flags.name }),
    ...(flags.description === undefined ? {} : { description: flags.description }),
    ...(flags.endpoint === undefined ? {} : { endpoint: flags.endpoint }),
    ...(flags.type === undefined ? {} : { agent_type: flags.type }),
    ...(flags.capabilities === undefined
      ? {}
      : {
          capabilities: flags.capabilities
            .split(',')
            .map((c) => c.trim())
            .filter(Boolean),
        }),
  };
  // The client checks the result and names every missing or invalid field.
  return { ...fromJson, ...fromFlags } as AgentConfig;
}

/** Run one parsed command against the client, printing its result; returns a non-zero exit code when it is not an error. */
export async function runCommand(
  client: FlowClient,
  line: CommandLine,
  context: CliContext,
): Promise<number | undefined> {
  const { stdout } = context;
  const { json } = line.flags;
  const call = { signal: context.signal };
  const [group, action] = line.args;
  const command = ['flows', 'executions', 'agents'].includes(group ?? '')
    ? `${group} ${action ?? ''}`
    : group;

  switch (command) {
    case 'flows list': {
      noArguments(line, 2);
      const flows = await client.listFlows(call);
      if (json) return printValue(stdout, flows, true);
      return printTable(
        stdout,
        flows.map((f) => [f.flow_id, f.name, `v${f.version}`, `${f.nodes.length} nodes`]),
        'No flows.',
      );
    }
    case 'flows get':
      return printValue(stdout, await client.getFlow(argument(line, 2, 'flow id'), call), json);
    case 'run': {
      const flowId = argument(line, 1, 'flow id');
      const input = jsonObjectOption('input', line.flags.input);
      if (!input) throw new UsageError(`missing --input '<json object>' (the flow's input_data)`);
      const started = await client.executeFlow(flowId, input, {
        ...call,
        metadata: jsonObjectOption('metadata', line.flags.metadata),
        priority: integerOption('priority', line.flags.priority),
      });
      if (!line.flags.wait) {
        if (json) return printValue(stdout, started, true);
        stdout.write(`Started execution ${started.execution_id} (${started.status})\n`);
        return undefined;
      }
      return waitAndReport(client, started.execution_id, line, context);
    }
    case 'executions get':
      return printValue(
        stdout,
        await client.getExecution(argument(line, 2, 'execution id'), call),
        json,
      );
    case 'executions wait':
      return waitAndReport(client, argument(line, 2, 'execution id'), line, context);
    case 'executions cancel': {
      const id = argument(line, 2, 'execution id');
      const answer = await client.cancelExecution(id, call);
      if (json) return printValue(stdout, answer, true);
      stdout.write(
        `${answer.message} (${id}). The backend may still finish and overwrite the status.\n`,
      );
      return undefined;
    }
    case 'agents list': {
      noArguments(line, 2);
      const agents = await client.listAgents(call);
      if (json) return printValue(stdout, agents, true);
      return printTable(
        stdout,
        agents.map((a) => [
          a.agent_id,
          a.agent_type,
          a.is_active ? 'active' : 'inactive',
          a.endpoint,
        ]),
        'No agents.',
      );
    }
    case 'agents get':
      return printValue(stdout, await client.getAgent(argument(line, 2, 'agent id'), call), json);
    case 'agents create': {
      noArguments(line, 2);
      return printValue(stdout, await client.createAgent(agentConfigFrom(line), call), json);
    }
    case 'agents delete': {
      const id = argument(line, 2, 'agent id');
      const deleted = await client.deleteAgent(id, call);
      if (json) printValue(stdout, { agent_id: id, deleted }, true);
      else stdout.write(deleted ? `Deleted agent ${id}.\n` : `Agent ${id} does not exist.\n`);
      return deleted ? EXIT_CODES.ok : EXIT_CODES.notFound;
    }
    case 'health':
      noArguments(line, 1);
      return printValue(stdout, await client.healthCheck(call), json);
    case 'metrics':
      noArguments(line, 1);
      return printValue(stdout, await client.getMetrics(call), json);
    case 'status':
      noArguments(line, 1);
      return printValue(stdout, await client.getStatus(call), json);
    default:
      throw new UsageError(
        group && ['flows', 'executions', 'agents'].includes(group)
          ? `unknown command "${line.args.slice(0, 2).join(' ')}"; expected one of: ${
              {
                flows: 'list, get',
                executions: 'get, wait, cancel',
                agents: 'list, get, create, delete',
              }[group as 'flows']
            }`
          : `unknown command ${JSON.stringify(group)}`,
      );
  }
}
