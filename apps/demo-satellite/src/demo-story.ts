// The demo story, step by step, against whichever services `demo.ts` connected: pair a satellite,
// deploy an LLM, stream a completion through the deployment, run an AI Spine flow through it, undeploy.
import type { Writable } from 'node:stream';
import type { FlowClient } from '@uplink/flow-client';
import { sleep, streamSSE } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import * as v from 'valibot';
import type { RunningSatellite } from './satellite.js';
import { type SummaryRow, timed } from './terminal.js';

/** What the story needs from its environment (fakes or real services). */
export interface StoryEnvironment {
  satellite: RunningSatellite;
  /** The platform as the satellite sees it (for waiting on deployment state). */
  platform: SatellitePlatform;
  /** Creates the deployment and returns its id (user side; only possible against the fake). */
  createDeployment(): Promise<string>;
  /** Requests deletion (user side); `undefined` when the environment cannot. */
  requestDeletion?: ((deploymentId: string) => Promise<void>) | undefined;
  /** Resolves once the deployment is gone from the platform. */
  waitForDeletion?: ((deploymentId: string) => Promise<void>) | undefined;
  /** A LUML user key allowed to call the deployment. */
  userApiKey: string;
  /** AI Spine. */
  spine: FlowClient;
  /** Registers the flow that uses the agent; returns its id. */
  prepareFlow(agentId: string): Promise<string>;
  /** Where tokens and progress go. */
  out: Writable;
  /** How long to wait for the deployment to become active. */
  activeTimeoutMs: number;
  /** The completion comes from a fake llama-orch: label it as fake text. @default false */
  fakeCompletions?: boolean | undefined;
}

const TokenEvent = v.object({ t: v.string(), i: v.number() });
const EndEvent = v.looseObject({ text: v.string(), tokens_out: v.number() });
const ErrorEvent = v.looseObject({ code: v.string(), message: v.string() });

/** Poll the platform until the deployment is `active` (or failed, which ends the story). */
async function waitForActive(env: StoryEnvironment, deploymentId: string): Promise<void> {
  const deadline = Date.now() + env.activeTimeoutMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    const deployment = await env.platform.getDeployment(deploymentId);
    if (deployment.status === 'active') return;
    if (deployment.status === 'failed') {
      throw new Error(`deployment failed: ${JSON.stringify(deployment.error_message)}`);
    }
    await sleep(Math.min(50 * 2 ** attempt, 500));
  }
  throw new Error(`deployment ${deploymentId} was not active within ${env.activeTimeoutMs} ms`);
}

/** Stream a completion through the satellite's public API, printing tokens as they arrive. */
async function streamThroughDeployment(
  env: StoryEnvironment,
  deploymentId: string,
  prompt: string,
) {
  const url = `${env.satellite.publicApi.url}/deployments/${deploymentId}/compute`;
  const stream = streamSSE(
    ({ signal }) =>
      fetch(url, {
        method: 'POST',
        signal,
        headers: {
          authorization: `Bearer ${env.userApiKey}`,
          'content-type': 'application/json',
          accept: 'text/event-stream',
        },
        body: JSON.stringify({ prompt }),
      }),
    {
      events: { token: TokenEvent, end: EndEvent, error: ErrorEvent },
      terminal: ['end', 'error'],
      idleTimeoutMs: 30_000,
      secrets: () => [env.userApiKey],
    },
  );
  let tokens = 0;
  const firstTokenAt = { ms: 0 };
  const started = performance.now();
  for await (const message of stream) {
    if (message.event === 'token') {
      if (tokens === 0) firstTokenAt.ms = performance.now() - started;
      tokens++;
      // Tokens are printed as they arrive; each carries its own leading space.
      env.out.write(message.data.t);
    } else if (message.event === 'error') {
      throw new Error(`completion failed: ${message.data.code}: ${message.data.message}`);
    } else if (message.event === 'end') {
      env.out.write('\n');
      return {
        tokens,
        text: (message.data as v.InferOutput<typeof EndEvent>).text,
        firstTokenMs: firstTokenAt.ms,
      };
    }
  }
  throw new Error('the completion stream ended without an end event');
}

