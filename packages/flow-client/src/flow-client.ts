// docs/protocols/ai-spine.md §1-§5 and §10 (the client surface).
import { NotFoundError } from '@uplink/core-schemas';
import {
  type AgentInfo,
  AgentInfoSchema,
  type AgentList,
  AgentListSchema,
  type CancelExecutionResponse,
  CancelExecutionResponseSchema,
  type ExecutionContext,
  ExecutionContextSchema,
  type ExecutionResponse,
  ExecutionResponseSchema,
  type FlowDefinition,
  FlowDefinitionSchema,
  type FlowList,
  FlowListSchema,
  type Health,
  HealthSchema,
  type Metrics,
  MetricsSchema,
  type Status,
  StatusSchema,
} from '@uplink/core-schemas/ai-spine';
import {
  bearer,
  createRequestClient,
  pickTransportOptions,
  type RequestClient,
} from '@uplink/http';
import * as v from 'valibot';
import { type FlowClientOptions, resolveFlowClientOptions } from './client-options.js';
import {
  ExecutionError,
  ExecutionNotRunningError,
  FlowNotFoundError,
  InvalidArgumentError,
} from './errors.js';
import { type BatchItem, type BatchOptions, type BatchResult, runBatch } from './execute-batch.js';
import { startedExecution } from './execute-response.js';
import { initFrom, recogniseWrappedValidation } from './map-api-error.js';
import { type TypedExecution, typedOutput } from './typed-output.js';
import type { AgentConfig, CallOptions } from './types.js';
import {
  assertExecutionId,
  assertSpineId,
  checkAgentConfig,
  executeProblems,
} from './validate-input.js';
import { FLOW_CLIENT_VERSION } from './version.js';
import { type WaitOptions, waitForExecution } from './wait-for-execution.js';

/** Options for `executeFlow`. */
export interface ExecuteOptions extends CallOptions {
  /** Stored with the execution as `metadata`. @default {} */
  metadata?: Record<string, unknown> | undefined;
  /** 0..10; stored, never enforced by the server. @default 0 */
  priority?: number | undefined;
}

// Lists arrive wrapped ({flows, count}); older or proxied servers may send a bare array. The
// branch is chosen by shape rather than with v.union, so a bad list names the field at fault
// instead of "expected (Object | Array), received Object".
const FlowArraySchema = v.array(FlowDefinitionSchema);
const AgentArraySchema = v.array(AgentInfoSchema);
const FlowsSchema = v.lazy(
  (input): v.GenericSchema<unknown, FlowList | FlowDefinition[]> =>
    Array.isArray(input) ? FlowArraySchema : FlowListSchema,
);
const AgentsSchema = v.lazy(
  (input): v.GenericSchema<unknown, AgentList | AgentInfo[]> =>
    Array.isArray(input) ? AgentArraySchema : AgentListSchema,
);

/**
 * A client for the AI Spine API: flow executions, flows, agents and the system routes.
 * Runtime-neutral (fetch only). Holds no sockets itself; `close()` aborts calls in flight
 * and makes later calls fail with `AbortError`.
 */
export class FlowClient implements AsyncDisposable {
  /** The API host, without a trailing slash. */
  readonly baseUrl: string;
  /** The prefix of flow, execution and agent routes (`''` for the root routes). */
  readonly apiPrefix: string;
  readonly #http: RequestClient;

