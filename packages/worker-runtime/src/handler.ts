import { ConfigurationError } from '@uplink/core-schemas';
import type { Capabilities } from '@uplink/core-schemas/luml';
import type * as v from 'valibot';
import type { HandlerReturn, JsonObject } from './json-value.js';
import type { TaskContext } from './task-context.js';
import { isTaskTimeoutMs, taskTimeoutRange } from './task-timeout.js';

/**
 * What a handler may return: a JSON object (sent as the task's `result`), or nothing (`{}`).
 * `defineHandler` checks this at compile time: a `Date`, a function, a `Map`, a `bigint` or
 * an `undefined` value anywhere in the result fails to type-check, with a message saying what
 * to send instead.
 */
// biome-ignore lint/suspicious/noConfusingVoidType: a handler that returns nothing is typed `void`.
export type HandlerResult = JsonObject | undefined | void;

/** The definition passed to {@link defineHandler}. */
export interface HandlerDefinition<
  TSchema extends v.GenericSchema = v.GenericSchema<unknown>,
  TResult = HandlerResult,
> {
  /**
   * Schema of `task.payload`. A payload that fails it fails the task with
   * `{reason: 'invalid task payload', error}` before `run` is called.
   * @default accept any payload
   */
  payload?: TSchema | undefined;
  /**
   * Capability entries this handler contributes to the pairing map, e.g.
   * `{deploy: {version: 1, supported_variants: ['pyfunc'], ...}}`. Keys must be `deploy` or
   * `monitoring` (the platform's closed enum); two handlers may not declare the same key.
   * @default none
   */
  capability?: Capabilities | undefined;
  /**
   * Safe to run again after a crash: tasks of this type found `running` at startup are re-run
   * instead of being failed with `{reason: 'worker restarted'}`.
   * @default false
   */
  idempotent?: boolean | undefined;
  /**
   * Per-task timeout in milliseconds, 1 to 2^31-1 (the rule `LUML_TASK_TIMEOUT` follows too);
   * when it passes, `ctx.signal` aborts and the task fails with `{reason: 'timeout'}`. Leave it
   * out for no timeout of its own: `0` is refused by `defineHandler` with a `ConfigurationError`.
   * @default the worker's `taskTimeoutMs` setting (none)
   */
  timeoutMs?: number | undefined;
  /**
   * The work. May be sync or async; its return value becomes the `done` result, so it must be
   * a JSON object (or nothing): see {@link HandlerResult}.
   */
  run: (ctx: TaskContext<v.InferOutput<TSchema>>) => TResult | Promise<TResult>;
  /**
   * Called after a failure (invalid payload excluded), before `failed` is reported; for
   * compensation such as PATCHing a deployment `failed`. Errors thrown here are logged only.
   */
  onFailure?:
    | ((ctx: TaskContext<v.InferOutput<TSchema>>, error: unknown) => void | Promise<void>)
    | undefined;
}

/**
 * A registered task handler; create with {@link defineHandler}. `run` and `onFailure` are
 * declared as methods so a handler with a typed payload is still a `Handler` (method
 * parameters are bivariant), which lets handlers of different payloads share one array.
 */
export interface Handler<
  TSchema extends v.GenericSchema = v.GenericSchema,
  TResult = HandlerResult,
> {
  /** The task type this handler runs (an open string; the backend creates `deploy` and `undeploy`). */
  readonly type: string;
  /** See {@link HandlerDefinition.payload}. */
  readonly payload?: TSchema | undefined;
  /** See {@link HandlerDefinition.capability}. */
  readonly capability?: Capabilities | undefined;
  /** See {@link HandlerDefinition.idempotent}. */
  readonly idempotent?: boolean | undefined;
  /** See {@link HandlerDefinition.timeoutMs}. */
  readonly timeoutMs?: number | undefined;
  /** See {@link HandlerDefinition.run}. */
  run(ctx: TaskContext<v.InferOutput<TSchema>>): TResult | Promise<TResult>;
  /** See {@link HandlerDefinition.onFailure}. */
  onFailure?(ctx: TaskContext<v.InferOutput<TSchema>>, error: unknown): void | Promise<void>;
}

/**
 * Define the handler for one task type: the TypeScript form of a Python `@handler`
 * decorator. The runtime owns the lifecycle around `run` (running → validate → run →
 * done/failed), docs/protocols/luml.md §20 and §23.
 *
 * `run` must return a JSON object or nothing ({@link HandlerResult}); anything else is a
 * compile error that names the part that is not JSON.
 *
 * @throws ConfigurationError when `timeoutMs` is not a whole timer (0, negative, above 2^31-1 ms).
 *
 * @example
 * const deploy = defineHandler('deploy', {
 *   payload: v.looseObject({ deployment_id: v.string() }),
 *   run: async (ctx) => ({ inference_url: `/deployments/${ctx.payload.deployment_id}` }),
 * });
 */
export function defineHandler<
  TSchema extends v.GenericSchema = v.GenericSchema<unknown>,
  // Unconstrained on purpose: a constraint with `void` in it would accept any return type.
  TResult = HandlerResult,
>(
  type: string,
  // The second `run` type checks the inferred result: it is `TResult` itself only when JSON.
  definition: HandlerDefinition<TSchema, TResult> & {
    run: (
      ctx: TaskContext<v.InferOutput<TSchema>>,
    ) => HandlerReturn<TResult> | Promise<HandlerReturn<TResult>>;
  },
): Handler<TSchema, HandlerReturn<TResult>> {
  const { timeoutMs } = definition;
  if (timeoutMs !== undefined && !isTaskTimeoutMs(timeoutMs)) {
    throw new ConfigurationError([
      {
        setting: `${type}.timeoutMs`,
        message: `expected ${taskTimeoutRange('ms')}; omit it for no timeout (got ${describeValue(timeoutMs)})`,
      },
    ]);
  }
  return Object.freeze({ ...definition, type }) as unknown as Handler<
    TSchema,
    HandlerReturn<TResult>
  >;
}

function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : `a ${typeof value}`;
}
