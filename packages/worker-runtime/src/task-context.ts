import { type SatelliteTask, UuidSchema } from '@uplink/core-schemas/luml';
import type { Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import * as v from 'valibot';
import { downloadFile } from './download-file.js';
import type { DownloadFileOptions, DownloadResult } from './download-options.js';
import type { WorkerSettings } from './settings.js';
import { tempDirectory } from './temp-directory.js';

/** What a handler gets for one task. */
export interface TaskContext<TPayload = unknown> {
  /** The task as listed by the platform. */
  readonly task: SatelliteTask;
  /** `task.payload`, validated by the handler's `payload` schema. */
  readonly payload: TPayload;
  /** The platform client. */
  readonly client: SatellitePlatform;
  /** The worker's settings. */
  readonly settings: WorkerSettings;
  /** Logger carrying `taskId` and `taskType`; secret values fetched with `getSecret` are redacted. */
  readonly logger: Logger;
  /** Aborted when the task's timeout or the shutdown deadline passes. Pass it to every I/O call. */
  readonly signal: AbortSignal;
  /**
   * {@link downloadFile} bound to this task: `dest` defaults to a temporary directory that is
   * removed when the task ends, and the task's signal is used unless one is given.
   */
  downloadFile(url: string, dest?: string, options?: DownloadFileOptions): Promise<DownloadResult>;
  /** A fresh private directory, removed (recursively) when the task ends, even on failure. */
  tempDirectory(): Promise<string>;
  /**
   * A secret's value, by orbit secret id (UUID) or by name. The value is redacted from this
   * task's logs and failure messages. `NotFoundError` when absent.
   */
  getSecret(idOrName: string): Promise<string>;
}

/** A context plus the cleanup the runtime runs when the task ends. */
export interface TaskContextHandle<TPayload> {
  context: TaskContext<TPayload>;
  /** Remove temporary directories. Never throws. */
  cleanup(): Promise<void>;
}

/** Build the context for one task. `secrets` collects values to redact. */
export function createTaskContext<TPayload>(init: {
  task: SatelliteTask;
  payload: TPayload;
  client: SatellitePlatform;
  settings: WorkerSettings;
  logger: Logger;
  signal: AbortSignal;
  secrets: Set<string>;
}): TaskContextHandle<TPayload> {
  const removers: (() => Promise<void>)[] = [];
  const makeTemp = async (): Promise<string> => {
    const dir = await tempDirectory({ prefix: `uplink-task-${init.task.id.slice(0, 8)}-` });
    removers.push(dir.remove);
    return dir.path;
  };
  const context: TaskContext<TPayload> = {
    task: init.task,
    payload: init.payload,
    client: init.client,
    settings: init.settings,
    logger: init.logger,
    signal: init.signal,
    tempDirectory: makeTemp,
    async downloadFile(url, dest, options = {}) {
      const target = dest ?? `${await makeTemp()}/`;
      return downloadFile(url, target, { signal: init.signal, ...options });
    },
    async getSecret(idOrName) {
      const options = { signal: init.signal };
      const secret = v.is(UuidSchema, idOrName)
        ? await init.client.getSecret(idOrName, options)
        : await init.client.getSecretByName(idOrName, options);
      if (secret.value) init.secrets.add(secret.value);
      return secret.value;
    },
  };
  return {
    context,
    async cleanup() {
      await Promise.all(removers.map((remove) => remove()));
    },
  };
}