  constructor(options: FlowClientOptions = {}) {
    const resolved = resolveFlowClientOptions(options);
    this.baseUrl = resolved.baseUrl;
    this.apiPrefix = resolved.apiPrefix;
    const { apiKey } = resolved;
    this.#http = createRequestClient({
      ...pickTransportOptions(options),
      baseUrl: this.baseUrl,
      retry: resolved.retry,
      sdk: { name: 'flow-client', version: FLOW_CLIENT_VERSION },
      ...(apiKey ? { auth: bearer(apiKey), secrets: [apiKey] } : {}),
    });
  }

  #path(route: string): string {
    return `${this.apiPrefix}${route}`;
  }

  /**
   * Start a flow run and return the server's answer (`status: "pending"`).
   *
   * Never retried once the request may have reached the server: the backend has no
   * idempotency, so a retry could start the flow twice. On a connection error or timeout the
   * run may or may not have started; look at the server's executions before running it again.
   * The backend answers an unknown flow with HTTP 200 and the all-zero id: that becomes
   * {@link FlowNotFoundError}; any other `failed` answer becomes {@link ExecutionError}.
   */
  async executeFlow(
    flowId: string,
    input: Record<string, unknown>,
    options: ExecuteOptions = {},
  ): Promise<ExecutionResponse> {
    assertSpineId('flowId', flowId);
    const problems = executeProblems(input, options.priority, options.metadata);
    if (problems.length > 0) throw new InvalidArgumentError(problems);
    const body = {
      flow_id: flowId,
      input_data: input,
      ...(options.metadata ? { metadata: options.metadata } : {}),
      ...(options.priority === undefined ? {} : { priority: options.priority }),
    };
    const response = await this.#http.request(
      'POST',
      this.#path('/flows/execute'),
      ExecutionResponseSchema,
      {
        body,
        retry: false,
        signal: options.signal,
      },
    );
    return startedExecution(flowId, response);
  }

  /** Get one execution. The id is checked as a UUID before sending (the server would answer 422). */
  async getExecution(executionId: string, options: CallOptions = {}): Promise<ExecutionContext> {
    assertExecutionId(executionId);
    return this.#http.get(this.#path(`/executions/${executionId}`), ExecutionContextSchema, {
      signal: options.signal,
    });
  }

  /**
   * Poll until the execution is `completed`, `failed` or `cancelled` and return it: once at
   * once, then after 100, 200, 400, 800 and 1600 ms, then every `intervalMs` (2 s). A `failed`
   * run throws {@link ExecutionError} unless `throwOnFailure: false`; running out of time
   * throws `WaitTimeoutError` (a `TimeoutError` with `timeout: 'wait'`). Pass an `output`
   * schema to check and type `output_data`. See {@link WaitOptions}.
   *
   * @example
   * const Score = v.object({ score: v.number() });
   * const run = await flows.waitForExecution(id, { output: Score });
   * run.output_data.score; // number, checked
   */
  async waitForExecution<TOutput = Record<string, unknown>>(
    executionId: string,
    options: WaitOptions<TOutput> = {},
  ): Promise<TypedExecution<TOutput>> {
    assertExecutionId(executionId);
    const execution = await waitForExecution(
      (id, call) => this.getExecution(id, call),
      executionId,
      options,
    );
    return typedOutput(execution, options.output);
  }

  /**
   * {@link executeFlow} then {@link waitForExecution}. `signal` covers both. Pass an `output`
   * schema to check and type `output_data` (or a type argument, taken on trust).
   */
  async executeAndWait<TOutput = Record<string, unknown>>(
    flowId: string,
    input: Record<string, unknown>,
    options: ExecuteOptions & WaitOptions<TOutput> = {},
  ): Promise<TypedExecution<TOutput>> {
    const started = await this.executeFlow(flowId, input, options);
    return this.waitForExecution(started.execution_id, options);
  }

  /**
   * Ask the server to cancel a running execution.
   *
   * Only a *running* execution can be cancelled; a 404 is checked with a GET and becomes
   * {@link ExecutionNotRunningError} (with the status seen) when the execution exists, or
   * `NotFoundError` when it does not. Backend race (§5.2): cancel marks the
   * run `cancelled` but does not stop it; remaining nodes still run, and when they finish the
   * server overwrites the status with `completed` or `failed`. Treat `cancelled` as terminal
   * but not final.
   */
  async cancelExecution(
    executionId: string,
    options: CallOptions = {},
  ): Promise<CancelExecutionResponse> {
    assertExecutionId(executionId);
    try {
      return await this.#http.post(
        this.#path(`/executions/${executionId}/cancel`),
        CancelExecutionResponseSchema,
        { signal: options.signal },
      );
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
      const current = await this.getExecution(executionId, options).catch((e: unknown) => {
        if (e instanceof NotFoundError) return undefined;
        throw e;
      });
      if (!current) throw error;
      // A run that was still `pending` when the cancel arrived may be `running` by the GET.
      const message =
        current.status === 'running'
          ? `Execution ${executionId} was not running yet when the cancel arrived (still pending); it is running now, so cancelling again may succeed`
          : `Execution ${executionId} cannot be cancelled: it is not running (status: ${current.status}); only running executions can be cancelled`;
      throw new ExecutionNotRunningError(message, {
        ...initFrom(error),
        executionId,
        currentStatus: current.status,
      });
    }
  }

  /** List the flows the server has loaded (unwraps `{flows, count}`). */
  async listFlows(options: CallOptions = {}): Promise<FlowDefinition[]> {
    const data = await this.#http.get(this.#path('/flows'), FlowsSchema, {
      signal: options.signal,
    });
    return Array.isArray(data) ? data : data.flows;
  }

  /** Get one flow. A 404 becomes {@link FlowNotFoundError}. */
  async getFlow(flowId: string, options: CallOptions = {}): Promise<FlowDefinition> {
    assertSpineId('flowId', flowId);
    try {
      return await this.#http.get(this.#path(`/flows/${flowId}`), FlowDefinitionSchema, {
        signal: options.signal,
      });
    } catch (error) {
      if (error instanceof NotFoundError) {
        throw new FlowNotFoundError(`Flow "${flowId}" not found (${error.message})`, {
          ...initFrom(error),
          flowId,
        });
      }
      throw error;
    }
  }

  /** List agents (unwraps `{agents, count, authenticated}`). `/api/v1` lists ownerless agents only. */
  async listAgents(options: CallOptions = {}): Promise<AgentInfo[]> {
    const data = await this.#http.get(this.#path('/agents'), AgentsSchema, {
      signal: options.signal,
    });
    return Array.isArray(data) ? data : data.agents;
  }

  /** Get one agent. A 404 is a `NotFoundError`. */
  async getAgent(agentId: string, options: CallOptions = {}): Promise<AgentInfo> {
    assertSpineId('agentId', agentId);
    return this.#http.get(this.#path(`/agents/${agentId}`), AgentInfoSchema, {
      signal: options.signal,
    });
  }

  /**
   * Register (or overwrite) an agent. The body is checked first: the six keys, `agent_type`
   * and every capability on the backend's allow-lists, and an absolute http(s) `endpoint`
   * without a trailing slash. Not retried. A 500 that wraps a validation failure becomes
   * `ServerValidationError`.
   */
  async createAgent(config: AgentConfig, options: CallOptions = {}): Promise<AgentInfo> {
    const body = checkAgentConfig(config);
    try {
      return await this.#http.post(this.#path('/agents'), AgentInfoSchema, {
        body,
        retry: false,
        signal: options.signal,
      });
    } catch (error) {
      throw recogniseWrappedValidation(error);
    }
  }

  /**
   * Unregister an agent. Returns `true` when it was deleted, `false` when it did not exist
   * (404). The backend deletes from memory only: the agent returns after a server restart.
   */
  async deleteAgent(agentId: string, options: CallOptions = {}): Promise<boolean> {
    assertSpineId('agentId', agentId);
    try {
      await this.#http.delete(this.#path(`/agents/${agentId}`), null, { signal: options.signal });
      return true;
    } catch (error) {
      if (error instanceof NotFoundError) return false;
      throw error;
    }
  }

  /** `GET /health` (always at the root). */
  healthCheck(options: CallOptions = {}): Promise<Health> {
    return this.#http.get('/health', HealthSchema, { signal: options.signal });
  }

  /** `GET /metrics` (always at the root). */
  getMetrics(options: CallOptions = {}): Promise<Metrics> {
    return this.#http.get('/metrics', MetricsSchema, { signal: options.signal });
  }

  /** `GET /status` (always at the root). */
  getStatus(options: CallOptions = {}): Promise<Status> {
    return this.#http.get('/status', StatusSchema, { signal: options.signal });
  }

  /**
   * Run many flows through a real pool of `concurrency` workers (a new item starts as soon as
   * one settles), waiting for each run unless `wait: false`. Resolves with one result per item,
   * in input order; never rejects for an item's error. See {@link BatchOptions}.
   */
  executeBatch(
    items: readonly BatchItem[],
    options: BatchOptions<ExecutionResponse> & { wait: false },
  ): Promise<BatchResult<ExecutionResponse>[]>;
  executeBatch<TOutput = Record<string, unknown>>(
    items: readonly BatchItem[],
    options?: BatchOptions<TypedExecution<TOutput>, TOutput>,
  ): Promise<BatchResult<TypedExecution<TOutput>>[]>;
  executeBatch(
    items: readonly BatchItem[],
    options: BatchOptions<TypedExecution<unknown>, unknown> | BatchOptions<ExecutionResponse> = {},
  ): Promise<BatchResult<TypedExecution<unknown> | ExecutionResponse>[]> {
    const wait = options.wait ?? true;
    return runBatch<TypedExecution<unknown> | ExecutionResponse>(
      items,
      (item, signal) => {
        const execute = { metadata: item.metadata, priority: item.priority, signal };
        return wait === false
          ? this.executeFlow(item.flowId, item.input, execute)
          : this.executeAndWait(item.flowId, item.input, {
              ...(wait === true ? {} : wait),
              ...execute,
            });
      },
      options as BatchOptions<TypedExecution<unknown> | ExecutionResponse>,
    );
  }

  /** Abort every call in flight; later calls fail with `AbortError`. Idempotent. */
  async close(): Promise<void> {
    await this.#http.close();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
