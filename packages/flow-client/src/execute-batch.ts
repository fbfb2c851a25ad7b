// docs/protocols/ai-spine.md §11 (batch processing, which the Python SDK was asked for).
import { AbortError, isUplinkError, UplinkError } from '@uplink/core-schemas';
import { InvalidArgumentError } from './errors.js';
import type { CallOptions } from './types.js';
import type { WaitOptions } from './wait-for-execution.js';

/** One flow run in a batch. */
export interface BatchItem {
  /** The flow to execute. */
  flowId: string;
  /** The flow's `input_data`. */
  input: Record<string, unknown>;
  /** Sent as the execution's `metadata`. @default {} (the server's default) */
  metadata?: Record<string, unknown> | undefined;
  /** Sent as the execution's `priority` (0..10; stored, never enforced by the server). @default 0 */
  priority?: number | undefined;
}

/**
 * The outcome of one batch item, at the item's input index. `error` is always of the Uplink
 * family: an error from elsewhere (a bug in a callback, say) is wrapped in an `UplinkError`
 * whose `cause` is the original.
 */
export type BatchResult<T> =
  | { index: number; item: BatchItem; ok: true; value: T }
  | { index: number; item: BatchItem; ok: false; error: UplinkError };

/** What {@link BatchOptions.onProgress} receives each time an item settles. */
export interface BatchProgress<T> {
  /** Items settled so far. */
  completed: number;
  /** Items in the batch. */
  total: number;
  /** Items settled successfully so far. */
  succeeded: number;
  /** Items settled with an error so far. */
  failed: number;
  /** Items in flight right now. */
  running: number;
  /** The item that just settled. */
  result: BatchResult<T>;
}

/**
 * Options for `executeBatch`. `T` is each item's value; `TOutput` types `output_data` when
 * waiting (see `WaitOptions.output`).
 */
export interface BatchOptions<T, TOutput = Record<string, unknown>> extends CallOptions {
  /**
   * Items in flight at once. A real pool: a new item starts as soon as one settles.
   * @default 5
   */
  concurrency?: number | undefined;
  /**
   * Wait for each execution to end (`true` or wait options), or only start it (`false`).
   * With waiting, a `failed` run is an item error unless `throwOnFailure: false` is given.
   * @default true
   */
  wait?: boolean | Omit<WaitOptions<TOutput>, 'signal' | 'onProgress'> | undefined;
  /** Called each time an item settles. An exception thrown here stops the batch and is rethrown. */
  onProgress?: ((progress: BatchProgress<T>) => void) | undefined;
}

/** `error` itself when it is of the Uplink family, else an `UplinkError` wrapping it. */
function asUplinkError(error: unknown, index: number): UplinkError {
  if (isUplinkError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UplinkError(`Batch item ${index} failed: ${message}`, { cause: error });
}

/**
 * Run `task` over `items` with at most `concurrency` in flight, keeping results in input order.
 * Items never reject the batch: each result carries its value or error. Aborting `signal`
 * stops starting items and aborts those in flight; every unfinished item gets an `AbortError`.
 */
export async function runBatch<T>(
  items: readonly BatchItem[],
  task: (item: BatchItem, signal: AbortSignal) => Promise<T>,
  options: Omit<BatchOptions<T>, 'wait'> = {},
): Promise<BatchResult<T>[]> {
  const concurrency = options.concurrency ?? 5;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new InvalidArgumentError([
      { setting: 'concurrency', message: `expected an integer >= 1, received ${concurrency}` },
    ]);
  }
  if (!Array.isArray(items)) {
    throw new InvalidArgumentError([
      {
        setting: 'items',
        message: `expected an array of {flowId, input} items, received ${items === null ? 'null' : typeof items}`,
      },
    ]);
  }
  const stop = new AbortController();
  // Stryker disable next-line OptionalChaining: forward runs only when there is a signal
  const forward = (): void => stop.abort(options.signal?.reason);
  if (options.signal?.aborted) forward();
  // Stryker disable next-line ObjectLiteral,BooleanLiteral: a signal aborts once, and the listener is removed at the end
  options.signal?.addEventListener('abort', forward, { once: true });
  // Stryker disable next-line ArrayDeclaration: every index is filled below, so the length is items.length either way
  const results: BatchResult<T>[] = new Array(items.length);
  let next = 0;
  let running = 0;
  let succeeded = 0;
  let failed = 0;
  let callbackError: { error: unknown } | undefined;

  const settle = (result: BatchResult<T>): void => {
    results[result.index] = result;
    if (result.ok) succeeded++;
    else failed++;
    if (callbackError || !options.onProgress) return;
    try {
      options.onProgress({
        completed: succeeded + failed,
        total: items.length,
        succeeded,
        failed,
        running,
        result,
      });
    } catch (error) {
      callbackError = { error };
      stop.abort(error);
    }
  };

  const worker = async (): Promise<void> => {
    while (next < items.length && !stop.signal.aborted) {
      const index = next++;
      const item = items[index] as BatchItem;
      running++;
      let outcome: BatchResult<T>;
      try {
        // A hole or a non-object item fails alone, with a typed error naming its index.
        if (typeof item !== 'object' || item === null) {
          throw new InvalidArgumentError([
            {
              setting: `items[${index}]`,
              message: `expected a {flowId, input} object, received ${item === null ? 'null' : typeof item}`,
            },
          ]);
        }
        outcome = { index, item, ok: true, value: await task(item, stop.signal) };
      } catch (error) {
        outcome = { index, item, ok: false, error: asUplinkError(error, index) };
      }
      running--;
      settle(outcome);
    }
  };

  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  } finally {
    options.signal?.removeEventListener('abort', forward);
  }
  if (callbackError) throw callbackError.error;
  for (let index = 0; index < items.length; index++) {
    if (!results[index]) {
      const item = items[index] as BatchItem;
      results[index] = {
        index,
        item,
        ok: false,
        error: new AbortError('The batch was aborted before this item started'),
      };
    }
  }
  return results;
}
