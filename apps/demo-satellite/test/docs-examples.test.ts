// Runs every example in docs/examples against the fake servers of @uplink/testing, so the docs
// never show code that does not work.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { silentLogger } from '@uplink/http';
import { type FakeLumlPlatform, startFakeLlamaOrch, startFakeLumlPlatform } from '@uplink/testing';
import { build, type Plugin } from 'esbuild';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { main as flowBatch, startLoanReviewSpine } from '../../../docs/examples/flow-batch.js';
import { main as minimalWorker } from '../../../docs/examples/minimal-worker.js';

const root = resolve(import.meta.dirname, '../../..');

/** A fake platform with one satellite and a queued deploy task; closed after the test. */
async function platformWithDeployTask() {
  const platform = await startFakeLumlPlatform();
  onTestFinished(() => platform.close());
  const { satellite, token } = platform.createSatellite({ name: 'docs-example' });
  const artifact = platform.uploadArtifact({ bytes: 'model bytes', fileName: 'model.luml' });
  const { deployment, task } = platform.createDeployment({
    satelliteId: satellite.id,
    artifactId: artifact.id,
    name: 'docs-example',
  });
  return { platform, satellite, token, deployment, task };
}

const taskStatus = (platform: FakeLumlPlatform, id: string) =>
  platform.tasks.find((t) => t.id === id)?.status;

describe('docs/examples/minimal-worker.ts', () => {
  it('main() pairs, runs the queued deploy task to done and activates the deployment', async () => {
    const { platform, satellite, token, deployment, task } = await platformWithDeployTask();
    const worker = await minimalWorker({
      env: {},
      handleSignals: false,
      logger: silentLogger,
      settings: {
        token,
        platformUrl: platform.url,
        publicUrl: 'http://127.0.0.1:9',
        pollIntervalMs: 10,
        healthPort: 0,
        healthHost: '127.0.0.1',
      },
    });
    onTestFinished(() => worker.stop({ graceMs: 0 }).then(() => undefined));
    expect(worker.state).toBe('running');
    expect(platform.getSatellite(satellite.id)).toMatchObject({
      paired: true,
      capabilities: { deploy: { version: 1 } },
    });
    await vi.waitFor(() => expect(taskStatus(platform, task.id)).toBe('done'), {
      timeout: 10_000,
      interval: 20,
    });
    const inferenceUrl = `/deployments/${deployment.id}`;
    expect(platform.tasks.find((t) => t.id === task.id)?.result).toEqual({
      inference_url: inferenceUrl,
    });
    expect(platform.deployments.find((d) => d.id === deployment.id)).toMatchObject({
      status: 'active',
      inference_url: inferenceUrl,
    });
    await expect(worker.stop()).resolves.toEqual({ clean: true, abortedTasks: 0, undelivered: 0 });
  });

  it('fails a task whose payload has no deployment id, naming the bad path', async () => {
    const { platform, satellite, token } = await platformWithDeployTask();
    const bad = platform.enqueueTask({ satelliteId: satellite.id, type: 'deploy', payload: {} });
    const worker = await minimalWorker({
      env: {},
      handleSignals: false,
      logger: silentLogger,
      settings: { token, platformUrl: platform.url, pollIntervalMs: 10, healthEnabled: false },
    });
    onTestFinished(() => worker.stop({ graceMs: 0 }).then(() => undefined));
    await vi.waitFor(() => expect(taskStatus(platform, bad.id)).toBe('failed'), {
      timeout: 10_000,
      interval: 20,
    });
    const result = platform.tasks.find((t) => t.id === bad.id)?.result;
    expect(result).toMatchObject({ reason: 'invalid task payload' });
    expect(String(result?.error)).toContain('deployment_id');
  });

  it('is the code shown in docs/getting-started.md, line for line', () => {
    const read = (path: string) => readFileSync(resolve(root, path), 'utf8');
    const guide = read('docs/getting-started.md');
    const section = guide.slice(guide.indexOf('## A satellite in a few lines'));
    const shown = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    // The file's first three lines are its run instructions; the guide shows everything after.
    const code = read('docs/examples/minimal-worker.ts').split('\n').slice(3).join('\n');
    expect(shown).toBe(code);
  });

  it("runs directly: prints a task's life on stderr, never the token, and exits 0 on SIGTERM", async () => {
    const { platform, satellite, token, task } = await platformWithDeployTask();
    const example = runMinimalWorker({
      SATELLITE_TOKEN: token, // the reference satellite's name; LUML_SATELLITE_TOKEN also works
      LUML_BASE_URL: platform.url,
      LUML_POLL_INTERVAL: '0.02',
      LUML_HEALTH_PORT: '0',
      LUML_HEALTH_HOST: '127.0.0.1',
    });
    await vi.waitFor(
      () => {
        if (example.child.exitCode !== null) throw new Error(`exited early: ${example.stderr()}`);
        expect(example.lines()).toContainEqual(expect.stringMatching(/ done in \d+ ms$/));
        expect(taskStatus(platform, task.id)).toBe('done');
      },
      { timeout: 20_000, interval: 50 },
    );
    example.child.kill('SIGTERM');
    expect(await example.exited).toBe(0);
    const host = new URL(platform.url).host;
    expect(example.lines()).toEqual([
      `INFO  paired as ${satellite.id} (docs-example) with ${host}`,
      expect.stringMatching(/^INFO {2}health server listening on http:\/\/127\.0\.0\.1:\d+$/),
      `INFO  polling ${platform.url}/satellites/v1/tasks every 0.02 s`,
      `INFO  task ${task.id} (deploy) started`,
      expect.stringMatching(new RegExp(`^INFO  task ${task.id} \\(deploy\\) done in \\d+ ms$`)),
      'INFO  stopping (SIGTERM); no task in flight',
      'INFO  stopped',
    ]);
    expect(example.stderr()).not.toContain(token);
  });

  it('runs directly: a missing token is one line and exit 78', async () => {
    const example = runMinimalWorker({});
    expect(await example.exited).toBe(78);
    expect(example.stderr()).toBe(
      'error: LUML_SATELLITE_TOKEN: is required: the satellite key (dfssat_…) shown once when the satellite was created (SATELLITE_TOKEN also works; or pass settings.token)\n',
    );
  });

  it('runs directly: a wrong token is one line with a hint and exit 77', async () => {
    const { platform } = await platformWithDeployTask();
    const example = runMinimalWorker({
      LUML_SATELLITE_TOKEN: 'dfssat_rotated_00000000000000000000000000000',
      LUML_BASE_URL: platform.url,
      LUML_HEALTH_ENABLED: 'false',
    });
    expect(await example.exited).toBe(77);
    expect(example.stderr()).toBe(
      'error: the platform refused the satellite token (HTTP 401). Check LUML_SATELLITE_TOKEN; was the key rotated or revoked?\n',
    );
  });

  it('runs directly: an unreachable platform is named on each retry; Ctrl-C stops it (exit 0)', async () => {
    const server = createServer();
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
    const { port } = server.address() as { port: number };
    await new Promise<void>((res) => server.close(() => res()));
    const example = runMinimalWorker({
      LUML_SATELLITE_TOKEN: 'dfssat_unused',
      LUML_BASE_URL: `http://127.0.0.1:${port}`,
      LUML_HEALTH_ENABLED: 'false',
    });
    await vi.waitFor(() => expect(example.lines().length).toBeGreaterThan(0), {
      timeout: 20_000,
      interval: 50,
    });
    example.child.kill('SIGINT');
    expect(await example.exited).toBe(0);
    const lines = example.lines();
    expect(lines[0]).toMatch(
      new RegExp(
        `^WARN  platform unreachable \\(127\\.0\\.0\\.1:${port}: ECONNREFUSED\\), retrying in [\\d.]+ s$`,
      ),
    );
    expect(lines.slice(-2)).toEqual([
      'INFO  stopping (SIGINT); no task in flight',
      'INFO  stopped',
    ]);
  });
});

