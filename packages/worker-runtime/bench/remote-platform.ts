// Parent side of platform-child.ts: start the fake platform in a child process and call it.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { PlatformCommand } from './platform-child.ts';

type Result<C extends PlatformCommand['cmd']> = C extends 'reset'
  ? { url: string }
  : C extends 'createSatellite'
    ? { satelliteId: string; token: string }
    : C extends 'uploadArtifact'
      ? { url: string; sha256: string; bytes: number }
      : C extends 'waitDone'
        ? { done: number }
        : C extends 'cpu'
          ? { cpuMs: number }
          : Record<string, unknown>;

/** The fake LUML platform running in a child process. */
export class RemotePlatform implements AsyncDisposable {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<
    number,
    { resolve: (v: unknown) => void; reject: (e: Error) => void }
  >();
  #next = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: { id: number; result?: unknown; error?: string }) => {
      const waiter = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result);
    });
    child.on('exit', (code) => {
      for (const waiter of this.#waiting.values())
        waiter.reject(new Error(`fake platform process exited (${code})`));
      this.#waiting.clear();
    });
  }

  static async start(): Promise<RemotePlatform> {
    const child = fork(join(import.meta.dirname, 'platform-child.ts'), [], {
      execArgv: ['--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new RemotePlatform(child);
  }

  call<C extends PlatformCommand['cmd']>(
    command: Extract<PlatformCommand, { cmd: C }>,
  ): Promise<Result<C>> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#child.send({ ...command, id });
    });
  }

  /** A fresh platform (empty state) with one satellite; `latencyMs` delays every request. */
  async fresh(latencyMs?: number): Promise<{ url: string; satelliteId: string; token: string }> {
    const { url } = await this.call({ cmd: 'reset', latencyMs });
    const satellite = await this.call({ cmd: 'createSatellite' });
    return { url, ...satellite };
  }

  /** CPU time the platform process used so far (ms). */
  async cpuMs(): Promise<number> {
    return (await this.call({ cmd: 'cpu' })).cpuMs;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.call({ cmd: 'close' }).catch(() => undefined);
    this.#child.kill();
  }
}
