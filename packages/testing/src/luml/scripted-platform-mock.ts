// Scripting and call recording for MockPlatformClient (no protocol; see mock-platform-client.ts)
import { AbortError } from '@uplink/core-schemas';
import type { CallOptions, SatellitePlatform } from '@uplink/platform-client';

/** A method of {@link SatellitePlatform} that the mock can script. */
export type PlatformMethod = Exclude<keyof SatellitePlatform, 'close'>;

type Fn<M extends PlatformMethod> = SatellitePlatform[M];

/**
 * A scripted answer: a value to resolve with, an `Error` to reject with, or a function
 * that receives the call's arguments and returns (or throws) the answer.
 */
export type MockResponse<M extends PlatformMethod> =
  | Awaited<ReturnType<Fn<M>>>
  | Error
  | ((...args: Parameters<Fn<M>>) => Awaited<ReturnType<Fn<M>>> | ReturnType<Fn<M>>);

/** One recorded call. */
export interface MockCall<M extends PlatformMethod = PlatformMethod> {
  method: M;
  args: Parameters<Fn<M>>;
}

const checkSignal = (options: CallOptions | undefined): void => {
  if (options?.signal?.aborted) throw new AbortError('The operation was aborted');
};

/**
 * The scripting half of `MockPlatformClient`: records every call, and answers from scripted
 * responses when there are some, else from the subclass's default behaviour.
 */
export abstract class ScriptedPlatformMock {
  private readonly log: MockCall[] = [];
  private readonly persistent = new Map<PlatformMethod, unknown>();
  private readonly once = new Map<PlatformMethod, unknown[]>();

  /** Answer every later call of `method` with `response` (until {@link resetResponses}). */
  respond<M extends PlatformMethod>(method: M, response: MockResponse<M>): this {
    this.persistent.set(method, response);
    return this;
  }

  /** Answer the next call of `method` with `response`; queued answers are used in order. */
  respondOnce<M extends PlatformMethod>(method: M, response: MockResponse<M>): this {
    const queue = this.once.get(method) ?? [];
    queue.push(response);
    this.once.set(method, queue);
    return this;
  }

  /** Forget scripted answers (of one method, or all). */
  resetResponses(method?: PlatformMethod): void {
    if (method) {
      this.persistent.delete(method);
      this.once.delete(method);
    } else {
      this.persistent.clear();
      this.once.clear();
    }
  }

  /** Recorded argument lists of one method, in call order. */
  calls<M extends PlatformMethod>(method: M): Parameters<Fn<M>>[] {
    return this.log.filter((c) => c.method === method).map((c) => c.args as Parameters<Fn<M>>);
  }

  /** Every recorded call, in order. */
  get allCalls(): readonly MockCall[] {
    return this.log;
  }

  /** Throw unless `method` was called (exactly `times` times, when given). */
  expectCalled(method: PlatformMethod, times?: number): void {
    const count = this.calls(method).length;
    if (times === undefined ? count === 0 : count !== times)
      throw new Error(
        `Expected ${method} to be called ${times === undefined ? 'at least once' : `${times} time(s)`}, but it was called ${count} time(s)`,
      );
  }

  /** Throw if `method` was called. */
  expectNotCalled(method: PlatformMethod): void {
    this.expectCalled(method, 0);
  }

  /** Whether `close()` was called (then every call rejects with `AbortError`). */
  protected abstract isClosed(): boolean;

  /**
   * Record the call, refuse it after `close()`, honour an aborted signal, run `check` (the argument checks the real
   * client makes before sending anything, so scripted answers cannot hide a call the real
   * client would refuse), then answer scripted or with `fallback`.
   */
  protected async run<M extends PlatformMethod>(
    method: M,
    args: Parameters<Fn<M>>,
    options: CallOptions | undefined,
    fallback: () => Awaited<ReturnType<Fn<M>>>,
    check?: () => void,
  ): Promise<Awaited<ReturnType<Fn<M>>>> {
    this.log.push({ method, args } as MockCall);
    // As PlatformClient: a closed client fails every later call with AbortError.
    if (this.isClosed()) throw new AbortError(`${method} called after close()`);
    checkSignal(options);
    check?.();
    const queued = this.once.get(method);
    const scripted = queued?.length ? queued.shift() : this.persistent.get(method);
    if (scripted === undefined) return fallback();
    if (scripted instanceof Error) throw scripted;
    if (typeof scripted === 'function')
      return (await (scripted as (...a: unknown[]) => unknown)(...args)) as Awaited<
        ReturnType<Fn<M>>
      >;
    return scripted as Awaited<ReturnType<Fn<M>>>;
  }
}