/** `docs/examples/minimal-worker.ts` as a program, with these environment variables only. */
function runMinimalWorker(env: Record<string, string>) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'docs/examples/minimal-worker.ts'],
    {
      cwd: root,
      env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: 'docs/examples/tsconfig.json', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = once(child, 'close').then(([code]) => code as number);
  onTestFinished(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  /** Complete stderr lines, without their timestamps. */
  const lines = () =>
    stderr
      .split('\n')
      .slice(0, -1)
      .map((line) => line.replace(/^\d{4}-\d\d-\d\dT[\d:.]+Z /, ''));
  return { child, exited, lines, stderr: () => stderr };
}

describe('packages/core-schemas/README.md', () => {
  it('names every runtime export of every entry point', async () => {
    const readme = readFileSync(resolve(root, 'packages/core-schemas/README.md'), 'utf8');
    const entries = await Promise.all([
      import('@uplink/core-schemas'),
      import('@uplink/core-schemas/luml'),
      import('@uplink/core-schemas/llama-orch'),
      import('@uplink/core-schemas/ai-spine'),
    ]);
    const names = entries.flatMap((entry) => Object.keys(entry));
    expect(names.length).toBeGreaterThan(100);
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(readme))).toEqual([]);
  });
});

describe('docs/examples/flow-batch.ts', () => {
  it('runs 8 loan reviews through a pool of 3 on the fake AI Spine, results in input order', async () => {
    await using demo = await startLoanReviewSpine();
    const lines: string[] = [];
    const results = await flowBatch(demo.url, (line) => lines.push(line));
    expect(results.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(results.map((r) => r.ok)).toEqual([true, true, false, true, true, true, true, true]);
    expect(lines).toContain('progress: 8/8 (1 failed)');
    expect(lines).toContain('#1 50000: approved');
    expect(lines).toContain('#4 180000: declined');
    // The fake really ran each flow: 8 executions, the failing one ends `failed`.
    const statuses = [...demo.spine.executions.values()].map((e) => e.status).sort();
    expect(statuses).toEqual([...Array(7).fill('completed'), 'failed']);
  });

  it('runs directly, starting its own local AI Spine when AI_SPINE_BASE_URL is unset', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'docs/examples/flow-batch.ts'],
      {
        cwd: root,
        env: { PATH: process.env.PATH, TSX_TSCONFIG_PATH: 'docs/examples/tsconfig.json' },
      },
    );
    expect(stdout).toContain('progress: 8/8 (1 failed)');
    expect(stdout).toContain('#0 20000: approved');
  });

  it("reads AI_SPINE_BASE_URL when it is set, through FlowClient's own default", async () => {
    await using demo = await startLoanReviewSpine();
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'docs/examples/flow-batch.ts'],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          TSX_TSCONFIG_PATH: 'docs/examples/tsconfig.json',
          AI_SPINE_BASE_URL: demo.url,
        },
      },
    );
    expect(stdout).toContain('progress: 8/8 (1 failed)');
    expect(demo.spine.executions.size).toBe(8);
  });
});

