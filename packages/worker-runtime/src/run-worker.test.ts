import { createServer } from 'node:net';
import { ConfigurationError, ConnectionError } from '@uplink/core-schemas';
import { PlatformClient } from '@uplink/platform-client';
import { startFakeLumlPlatform } from '@uplink/testing';
import { startServer } from '@uplink/testing/vitest';
import { describe, expect, it, onTestFinished } from 'vitest';
import { PairingError, StateDirectoryLockedError, WorkerFatalError } from './errors.js';
import { defineHandler } from './handler.js';
import { HandlerTracker } from './handler-tracker.js';
import { describeWorkerError, runWorker, WORKER_EXIT_CODES, workerExitCode } from './run-worker.js';

const capability = { monitoring: { version: 1 } };
const handler = defineHandler('noop', { capability, run: () => ({}) });

/** runWorker with its stderr and exit captured. */
async function run(options: Parameters<typeof runWorker>[0]) {
  const lines: string[] = [];
  const codes: number[] = [];
  await runWorker(
    { handleSignals: false, ...options },
    { stderr: { write: (line: string) => lines.push(line) }, exit: (code) => codes.push(code) },
  );
  return { lines, codes };
}

describe('workerExitCode and describeWorkerError', () => {
  it('maps each kind of failure to its documented code', () => {
    expect(WORKER_EXIT_CODES).toEqual({
      ok: 0,
      unavailable: 69,
      fatal: 70,
      auth: 77,
      configuration: 78,
    });
    expect(workerExitCode(new ConfigurationError('x'))).toBe(78);
    expect(workerExitCode(new WorkerFatalError('x', { code: 'token_refused' }))).toBe(77);
    expect(workerExitCode(new WorkerFatalError('x', { code: 'platform_unreachable' }))).toBe(69);
    expect(workerExitCode(new WorkerFatalError('x'))).toBe(70);
    expect(
      workerExitCode(new StateDirectoryLockedError('x', { lockPath: '/l', holderPid: 1 })),
    ).toBe(70);
    expect(workerExitCode(new PairingError('x'))).toBe(70);
    expect(workerExitCode(new Error('bug'))).toBe(70);
  });

  it('always gives one line', () => {
    expect(
      describeWorkerError(
        new ConfigurationError([
          { setting: 'A', message: 'bad' },
          { setting: '', message: 'also\nbad' },
        ]),
      ),
    ).toBe('A: bad; also bad');
    expect(describeWorkerError(new ConnectionError('GET x: refused'))).toBe(
      'ConnectionError: GET x: refused',
    );
    expect(describeWorkerError(new TypeError('oops'))).toBe(
      'TypeError: oops (UPLINK_LOG=debug shows the stack)',
    );
    expect(describeWorkerError('thrown text')).toBe(
      'thrown text (UPLINK_LOG=debug shows the stack)',
    );
  });
});

