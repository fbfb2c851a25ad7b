import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { runCli } from '../src/cli/run-cli.js';
import { DEFAULT_BASE_URL } from '../src/client-options.js';
import { heldAgent, startSpine } from './helpers.js';

function capture(isTTY = false) {
  let text = '';
  return {
    stream: {
      isTTY,
      write(chunk: string) {
        text += chunk;
        return true;
      },
    },
    get text() {
      return text;
    },
  };
}

async function cli(argv: string[], env: Record<string, string | undefined> = {}, tty = false) {
  const stdout = capture();
  const stderr = capture(tty);
  const code = await runCli(argv, { env, stdout: stdout.stream, stderr: stderr.stream });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

const noStack = (text: string) => expect(text).not.toMatch(/\n\s+at /);

describe('ai-spine CLI (in process, against FakeAiSpine)', () => {
  it('prints help with exit codes, and usage errors with exit 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit codes:');
    expect(help.stdout).toContain('AI_SPINE_API_KEY');
    // The default host is a public server run by someone else: --help says so, and names it.
    expect(help.stdout).toContain(`unset, the CLI talks to ${DEFAULT_BASE_URL}`);
    expect(help.stdout).toMatch(/default: \$AI_SPINE_BASE_URL, else the public\s+production host/);
    expect((await cli(['--version'])).stdout).toMatch(/^ai-spine \d+\.\d+\.\d+\n$/);
    const none = await cli([]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('Usage:');
    for (const argv of [
      ['frobnicate'],
      ['flows', 'delete'],
      ['flows', 'list', '--bogus'],
      ['flows', 'list', 'extra'],
    ]) {
      const result = await cli(argv, { AI_SPINE_BASE_URL: 'http://127.0.0.1:9' });
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^ai-spine: /);
      noStack(result.stderr);
    }
    expect((await cli(['flows', 'delete'])).stderr).toContain('expected one of: list, get');
  });

  it('lists and gets flows, human and --json; a missing flow exits 4', async () => {
    const spine = await startSpine({ echo: (req) => req.input });
    const env = { AI_SPINE_BASE_URL: spine.url };
    const human = await cli(['flows', 'list'], env);
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/credit_analysis\s+Análisis de Crédito\s+v1\.0\.0\s+3 nodes/);
    const json = await cli(['flows', 'list', '--json'], env);
    expect(JSON.parse(json.stdout).map((f: { flow_id: string }) => f.flow_id)).toContain(
      'echo_flow',
    );
    const one = await cli(['flows', 'get', 'echo_flow'], env);
    expect(JSON.parse(one.stdout).entry_point).toBe('step');
    const missing = await cli(['flows', 'get', 'nope', '--json'], env);
    expect(missing.code).toBe(4);
    expect(JSON.parse(missing.stdout).error.name).toBe('FlowNotFoundError');
  });

  it('runs a flow, with and without --wait, reading --input from JSON or a file', async () => {
    const spine = await startSpine({ echo: (req) => ({ doubled: (req.input.n as number) * 2 }) });
    const env = { AI_SPINE_BASE_URL: spine.url };
    const started = await cli(['run', 'echo_flow', '--input', '{"n": 1}'], env);
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^Started execution [0-9a-f-]{36} \(pending\)\n$/);

    const dir = mkdtempSync(join(tmpdir(), 'ai-spine-cli-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'input.json'), '{"n": 21}');
    const waited = await cli(
      [
        'run',
        'echo_flow',
        '--input',
        `@${join(dir, 'input.json')}`,
        '--wait',
        '--interval',
        '5',
        '--json',
      ],
      env,
    );
    expect(waited.code).toBe(0);
    expect(JSON.parse(waited.stdout)).toMatchObject({
      status: 'completed',
      output_data: { step: { doubled: 42 } },
    });

    const got = await cli(['executions', 'get', JSON.parse(waited.stdout).execution_id], env);
    expect(JSON.parse(got.stdout).status).toBe('completed');
  });

  it('rejects bad input with a clear message and exit 2', async () => {
    const spine = await startSpine();
    const env = { AI_SPINE_BASE_URL: spine.url };
    const cases: [string[], RegExp][] = [
      [
        ['run', 'credit_analysis', '--input', '{oops'],
        /--input: expected a JSON object, but the text is not valid JSON/,
      ],
      [
        ['run', 'credit_analysis', '--input', '[1]'],
        /--input: expected a JSON object .* received an array/,
      ],
      [['run', 'credit_analysis'], /missing --input/],
      [
        ['run', 'credit_analysis', '--input', '@/no/such/file.json'],
        /--input: cannot read \/no\/such\/file.json \(ENOENT\)/,
      ],
      [
        ['run', 'credit_analysis', '--input', '{}', '--priority', 'high'],
        /--priority: expected a whole number/,
      ],
      [['executions', 'get', 'exec-123'], /executionId: expected a UUID/],
      [['executions', 'get'], /missing execution id/],
      [['agents', 'create', '--config', '{"agent_id":"a"}'], /Invalid arguments/],
    ];
    for (const [argv, message] of cases) {
      const result = await cli(argv, env);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      noStack(result.stderr);
    }
    expect(spine.requests).toHaveLength(0);
  });

  it('exits 3 when the run fails, 4 for an unknown flow, 5 when waiting times out', async () => {
    const stuck = heldAgent();
    const spine = await startSpine({
      broken: () => {
        throw new Error('model offline');
      },
      stuck: stuck.handler,
    });
    const env = { AI_SPINE_BASE_URL: spine.url };
    const failed = await cli(
      ['run', 'broken_flow', '--input', '{}', '--wait', '--interval', '5'],
      env,
    );
    expect(failed.code).toBe(3);
    expect(JSON.parse(failed.stdout).status).toBe('failed');
    expect(failed.stderr).toMatch(/ai-spine: execution [0-9a-f-]{36} failed: /);
    const failedJson = await cli(
      ['run', 'broken_flow', '--input', '{}', '--wait', '--interval', '5', '--json'],
      env,
    );
    expect(failedJson.code).toBe(3);
    expect(JSON.parse(failedJson.stdout).execution.status).toBe('failed');

    const unknown = await cli(['run', 'nope', '--input', '{}'], env);
    expect(unknown.code).toBe(4);
    expect(unknown.stderr).toContain(`Flow 'nope' not found`);

    const run = await cli(['run', 'stuck_flow', '--input', '{}', '--json'], env);
    const id = JSON.parse(run.stdout).execution_id;
    // Running (its agent called) before the wait starts, so the progress line says `running`.
    await stuck.entered;
    const timedOut = await cli(
      ['executions', 'wait', id, '--timeout', '50', '--interval', '10'],
      env,
      true,
    );
    expect(timedOut.code).toBe(5);
    expect(timedOut.stderr).toContain('\r\x1b[2K');
    expect(timedOut.stderr).toContain(`${id} running`);
    expect(timedOut.stderr).toContain('did not finish within 50 ms');

    const cancel = await cli(['executions', 'cancel', id], env);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain('Execution cancelled successfully');
    const cancelled = await cli(['executions', 'wait', id, '--interval', '5'], env);
    expect(cancelled.code).toBe(3);
    expect(cancelled.stderr).toContain('was cancelled');
    stuck.release();
    await spine.whenSettled(id);
    const again = await cli(['executions', 'cancel', id], env);
    expect(again.code).toBe(4);
    expect(again.stderr).toContain('not running (status: completed)');
  });

  it('manages agents', async () => {
    const spine = await startSpine();
    const env = { AI_SPINE_BASE_URL: spine.url };
    const created = await cli(
      [
        'agents',
        'create',
        '--id',
        'helper',
        '--name',
        'Helper',
        '--description',
        'helps',
        '--endpoint',
        'https://helper.example.com',
        '--capabilities',
        'conversation, decision_making',
      ],
      env,
    );
    expect(created.code).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({
      agent_type: 'processor',
      capabilities: ['conversation', 'decision_making'],
    });
    const listed = await cli(['agents', 'list'], env);
    expect(listed.stdout).toMatch(/helper\s+processor\s+active\s+https:\/\/helper\.example\.com/);
    expect((await cli(['agents', 'get', 'helper', '--json'], env)).code).toBe(0);
    const removed = await cli(['agents', 'delete', 'helper'], env);
    expect(removed.stdout).toBe('Deleted agent helper.\n');
    const again = await cli(['agents', 'delete', 'helper', '--json'], env);
    expect(again.code).toBe(4);
    expect(JSON.parse(again.stdout)).toEqual({ agent_id: 'helper', deleted: false });
    expect((await cli(['agents', 'list'], env)).stdout).toBe('No agents.\n');
    const bad = await cli(
      [
        'agents',
        'create',
        '--config',
        '{"agent_id":"x","name":"X","description":"","endpoint":"https://x.example.com","capabilities":["telepathy"]}',
      ],
      env,
    );
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"telepathy"');
  });

  it('reads the key from AI_SPINE_API_KEY, never prints it, and reports system routes', async () => {
    const spine = await startSpine({}, { apiKeyRequired: true });
    const secret = 'sk_this-is-a-secret-key-0123456789';
    const someId = '7b0c1d2e-3f40-4a5b-8c6d-7e8f9a0b1c2d';
    const denied = await cli(['executions', 'get', someId, '--api-prefix', '', '--json'], {
      AI_SPINE_BASE_URL: spine.url,
      AI_SPINE_API_KEY: secret,
    });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('Invalid API key');
    expect(denied.stdout + denied.stderr).not.toContain(secret);
    expect(spine.requests.at(-1)?.headers.authorization).toBe(`Bearer ${secret}`);
    const ok = await cli(['run', 'credit_analysis', '--input', '{}', '--api-prefix', ''], {
      AI_SPINE_BASE_URL: spine.url,
      AI_SPINE_API_KEY: spine.apiKey,
    });
    expect(ok.code).toBe(0);
    for (const command of ['health', 'metrics', 'status']) {
      const result = await cli([command, '--json', '--base-url', spine.url], {});
      expect(result.code, command).toBe(0);
      expect(typeof JSON.parse(result.stdout)).toBe('object');
    }
  });

  it('exits 2 for bad settings from flags or the environment, never echoing the key', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['health', '--base-url', 'nope'], {}, /baseUrl: expected an absolute http\(s\) URL/],
      [['health'], { AI_SPINE_BASE_URL: 'ftp://spine.example.com' }, /AI_SPINE_BASE_URL: expected/],
      [['flows', 'list', '--api-prefix', 'api v1'], {}, /apiPrefix: expected '' or a path/],
      [
        ['health'],
        { AI_SPINE_API_KEY: 'sk_top secret' },
        /AI_SPINE_API_KEY: expected printable ASCII/,
      ],
    ];
    for (const [argv, env, message] of cases) {
      const result = await cli(argv, env);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toContain('top secret');
      noStack(result.stderr);
    }
  });

  it('exits 130 with one line when interrupted while waiting', async () => {
    const held = heldAgent();
    const spine = await startSpine({ held: held.handler });
    const env = { AI_SPINE_BASE_URL: spine.url };
    const run = await cli(['run', 'held_flow', '--input', '{}', '--json'], env);
    const id = JSON.parse(run.stdout).execution_id as string;
    await held.entered;
    const interrupt = new AbortController();
    const stdout = capture();
    const stderr = capture();
    const waiting = runCli(['executions', 'wait', id, '--interval', '5'], {
      env,
      stdout: stdout.stream,
      stderr: {
        write(text: string) {
          // Ctrl-C once the first status line is out: the wait is under way.
          if (text.includes(' running ')) interrupt.abort(new Error('interrupted'));
          return stderr.stream.write(text);
        },
      },
      signal: interrupt.signal,
    });
    expect(await waiting).toBe(130);
    expect(stderr.text).toContain(`${id} running`);
    expect(stderr.text).toContain(
      `ai-spine: interrupted; execution ${id} keeps running on the server (resume with: ai-spine executions wait ${id})\n`,
    );
    noStack(stderr.text);

    // With --json the error object carries the id too.
    const again = new AbortController();
    const jsonOut = capture();
    const jsonRun = runCli(['executions', 'wait', id, '--interval', '5', '--json'], {
      env,
      stdout: jsonOut.stream,
      stderr: capture().stream,
      signal: again.signal,
      fetch: async (input, init) => {
        again.abort(new Error('interrupted')); // Ctrl-C during the first poll
        return fetch(input, init);
      },
    });
    expect(await jsonRun).toBe(130);
    expect(JSON.parse(jsonOut.text)).toEqual({
      error: expect.objectContaining({ name: 'WaitInterruptedError', executionId: id }),
    });
    held.release();
  });

  it('exits 6 when the server cannot be reached', async () => {
    const spine = await startSpine();
    const url = spine.url;
    await spine.close();
    const result = await cli(['health'], { AI_SPINE_BASE_URL: url });
    expect(result.code).toBe(6);
    noStack(result.stderr);
  });
});

describe('ai-spine CLI (spawned)', () => {
  const exec = promisify(execFile);
  const root = resolve(import.meta.dirname, '..');
  const spawnCli = (args: string[], env: Record<string, string> = {}) =>
    exec(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
      cwd: root,
      env: { ...process.env, ...env },
    }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  it('runs a flow to completion and exits 0', async () => {
    const spine = await startSpine({ echo: (req) => req.input });
    const result = await spawnCli(
      ['run', 'echo_flow', '--input', '{"x":1}', '--wait', '--interval', '10', '--json'],
      {
        AI_SPINE_BASE_URL: spine.url,
      },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      status: 'completed',
      output_data: { step: { x: 1 } },
    });
  });

  it('stops quietly when the reader of its output goes away (EPIPE)', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', '--help'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Close our end before the CLI writes: its write fails with EPIPE, like `| head -0`.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('answers bad input with a message, exit 2 and no stack trace', async () => {
    const result = await spawnCli(['run', 'x', '--input', 'nope']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--input: expected a JSON object');
    noStack(result.stderr);
  });
});
