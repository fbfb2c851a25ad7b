// `pnpm demo`: one story through every Uplink package. With no configuration it starts the embedded
// dev servers from @uplink/testing (fake LUML platform, fake llama-orch with token pacing, fake AI
// Spine); with LUML_BASE_URL (or PLATFORM_URL) + SATELLITE_TOKEN (and LLAMA_ORCH_BASE_URL,
// AI_SPINE_BASE_URL) it uses those.
// Usage: node dist/demo.js [--report <file.json>] [--tokens-per-second N]
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlowClient } from '@uplink/flow-client';
import { firstEnv, sleep } from '@uplink/http';
import { BASE_URL_ENV_VARS, TOKEN_ENV_VARS } from '@uplink/platform-client';
import { startFakeAiSpine, startFakeLlamaOrch, startFakeLumlPlatform } from '@uplink/testing';
import { installSignalHandlers } from '@uplink/worker-runtime';
import { runStory, type StoryEnvironment } from './demo-story.js';
import { demoModelCard } from './model-server/model-card.js';
import { startSatellite } from './satellite.js';
import { createProgressBar, renderSummary, timed } from './terminal.js';

const { values: args } = parseArgs({
  options: {
    report: { type: 'string' },
    'tokens-per-second': { type: 'string', default: '40' },
  },
});
const out = process.stdout;
const env = process.env;
const connected = Boolean(firstEnv(env, BASE_URL_ENV_VARS) && firstEnv(env, TOKEN_ENV_VARS));

