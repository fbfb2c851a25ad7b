// docs/protocols/luml.md §9 (startup order: open the client, then startup work)
import type { Logger } from '@uplink/http';
import { PlatformClient, type SatellitePlatform } from '@uplink/platform-client';
import { Outbox } from './outbox.js';
import { FileOutboxStore, MemoryOutboxStore } from './outbox-store.js';
import type { WorkerSettings } from './settings.js';
import { acquireStateLock, type StateLock } from './state-lock.js';
import type { StartupContext, WorkerOptions } from './worker-options.js';

/**
 * Step 1 of `start()`: the state directory's lock (one worker per directory), the platform
 * client (the given one, or a `PlatformClient` the worker owns and closes) and the outbox,
 * opened so updates left by a previous run resume at once.
 * @throws StateDirectoryLockedError while another worker holds the state directory.
 */
export async function openClientAndOutbox(
  settings: WorkerSettings,
  options: WorkerOptions,
  logger: Logger,
  onDelivered?: () => void,
): Promise<{
  client: SatellitePlatform;
  ownsClient: boolean;
  outbox: Outbox;
  lock: StateLock | undefined;
}> {
  const lockDir =
    settings.stateDir ??
    (options.outboxStore instanceof FileOutboxStore ? options.outboxStore.directory : undefined);
  const lock = lockDir ? await acquireStateLock(lockDir, logger) : undefined;
  try {
    return { ...(await openOutbox(settings, options, logger, onDelivered)), lock };
  } catch (error) {
    await lock?.release();
    throw error;
  }
}

async function openOutbox(
  settings: WorkerSettings,
  options: WorkerOptions,
  logger: Logger,
  onDelivered: (() => void) | undefined,
): Promise<{ client: SatellitePlatform; ownsClient: boolean; outbox: Outbox }> {
  const client =
    options.client ??
    new PlatformClient({ token: settings.token, baseUrl: settings.platformUrl, logger });
  const store =
    options.outboxStore ??
    (settings.stateDir
      ? new FileOutboxStore(settings.stateDir, { logger, fsync: settings.outboxFsync })
      : new MemoryOutboxStore());
  const outbox = new Outbox({
    client,
    store,
    logger,
    backoff: options.outboxBackoff,
    // An accepted update is contact with the platform, for /readyz.
    onDelivered: onDelivered && (() => onDelivered()),
  });
  await outbox.open();
  return { client, ownsClient: options.client === undefined, outbox };
}

/**
 * Step 2 of `start()`: run startup hooks in order. A failing hook is logged and the start goes
 * on (the reference agent's startup sync is best-effort too), unless the start was aborted.
 */
export async function runStartupHooks(
  hooks: WorkerOptions['startupHooks'],
  context: StartupContext,
): Promise<void> {
  for (const hook of hooks ?? []) {
    try {
      await hook(context);
    } catch (error) {
      if (context.signal.aborted) throw error;
      context.logger.error('startup hook failed; continuing', {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
