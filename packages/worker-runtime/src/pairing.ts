// docs/protocols/luml.md §4.1 (pair) and §8 (pairing flow)
import { ApiError, AuthenticationError, PermissionDeniedError } from '@uplink/core-schemas';
import type { Capabilities } from '@uplink/core-schemas/luml';
import type { Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import { PairingError, WorkerFatalError } from './errors.js';
import { retry } from './retry.js';
import type { WorkerSettings } from './settings.js';

/**
 * Pair, retrying transient failures (network, 408/429/5xx) with full-jitter backoff until the
 * signal aborts. A 401/403 becomes {@link WorkerFatalError}, other refusals {@link PairingError}.
 * The reference agent exits on the first failure and relies on Docker restarts instead.
 */
export async function pairWithRetry(init: {
  client: SatellitePlatform;
  settings: WorkerSettings;
  capabilities: Capabilities;
  backoff?: { baseDelayMs?: number; maxDelayMs?: number } | undefined;
  logger: Logger;
  signal: AbortSignal;
}): Promise<void> {
  const { client, settings, capabilities, logger, signal } = init;
  await retry(
    (_attempt, s) =>
      client.pair({ baseUrl: settings.baseUrl, capabilities, slug: settings.slug, signal: s }),
    {
      maxAttempts: Number.POSITIVE_INFINITY,
      backoff: {
        baseDelayMs: init.backoff?.baseDelayMs ?? 1000,
        maxDelayMs: init.backoff?.maxDelayMs ?? 60_000,
      },
      signal,
      onRetry: (error, attempt, delayMs) =>
        logger.warn('pairing failed; retrying', {
          attempt,
          delayMs,
          error: error instanceof Error ? error.message : String(error),
        }),
    },
  ).catch((error: unknown) => {
    if (signal.aborted || !(error instanceof ApiError)) throw error;
    const Fatal =
      error instanceof AuthenticationError || error instanceof PermissionDeniedError
        ? WorkerFatalError
        : PairingError;
    throw new Fatal(`Pairing was refused (HTTP ${error.status}): ${error.message}`, {
      cause: error,
    });
  });
}
