import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));
const demoEntry = join(appDir, 'dist', 'demo.js');

interface DemoReport {
  ok: boolean;
  deploymentId: string;
  completionText: string;
  flowOutput: Record<string, { text?: string }>;
  tasks: { type: string; status: string; result: Record<string, unknown> }[];
  deployments: { id: string }[];
  execution: { id: string; status: string } | null;
  summary: { step: string; result: string; ms: number }[];
}

describe('pnpm demo (end to end, as a child process)', () => {
  it('runs the whole story against the embedded servers and leaves the platform clean', async () => {
    // The demo runs from dist/ (its model processes are child processes too); `pnpm test` builds first.
    expect(existsSync(demoEntry), `${demoEntry} is missing: run pnpm build`).toBe(true);
    const dir = await mkdtemp(join(tmpdir(), 'uplink-demo-test-'));
    const reportPath = join(dir, 'report.json');
    try {
      const child = spawn(
        process.execPath,
        [demoEntry, '--report', reportPath, '--tokens-per-second', '400'],
        {
          cwd: appDir,
          env: { PATH: process.env.PATH ?? '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
      child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
      const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(killer);
      expect(code, `demo exited ${code}\nstdout:\n${stdout}\nstderr:\n${stderr}`).toBe(0);

      const report = JSON.parse(await readFile(reportPath, 'utf8')) as DemoReport;
      // The platform's final state: both tasks done, the deployment deleted.
      expect(report.tasks.map((t) => `${t.type}:${t.status}`)).toEqual([
        'deploy:done',
        'undeploy:done',
      ]);
      expect(report.tasks[0]?.result).toEqual({
        inference_url: `/deployments/${report.deploymentId}`,
      });
      expect(report.tasks[1]?.result).toEqual({ container_removed: true });
      expect(report.deployments.find((d) => d.id === report.deploymentId)).toBeUndefined();
      // The flow ran through the deployment as an AI Spine agent.
      expect(report.execution?.status).toBe('completed');
      expect(typeof report.flowOutput.writer?.text).toBe('string');
      expect(report.completionText.length).toBeGreaterThan(0);
      // What the user saw: the streamed text and the summary table.
      expect(stdout).toContain(report.completionText);
      // The embedded llama-orch writes placeholder words, and the demo says so.
      expect(report.completionText).toMatch(/^[A-Z][a-z]+( [a-z]+)*\.?/);
      expect(stdout).toContain('fake text');
      expect(stdout).toMatch(/\| # \| step\s+\| result/);
      expect(stdout).toContain('stream completion');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
