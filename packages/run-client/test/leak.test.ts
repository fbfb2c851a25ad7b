import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it, onTestFinished } from 'vitest';
import { fakeServer } from './helpers.js';

// Each scenario runs in a child process that does NOT close its client and never calls
// process.exit: the child exits only if nothing the stream held (timers, listeners, sockets)
// outlived the stop. The fake server lives in this process, so it cannot keep the child alive.
const entry = pathToFileURL(join(import.meta.dirname, '../src/index.ts')).href;

async function runChild(
  body: string,
  env: Record<string, string>,
): Promise<{ stdout: string; ms: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'run-client-leak-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'child.mts');
  writeFileSync(
    file,
    `import { RunClient, RunStream, connectGateway } from ${JSON.stringify(entry)};\n${body}\n`,
  );
  const started = Date.now();
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
    cwd: import.meta.dirname,
    env: { PATH: process.env.PATH, ...env },
    timeout: 15_000,
  });
  return { stdout: stdout.trim(), ms: Date.now() - started };
}

describe('nothing outlives a stopped stream (the process exits on its own)', () => {
  it('abort() during a silent model call, with a 10-minute idle timeout and a 20 s status probe armed', async () => {
    const fake = await fakeServer({ runDelayMs: 60_000 });
    const { stdout } = await runChild(
      `const client = new RunClient({ baseUrl: process.env.URL, apiKey: process.env.KEY, env: {}, streamIdleTimeoutMs: 600000, statusProbeMs: 20000 });
const stream = client.streamRun({ task: 't' });
const it = stream[Symbol.asyncIterator]();
await it.next();
setTimeout(() => void stream.abort(), 120);
await it.next().catch((e) => console.log(e.name));
console.log('stopped');`,
      { URL: fake.url, KEY: fake.apiKey },
    );
    expect(stdout).toBe('AbortError\nstopped');
  });

  it("a reader's releaseLock() and cancel() on toReadableStream()", async () => {
    const fake = await fakeServer({ runDelayMs: 60_000 });
    const { stdout } = await runChild(
      `const client = new RunClient({ baseUrl: process.env.URL, apiKey: process.env.KEY, env: {} });
const readable = client.streamRun({ task: 't' }).toReadableStream();
const reader = readable.getReader();
const { value } = await reader.read();
console.log(new TextDecoder().decode(value).includes('"seq":0'));
reader.releaseLock();
await readable.cancel();
console.log('released');`,
      { URL: fake.url, KEY: fake.apiKey },
    );
    expect(stdout).toBe('true\nreleased');
  });

  it('the end of a run, and a resume through the replay after seq 0 then silence', async () => {
    const fake = await fakeServer({ seqZeroThenSilence: true });
    const { stdout } = await runChild(
      `const client = new RunClient({ baseUrl: process.env.URL, apiKey: process.env.KEY, env: {}, statusProbeMs: 20 });
const result = await client.streamRun({ task: 't' }).finalResult();
console.log(result.status, result.lastSeq);
const bytes = new Response(client.events(result.runId).toReadableStream()).body;
console.log((await RunStream.fromReadableStream(bytes).finalResult()).lastSeq);`,
      { URL: fake.url, KEY: fake.apiKey },
    );
    expect(stdout).toBe('completed 3\n3');
  });

  it('a gateway subscription stopped by break, then the client closed', async () => {
    const fake = await fakeServer({ runDelayMs: 60_000 });
    const { stdout } = await runChild(
      `const gateway = await connectGateway({ url: process.env.WS, apiKey: process.env.KEY, env: {}, pingIntervalMs: 50 });
const { run_id } = await gateway.run({ task: 't' });
for await (const event of gateway.subscribe(run_id)) { console.log(event.seq); break; }
await gateway.close();
console.log('closed');`,
      { WS: fake.wsUrl, KEY: fake.apiKey },
    );
    expect(stdout).toBe('0\nclosed');
  });
});