async function embedded(): Promise<number> {
  const dataDir = await mkdtemp(join(tmpdir(), 'uplink-demo-'));
  const orchKey = `orch-key-${crypto.randomUUID()}`;
  const started = await timed(async () => ({
    platform: await startFakeLumlPlatform(),
    // `words`: readable placeholder text, so the streamed completion reads as words.
    orch: await startFakeLlamaOrch({
      apiKey: orchKey,
      tokensPerSecond: Number(args['tokens-per-second']),
      streamMode: 'words',
    }),
    spine: await startFakeAiSpine({ bundledFlows: false, agentTimeoutMs: 30_000 }),
  }));
  const { platform, orch, spine } = started.value;
  out.write('Uplink demo: embedded dev servers on loopback\n');
  out.write(
    `  LUML platform  ${platform.url}\n  llama-orch     ${orch.url} (fake text, no model)\n  AI Spine       ${spine.url}\n`,
  );

  // User-side setup, as a LUML user would do in the UI: a satellite, a secret, an artifact.
  const { satellite, token } = platform.createSatellite({ name: 'uplink-demo' });
  const orchSecret = platform.createSecret({ name: 'LLAMA_ORCH_API_KEY', value: orchKey });
  const card = demoModelCard();
  const artifact = platform.uploadArtifact({
    bytes: JSON.stringify(card, null, 2),
    fileName: 'haiku-writer.json',
    manifest: null,
  });

  const bar = createProgressBar(out, '  artifact');
  const satelliteStart = await timed(() =>
    startSatellite({
      env: {},
      settings: {
        token,
        platformUrl: platform.url,
        pollIntervalMs: 100,
        healthPort: 0,
        healthHost: '127.0.0.1',
      },
      llamaOrchUrl: orch.url,
      dataDir,
      // A fresh secret per run: the agent registered with AI Spine carries a key derived from it.
      agentSecret: randomBytes(32).toString('base64url'),
      onDownloadProgress: (p) => {
        bar.update(p.bytes, p.totalBytes);
        if (p.done) bar.done();
      },
    }),
  );
  const running = satelliteStart.value;
  out.write(`\n> Satellite paired (${satellite.id}); public API at ${running.publicApi.url}\n`);

  const storyEnv: StoryEnvironment = {
    satellite: running,
    platform: running.platform,
    out,
    fakeCompletions: true,
    activeTimeoutMs: 60_000,
    userApiKey: platform.userApiKey,
    spine: new FlowClient({ baseUrl: spine.url }),
    createDeployment: async () =>
      platform.createDeployment({
        satelliteId: satellite.id,
        artifactId: artifact.id,
        name: 'haiku-writer',
        tags: ['demo', 'llm'],
        satelliteParameters: { health_check_timeout: 30 },
        envVariablesSecrets: { LLAMA_ORCH_API_KEY: orchSecret.id },
      }).deployment.id,
    requestDeletion: async (id) => {
      platform.requestDeploymentDeletion(id);
    },
    waitForDeletion: async (id) => {
      for (let i = 0; i < 600 && platform.deployments.some((d) => d.id === id); i++) {
        await sleep(50);
      }
      if (platform.deployments.some((d) => d.id === id))
        throw new Error('deployment was not deleted in 30 s');
    },
    prepareFlow: async (agentId) =>
      spine.addFlow({
        flow_id: 'satellite-haiku',
        name: 'Satellite haiku',
        description: 'One node answered by the LUML deployment through the Uplink satellite',
        version: '1.0.0',
        nodes: [
          {
            id: 'writer',
            agent_id: agentId,
            type: 'processor',
            depends_on: [],
            config: { max_tokens: 12 },
          },
        ],
        entry_point: 'writer',
        exit_points: ['writer'],
        metadata: {},
      }).flow_id,
  };

  try {
    const story = await runStory(storyEnv);
    const stopped = await timed(() => running.stop());
    const rows = [
      { step: 'start embedded servers', result: 'LUML, llama-orch, AI Spine', ms: started.ms },
      { step: 'start + pair satellite', result: satellite.id.slice(0, 8), ms: satelliteStart.ms },
      ...story.rows,
      { step: 'drain satellite', result: 'stopped cleanly', ms: stopped.ms },
    ];
    const tasks = platform.tasks.map((t) => ({
      id: t.id,
      type: t.type,
      status: t.status,
      result: t.result,
    }));
    out.write(
      `\nTasks: ${tasks.map((t) => `${t.type}=${t.status}`).join(', ')}\n\n${renderSummary(rows)}\n`,
    );
    if (args.report) {
      const execution = spine.executions.get(story.executionId);
      await writeFile(
        args.report,
        JSON.stringify(
          {
            ok: true,
            deploymentId: story.deploymentId,
            completionText: story.completionText,
            flowOutput: story.flowOutput,
            tasks,
            deployments: platform.deployments,
            execution: execution ? { id: story.executionId, status: execution.status } : null,
            summary: rows,
          },
          null,
          2,
        ),
      );
    }
    return 0;
  } finally {
    await running.stop();
    await Promise.allSettled([platform.close(), orch.close(), spine.close()]);
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function connectedMode(): Promise<number> {
  out.write('Uplink demo: connecting to the configured services\n');
  const dataDir = await mkdtemp(join(tmpdir(), 'uplink-demo-'));
  const running = await startSatellite({
    env,
    llamaOrchUrl:
      firstEnv(env, ['LLAMA_ORCH_BASE_URL', 'LLAMA_ORCH_URL'])?.value ?? 'http://127.0.0.1:8080',
    dataDir,
    agentSecret: env.SATELLITE_AGENT_SECRET || undefined,
  });
  // A signal stops the whole satellite (model processes included), then exits.
  const uninstallSignals = installSignalHandlers(running, { exit: (code) => process.exit(code) });
  out.write(`> Satellite paired; public API at ${running.publicApi.url}\n`);
  // AI_SPINE_BASE_URL and AI_SPINE_API_KEY, read by the client itself.
  const spine = new FlowClient({ env });
  const flowId = env.AI_SPINE_FLOW_ID;
  try {
    // A satellite token cannot create deployments: wait for one created in the LUML UI.
    const story = await runStory({
      satellite: running,
      platform: running.platform,
      out,
      activeTimeoutMs: Number(env.DEMO_ACTIVE_TIMEOUT_SEC ?? 600) * 1000,
      userApiKey: env.DEMO_USER_KEY ?? '',
      spine,
      createDeployment: async () => {
        out.write(
          '  create a deployment for this satellite in LUML; waiting for its deploy task...\n',
        );
        for (let i = 0; i < 3600; i++) {
          const deployments = await running.platform.listDeployments();
          const candidate = deployments.find(
            (d) => d.status === 'pending' || d.status === 'active',
          );
          if (candidate) return candidate.id;
          await sleep(1000);
        }
        throw new Error('no deployment was created within an hour');
      },
      prepareFlow: async () => {
        if (!flowId)
          throw new Error('set AI_SPINE_FLOW_ID to a flow whose node uses the registered agent');
        return flowId;
      },
    });
    out.write(`\n${renderSummary(story.rows)}\n`);
    return 0;
  } finally {
    uninstallSignals();
    await running.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

try {
  process.exitCode = await (connected ? connectedMode() : embedded());
} catch (error) {
  process.stderr.write(
    `\ndemo failed: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exitCode = 1;
}
