/**
 * `pnpm bench` (here: `pnpm --filter @uplink/orch-client bench [stream|memory]...`):
 * streamCompletion side by side with raw fetch + eventsource-parser and openai-node's `Stream`
 * over the same FakeLlamaOrch (generator mode, unpaced, in its own process), with the shared
 * harness: warm-up, medians of interleaved rounds, CPU per token beside the wall rate. A full
 * run rewrites the README's bench block and writes bench/results/orch-client.json.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type Contender, Report, race, speedTable, startServerProcess } from '@uplink/bench';
import { completionOpenAI, completionRaw, completionUplink } from './contenders.js';

const TOKENS = 20_000;
const MEMORY_TOKENS = 200_000;
const only = new Set(process.argv.slice(2));
const wanted = (group: string): boolean => only.size === 0 || only.has(group);
const report = new Report('@uplink/orch-client');
const orch = await startServerProcess(new URL('./fake-server.ts', import.meta.url));
const run = promisify(execFile);

try {
  if (wanted('stream')) {
    const uplink = completionUplink(orch.url);
    const contenders: Contender[] = [
      {
        id: 'raw',
        label: 'fetch + eventsource-parser + JSON.parse',
        run: () => completionRaw(orch.url, TOKENS),
      },
      {
        id: 'uplink',
        label: '**`streamCompletion`** (enqueue, validation, ordering)',
        run: () => uplink(TOKENS),
      },
      {
        id: 'openai',
        label: 'openai-node `Stream` (no schema)',
        run: () => completionOpenAI(orch.url, TOKENS),
      },
    ];
    const { table, metrics } = speedTable(
      'stream',
      `Streaming completion, ${TOKENS / 1000}k tokens per run (enqueue included)`,
      'tokens',
      await race(contenders),
      'raw',
    );
    report.add(table, metrics);
  }
  if (wanted('memory')) {
    const child = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
    const { stdout } = await run(
      process.execPath,
      ['--expose-gc', '--import', 'tsx', child, orch.url, String(MEMORY_TOKENS)],
      { timeout: 120_000 },
    );
    const { bytesPerToken, retainedBytes } = JSON.parse(stdout) as {
      bytesPerToken: number;
      retainedBytes: number;
    };
    report.add(
      {
        title: `Heap kept by a completion the caller only iterates (${MEMORY_TOKENS / 1000}k tokens, after GC)`,
        columns: ['path', 'bytes per token', 'retained'],
        rows: [
          [
            '**`streamCompletion`**, iterated',
            bytesPerToken.toFixed(1),
            `${(retainedBytes / 1024 / 1024).toFixed(1)} MB`,
          ],
        ],
      },
      { 'memory.bytesPerToken': Math.round(bytesPerToken * 10) / 10 },
    );
  }
  report.finish({
    command: 'pnpm bench',
    readme: only.size === 0 ? new URL('../README.md', import.meta.url) : undefined,
  });
} finally {
  orch.stop();
}