describe('runWorker (in process)', () => {
  it('prints a settings problem as one line and exits 78, before any request', async () => {
    const { lines, codes } = await run({
      env: { LUML_POLL_INTERVAL: 'soon' },
      handlers: [handler],
    });
    expect(codes).toEqual([78]);
    expect(lines).toEqual([
      'error: LUML_POLL_INTERVAL: expected a number of seconds ≥ 0, such as 2 or 0.5 (got "soon"); LUML_SATELLITE_TOKEN: is required: the satellite key (dfssat_…) shown once when the satellite was created (SATELLITE_TOKEN also works; or pass settings.token)\n',
    ]);
  });

  it('adds the stack and its causes under UPLINK_LOG=debug', async () => {
    const platform = await startFakeLumlPlatform();
    onTestFinished(() => platform.close());
    const { lines, codes } = await run({
      env: {
        UPLINK_LOG: 'debug,json',
        LUML_SATELLITE_TOKEN: 'dfssat_wrong',
        LUML_BASE_URL: platform.url,
      },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
      settings: { healthEnabled: false },
      handlers: [handler],
    });
    expect(codes).toEqual([77]);
    expect(lines[0]).toBe(
      'error: the platform refused the satellite token (HTTP 401). Check LUML_SATELLITE_TOKEN; was the key rotated or revoked?\n',
    );
    expect(lines[1]).toMatch(/^WorkerFatalError: the platform refused[\s\S]*\n {4}at /);
    expect(lines[1]).toMatch(/\ncaused by: AuthenticationError: /);
    expect(lines.join('')).not.toContain('dfssat_wrong');
  });

  it('gives up pairing after pairTimeoutMs when the platform is unreachable: exit 69', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const warnings: string[] = [];
    const { lines, codes } = await run({
      env: {},
      logger: { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} },
      pairBackoff: { baseDelayMs: 5, maxDelayMs: 20 },
      client: new PlatformClient({
        token: 'dfssat_x',
        baseUrl: `http://127.0.0.1:${port}`,
        retry: false,
      }),
      settings: {
        token: 'dfssat_x',
        platformUrl: `http://127.0.0.1:${port}`,
        healthEnabled: false,
        pairTimeoutMs: 300,
      },
      handlers: [handler],
    });
    expect(codes).toEqual([69]);
    expect(lines).toEqual([
      `error: could not reach the platform at http://127.0.0.1:${port} within 0.3 s (last error: ECONNREFUSED). Check LUML_BASE_URL and the network, or raise LUML_PAIR_TIMEOUT\n`,
    ]);
    expect(warnings[0]).toMatch(
      new RegExp(
        `^platform unreachable \\(127\\.0\\.0\\.1:${port}: ECONNREFUSED\\), retrying in [\\d.]+ s$`,
      ),
    );
  });

  it('logs every failed pairing attempt: one request per warning, none hidden in client retries', async () => {
    let requests = 0;
    const server = await startServer((_req, res) => {
      requests++;
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"detail":"busy"}');
    });
    const warnings: string[] = [];
    const { codes } = await run({
      env: {},
      logger: { debug() {}, info() {}, warn: (m: string) => void warnings.push(m), error() {} },
      pairBackoff: { baseDelayMs: 5, maxDelayMs: 20 },
      // The client's default policy retries a pair twice; the Worker must turn that off.
      client: new PlatformClient({ token: 'dfssat_x', baseUrl: server.url, env: {} }),
      settings: {
        token: 'dfssat_x',
        platformUrl: server.url,
        healthEnabled: false,
        pairTimeoutMs: 400,
      },
      handlers: [handler],
    });
    expect(codes).toEqual([69]);
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    for (const warning of warnings) expect(warning).toMatch(/^platform error \(.*503/);
    // The attempt running when the deadline struck may have no warning of its own.
    expect(requests - warnings.length).toBeGreaterThanOrEqual(0);
    expect(requests - warnings.length).toBeLessThanOrEqual(1);
  });

  it('reports an unexpected failure of the client as exit 70, with the hint to ask for the stack', async () => {
    const client = {
      pair: async () => {
        throw new RangeError('client bug');
      },
    };
    const { lines, codes } = await run({
      env: { UPLINK_LOG: 'silent' },
      client: client as never,
      settings: { token: 'dfssat_x', healthEnabled: false },
      handlers: [handler],
    });
    expect(codes).toEqual([70]);
    expect(lines).toEqual(['error: RangeError: client bug (UPLINK_LOG=debug shows the stack)\n']);
  });
});

describe('HandlerTracker', () => {
  it('waits for handlers that are still running, bounded', async () => {
    const tracker = new HandlerTracker();
    expect(await tracker.settleWithin(0)).toBe(true);
    let finish!: () => void;
    tracker.add(new Promise<void>((resolve) => (finish = resolve)));
    expect(tracker.size).toBe(1);
    expect(await tracker.settleWithin(20)).toBe(false);
    const settled = tracker.settleWithin(10_000);
    finish();
    expect(await settled).toBe(true);
    expect(tracker.size).toBe(0);
  });
});