/** The result of the story. */
export interface StoryResult {
  rows: SummaryRow[];
  deploymentId: string;
  completionText: string;
  flowOutput: unknown;
  executionId: string;
}

/** Run the story; each step is timed for the summary. */
export async function runStory(env: StoryEnvironment): Promise<StoryResult> {
  const rows: SummaryRow[] = [];
  const say = (text: string) => env.out.write(`\n> ${text}\n`);

  say('Creating a deployment (the platform queues a deploy task)');
  const created = await timed(() => env.createDeployment());
  const deploymentId = created.value;
  rows.push({ step: 'create deployment', result: deploymentId, ms: created.ms });

  say('Waiting for the satellite to deploy it (download, start model process, health check)');
  const active = await timed(() => waitForActive(env, deploymentId));
  const deployment = await env.platform.getDeployment(deploymentId);
  rows.push({
    step: 'deploy task -> active',
    result: `inference_url ${deployment.inference_url}`,
    ms: active.ms,
  });

  const prompt = 'Write a haiku about GPUs';
  say(
    `Streaming a completion through ${env.satellite.publicApi.url}${deployment.inference_url}/compute`,
  );
  env.out.write(`prompt: ${prompt}\n`);
  if (env.fakeCompletions) env.out.write('completion (fake text from the embedded llama-orch): ');
  const completion = await timed(() => streamThroughDeployment(env, deploymentId, prompt));
  rows.push({
    step: 'stream completion',
    result: `${completion.value.tokens} tokens, first after ${completion.value.firstTokenMs.toFixed(0)} ms`,
    ms: completion.ms,
  });

  say('Registering the deployment as an AI Spine agent and running a flow through it');
  const agentId = `llm-${deploymentId.slice(0, 8)}`;
  // AI Spine sends no credentials: the endpoint carries the deployment's agent key.
  const endpoint = env.satellite.publicApi.agentEndpoint(
    deploymentId,
    env.satellite.settings.publicUrl,
  );
  if (!endpoint) {
    throw new Error(
      'set SATELLITE_AGENT_SECRET (32+ characters): AI Spine reaches a deployment only through its agent key',
    );
  }
  const registered = await timed(() =>
    env.spine.createAgent({
      agent_id: agentId,
      name: 'Uplink demo LLM',
      description: 'A LUML deployment served by the Uplink demo satellite',
      endpoint,
      capabilities: ['conversation'],
      agent_type: 'processor',
      is_active: true,
    }),
  );
  rows.push({ step: 'register agent', result: registered.value.agent_id, ms: registered.ms });
  const flowId = await env.prepareFlow(agentId);
  const flow = await timed(() =>
    env.spine.executeAndWait(
      flowId,
      { prompt: 'Summarise what a satellite does in one line' },
      {
        intervalMs: 100,
        timeoutMs: 60_000,
      },
    ),
  );
  env.out.write(`flow output: ${JSON.stringify(flow.value.output_data)}\n`);
  rows.push({
    step: `run flow ${flowId}`,
    result: `${flow.value.status} (${flow.value.execution_id.slice(0, 8)})`,
    ms: flow.ms,
  });
  await env.spine.deleteAgent(agentId);

  if (env.requestDeletion && env.waitForDeletion) {
    say('Deleting the deployment (the platform queues an undeploy task)');
    const requestDeletion = env.requestDeletion;
    const waitForDeletion = env.waitForDeletion;
    const deleted = await timed(async () => {
      await requestDeletion(deploymentId);
      await waitForDeletion(deploymentId);
    });
    rows.push({
      step: 'undeploy task -> deleted',
      result: 'model process stopped',
      ms: deleted.ms,
    });
  }

  return {
    rows,
    deploymentId,
    completionText: completion.value.text,
    flowOutput: flow.value.output_data,
    executionId: flow.value.execution_id,
  };
}
