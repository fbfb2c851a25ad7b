// Runs one model-server child process per deployment: the demo's stand-in for the reference agent's
// Docker containers (docs/protocols/luml.md §10 step 6, §11 step 2), without Docker.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** The model server's entry, always the built one: a child process cannot run TypeScript sources. */
export const MODEL_SERVER_ENTRY = fileURLToPath(
  new URL('../dist/model-server/main.js', import.meta.url),
);

/** A running model process. */
export interface ModelProcess {
  deploymentId: string;
  pid: number;
  /** Loopback port the model server listens on. */
  port: number;
  /** Base URL of the model server. */
  url: string;
  /** The last 3000 characters of its stderr, for error messages (as the reference agent tails logs). */
  logTail(): string;
}

/** Options for {@link ModelProcesses.start}. */
export interface StartModelOptions {
  /** Environment for the process (artifact path, secrets, llama-orch URL...). */
  env: Record<string, string>;
  /** How long to wait for the process to report its port. @default 15000 */
  startTimeoutMs?: number;
}

interface Entry extends ModelProcess {
  child: ChildProcess;
  exited: Promise<void>;
}

/**
 * Starts, tracks and stops model processes. `close()` stops them all. A model process also
 * stops by itself when its stdin pipe closes, which happens however the satellite ends (even
 * SIGKILL), and any still running when this process exits is killed: none is left behind.
 */
export class ModelProcesses {
  readonly #processes = new Map<string, Entry>();
  readonly #killAll = (): void => {
    for (const entry of this.#processes.values()) entry.child.kill('SIGKILL');
  };

  /** Start (or replace) the model process of a deployment; resolves once it listens. */
  async start(deploymentId: string, options: StartModelOptions): Promise<ModelProcess> {
    await this.stop(deploymentId);
    if (this.#processes.size === 0) process.on('exit', this.#killAll);
    const child = spawn(process.execPath, [MODEL_SERVER_ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        ...options.env,
        DEPLOYMENT_ID: deploymentId,
        MODEL_SERVER_WATCH_STDIN: '1',
      },
      // stdin stays open and unused: the model process exits when it closes (this process died).
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let tail = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      tail = (tail + chunk).slice(-3000);
    });
    const exited = once(child, 'exit').then(() => {
      if (this.#processes.get(deploymentId)?.child === child) this.#processes.delete(deploymentId);
    });
    const port = await new Promise<number>((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(
            `model server did not start within ${options.startTimeoutMs ?? 15000} ms: ${tail}`,
          ),
        );
      }, options.startTimeoutMs ?? 15000);
      lines.on('line', (line) => {
        try {
          const message = JSON.parse(line) as { event?: string; port?: number };
          if (message.event === 'listening' && typeof message.port === 'number') {
            clearTimeout(timer);
            resolve(message.port);
          }
        } catch {
          // Not a control line: ordinary output.
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`model server exited with code ${code} before listening: ${tail.trim()}`));
      });
    });
    const entry: Entry = {
      deploymentId,
      pid: child.pid!,
      port,
      url: `http://127.0.0.1:${port}`,
      logTail: () => tail,
      child,
      exited,
    };
    this.#processes.set(deploymentId, entry);
    return entry;
  }

  /** The running process of a deployment, if any. */
  get(deploymentId: string): ModelProcess | undefined {
    return this.#processes.get(deploymentId);
  }

  /** Ids of deployments with a running process. */
  list(): string[] {
    return [...this.#processes.keys()];
  }

  /**
   * Stop a deployment's process: SIGTERM, then SIGKILL after `graceMs`. Resolves `true` if a process
   * was running (the undeploy task reports it as `container_removed`).
   */
  async stop(deploymentId: string, graceMs = 5000): Promise<boolean> {
    const entry = this.#processes.get(deploymentId);
    if (!entry) return false;
    this.#processes.delete(deploymentId);
    entry.child.kill('SIGTERM');
    const timer = setTimeout(() => entry.child.kill('SIGKILL'), graceMs);
    await entry.exited;
    clearTimeout(timer);
    return true;
  }

  /** Stop every process. */
  async close(): Promise<void> {
    await Promise.all(this.list().map((id) => this.stop(id)));
    process.off('exit', this.#killAll);
  }
}
