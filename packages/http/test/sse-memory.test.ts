// A stream keeps nothing per event: the heap in use after a forced GC is the same at 10% and
// at 90% of a long stream. Measured in a child process with --expose-gc, by heap size after GC
// (deterministic up to a few hundred KB), not by timing.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const run = promisify(execFile);
const child = fileURLToPath(new URL('./lazy/sse-heap-child.ts', import.meta.url));

it('streamSSE retains no memory per event over 200k events', async () => {
  const events = 200_000;
  const { stdout } = await run(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', child, String(events)],
    { timeout: 60_000 },
  );
  const { count, heap } = JSON.parse(stdout) as { count: number; heap: number[] };
  expect(count).toBe(events);
  const [early = 0, late = 0] = heap;
  // 160k events lie between the two measures: even 8 bytes kept per event would be 1.3 MB.
  expect(late - early).toBeLessThan(512 * 1024);
}, 60_000);
