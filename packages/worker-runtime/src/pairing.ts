// docs/protocols/luml.md §4.1 (pair) and §8 (pairing flow)
import {
  AbortError,
  ApiError,
  AuthenticationError,
  PermissionDeniedError,
} from '@uplink/core-schemas';
import type { Capabilities, Satellite } from '@uplink/core-schemas/luml';
import type { Logger } from '@uplink/http';
import type { SatellitePlatform } from '@uplink/platform-client';
import { hostOf, retryLine, seconds, shortReason, tokenRefusedMessage } from './describe.js';
import { PairingError, WorkerFatalError } from './errors.js';
import { retry } from './retry.js';
import type { WorkerSettings } from './settings.js';

/**
 * Pair, retrying transient failures (network, 408/429/5xx) with full-jitter backoff until the
 * signal aborts, or until `settings.pairTimeoutMs` when set (then a {@link WorkerFatalError}
 * with `code: 'platform_unreachable'`). Each retry is logged as one line that names the host.
 * A 401/403 becomes {@link WorkerFatalError} (`code: 'token_refused'`), other refusals
 * {@link PairingError}. The reference agent exits on the first failure and relies on Docker
 * restarts instead.
 */
export async function pairWithRetry(init: {
  client: SatellitePlatform;
  settings: WorkerSettings;
  capabilities: Capabilities;
  backoff?: { baseDelayMs?: number; maxDelayMs?: number } | undefined;
  logger: Logger;
  signal: AbortSignal;
  /**
   * Where the token came from, named in the 401/403 message.
   * @default 'LUML_SATELLITE_TOKEN'
   */
  tokenSource?: string | undefined;
}): Promise<Satellite> {
  const { client, settings, capabilities, logger, signal } = init;
  const host = hostOf(settings.platformUrl);
  const limitMs = settings.pairTimeoutMs ?? undefined;
  const deadline = new AbortController();
  const timer = limitMs === undefined ? undefined : setTimeout(() => deadline.abort(), limitMs);
  const onAbort = (): void => deadline.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let lastError: unknown;
  try {
    return await retry(
      (_attempt, s) =>
        client.pair({
          baseUrl: settings.publicUrl,
          capabilities,
          slug: settings.slug,
          signal: s,
          // This loop retries and logs each failure with the wait before the next attempt; the
          // client's own retries would hide attempts and stretch that wait.
          retry: false,
        }),
      {
        maxAttempts: Number.POSITIVE_INFINITY,
        backoff: {
          baseDelayMs: init.backoff?.baseDelayMs ?? 1000,
          maxDelayMs: init.backoff?.maxDelayMs ?? 60_000,
        },
        signal: deadline.signal,
        onRetry: (error, attempt, delayMs) => {
          lastError = error;
          logger.warn(retryLine(error, host, delayMs), {
            attempt,
            delayMs,
            error: error instanceof Error ? error.message : String(error),
          });
        },
      },
    );
  } catch (error) {
    if (signal.aborted) throw error;
    if (deadline.signal.aborted) {
      // Only the pairing deadline aborts `deadline` without `signal`.
      // Without a failed attempt yet, the first one was still waiting when time ran out.
      const last =
        lastError === undefined ? 'no answer yet' : `last error: ${shortReason(lastError)}`;
      throw new WorkerFatalError(
        `could not reach the platform at ${settings.platformUrl} within ${seconds(limitMs ?? 0)} (${last}). Check LUML_BASE_URL and the network, or raise LUML_PAIR_TIMEOUT`,
        { cause: lastError ?? error, code: 'platform_unreachable' },
      );
    }
    throw refusal(error, init.tokenSource ?? 'LUML_SATELLITE_TOKEN', settings.platformUrl);
  } finally {
    if (timer) clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** The error for a pairing the platform refused, with what to check. */
function refusal(error: unknown, tokenSource: string, platformUrl: string): unknown {
  if (error instanceof AbortError || !(error instanceof ApiError)) return error;
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) {
    return new WorkerFatalError(tokenRefusedMessage(error.status, tokenSource, 'pairing'), {
      cause: error,
      code: 'token_refused',
    });
  }
  const hint =
    error.status === 404
      ? `. Is ${platformUrl} the platform API root (LUML_BASE_URL, such as https://api.luml.ai)?`
      : error.status === 400 || error.status === 422
        ? ". Check the handlers' capabilities and LUML_PUBLIC_URL"
        : '';
  return new PairingError(`the platform refused to pair (${shortReason(error)})${hint}`, {
    cause: error,
  });
}
