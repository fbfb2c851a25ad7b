import { describe, expect, it, vi } from 'vitest';
import { installSignalHandlers, signalExitCode } from './signals.js';

function fakeWorker(clean: boolean) {
  let finish!: (result: { clean: boolean }) => void;
  const stopped = new Promise<{ clean: boolean }>((resolve) => {
    finish = resolve;
  });
  return {
    settings: { shutdownGraceMs: 1234 },
    stop: vi.fn(() => stopped),
    forceStop: vi.fn(() => {
      finish({ clean: false });
      return stopped;
    }),
    finish: () => finish({ clean }),
  };
}

// process.emit runs the listeners without delivering a real signal to the test process.
const emit = (signal: NodeJS.Signals) =>
  (process.emit as (event: string, s: string) => boolean)(signal, signal);

describe('installSignalHandlers', () => {
  it('drains on the first signal and exits 0 after a clean stop', async () => {
    const worker = fakeWorker(true);
    const exit = vi.fn();
    const uninstall = installSignalHandlers(worker, { exit, signals: ['SIGTERM'] });
    try {
      emit('SIGTERM');
      expect(worker.stop).toHaveBeenCalledWith({ graceMs: 1234 });
      worker.finish();
      await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(0));
    } finally {
      uninstall();
    }
  });

  it('forces on the second signal and exits 128 + n', async () => {
    const worker = fakeWorker(true);
    const exit = vi.fn();
    const before = process.listenerCount('SIGINT');
    const uninstall = installSignalHandlers(worker, { exit, signals: ['SIGINT'] });
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    try {
      emit('SIGINT');
      emit('SIGINT');
      expect(worker.forceStop).toHaveBeenCalledTimes(1);
      await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(130));
      emit('SIGINT'); // after the stop: exit is called once only
      expect(exit).toHaveBeenCalledTimes(1);
    } finally {
      uninstall();
    }
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('says what it does at each signal, and exits at once on the third', async () => {
    let finish!: (result: { clean: boolean }) => void;
    const worker = {
      settings: { shutdownGraceMs: 30_000 },
      inFlight: ['t1', 't2'],
      stop: vi.fn(() => new Promise<{ clean: boolean }>((resolve) => (finish = resolve))),
      forceStop: vi.fn(() => new Promise<{ clean: boolean }>(() => {})), // a handler that hangs
    };
    const lines: string[] = [];
    const log = (line: string) => void lines.push(line);
    const logger = { debug: log, info: log, warn: log, error: log };
    const exit = vi.fn();
    const uninstall = installSignalHandlers(worker, { exit, logger, signals: ['SIGINT'] });
    try {
      emit('SIGINT');
      emit('SIGINT');
      expect(exit).not.toHaveBeenCalled();
      emit('SIGINT');
      expect(exit).toHaveBeenCalledWith(130);
      finish({ clean: false });
      await new Promise((resolve) => setImmediate(resolve));
      expect(exit).toHaveBeenCalledTimes(1);
      expect(lines).toEqual([
        'draining 2 task(s) (up to 30 s); press Ctrl-C again to force',
        'forcing the stop: aborting 2 task(s); press Ctrl-C again to exit at once',
        'exiting at once (SIGINT)',
      ]);
    } finally {
      uninstall();
    }
  });

  it('exits 128 + n when the grace period ran out, or when stop fails', async () => {
    const unclean = fakeWorker(false);
    const exit = vi.fn();
    const uninstall = installSignalHandlers(unclean, { exit, signals: ['SIGTERM'] });
    try {
      emit('SIGTERM');
      unclean.finish();
      await vi.waitFor(() => expect(exit).toHaveBeenCalledWith(143));
    } finally {
      uninstall();
    }
    const failing = {
      settings: { shutdownGraceMs: 1 },
      stop: () => Promise.reject(new Error('x')),
      forceStop: vi.fn(),
    };
    const exit2 = vi.fn();
    const uninstall2 = installSignalHandlers(failing as never, {
      exit: exit2,
      signals: ['SIGTERM'],
    });
    try {
      emit('SIGTERM');
      await vi.waitFor(() => expect(exit2).toHaveBeenCalledWith(143));
    } finally {
      uninstall2();
    }
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGINT')).toBe(130);
  });
});