describe('docs/examples', () => {
  it('are complete programs: they import the packages by name, never from the repository', () => {
    const dir = resolve(root, 'docs/examples');
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const source = readFileSync(resolve(dir, file), 'utf8');
      const specifiers = [...source.matchAll(/\bfrom\s+'([^']+)'/g)].map((m) => m[1] ?? '');
      expect(specifiers.length, file).toBeGreaterThan(0);
      const local = specifiers.filter((s) => !s.startsWith('@uplink/') && !s.startsWith('node:'));
      expect(local, `${file} imports outside the packages`).toEqual([]);
      expect(source, file).not.toMatch(/^export \* from|^export \{[^}]*\} from/m);
    }
  });
});

/** Resolve `@uplink/*` to package sources (as the vitest alias does); refuse Node built-ins. */
const uplinkSources: Plugin = {
  name: 'uplink-sources',
  setup(b) {
    const sources: Record<string, string> = {
      '@uplink/orch-client': 'packages/orch-client/src/index.ts',
      '@uplink/http': 'packages/http/src/index.ts',
      '@uplink/core-schemas': 'packages/core-schemas/src/index.ts',
      '@uplink/core-schemas/llama-orch': 'packages/core-schemas/src/llama-orch/index.ts',
    };
    b.onResolve({ filter: /^@uplink\// }, (args) => {
      const target = sources[args.path];
      return target
        ? { path: resolve(root, target) }
        : { errors: [{ text: `no source for ${args.path}` }] };
    });
    b.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} imported by ${args.importer}: not runtime-neutral` }],
    }));
  },
};

/** Just enough of a DOM for the example page: the three elements it uses and `body.dataset`. */
function fakePage() {
  type El = { textContent: string; className: string; children: El[]; onclick?: () => void };
  const element = (): El & { append(child: El): void } => {
    const el = { textContent: '', className: '', children: [] as El[] };
    return Object.assign(el, { append: (child: El) => void el.children.push(child) });
  };
  const nodes = { '#output': element(), '#status': element(), '#stop': element() };
  let settle!: (status: string) => void;
  const finished = new Promise<string>((res) => {
    settle = res;
  });
  const dataset = new Proxy({} as Record<string, string>, {
    set(target, key, value) {
      target[key as string] = value;
      if (key === 'status') settle(String(value));
      return true;
    },
  });
  const document = {
    querySelector: (selector: keyof typeof nodes) => nodes[selector],
    createElement: () => element(),
    body: { dataset },
  };
  return { document, nodes, finished };
}

describe('docs/examples/browser-completion', () => {
  it('builds for the browser without Node built-ins and streams tokens into the page', async () => {
    const built = await build({
      entryPoints: [resolve(root, 'docs/examples/browser-completion/main.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'es2022',
      write: false,
      logLevel: 'silent',
      plugins: [uplinkSources],
    });
    const code = built.outputFiles[0]?.text ?? '';
    expect(code.length).toBeGreaterThan(0);

    // Run the page's script in this process with a fake DOM: fetch, streams and
    // AbortController are the platform's own, so the bundle talks real HTTP to the fake.
    await using orch = await startFakeLlamaOrch({ streamMode: 'generator' });
    const page = fakePage();
    const location = { search: `?orch=${encodeURIComponent(orch.url)}&key=valid&tokens=4` };
    new Function('document', 'location', code)(page.document, location);
    await expect(page.finished).resolves.toBe('done');
    const tokens = page.nodes['#output'].children.map((c) => c.textContent);
    expect(tokens).toHaveLength(4);
    expect(page.nodes['#status'].textContent).toMatch(/^done: 4 tokens, decode \d+ ms$/);
  });
});
