// docs/protocols/llama-orch.md §14 (planned SDK surface) and §16 (what a client must do).
import { ConnectionError, RateLimitError, TimeoutError } from '@uplink/core-schemas';
import {
  AdmissionResponseSchema,
  type Capabilities,
  CapabilitiesSchema,
  type PoolHealth,
  PoolHealthSchema,
  type SessionInfo,
  SessionInfoSchema,
} from '@uplink/core-schemas/llama-orch';
import {
  type AuthStrategy,
  anySignal,
  bearer,
  CredentialMemory,
  createHttpClient,
  type HttpClient,
  header,
  pickTransportOptions,
  type RequestOptions,
  randomUuid,
} from '@uplink/http';
import { type AdmissionRetryOptions, withAdmissionRetry } from './admission-retry.js';
import { parseBudgetHeaders } from './budget-headers.js';
import { type OrchClientOptions, resolveOrchClientOptions } from './client-options.js';
import { type CompletionResult, CompletionStream } from './completion-stream.js';
import {
  AdmissionRejectedError,
  AmbiguousEnqueueError,
  type EnqueueContext,
  wasNeverSent,
} from './enqueue-errors.js';
import { type EnqueueResult, resolveStreamUrl } from './enqueue-result.js';
import { type ApiVersion, type OrchRoutes, routesFor } from './routes.js';
import type { CompletionRequest, TaskRequestInput } from './task-request-input.js';
import { openTaskStream, type TaskStream } from './task-stream.js';
import { SDK_VERSION } from './version.js';

/** Options every call accepts. */
export interface CallOptions {
  /** Aborts the call. */
  signal?: AbortSignal | undefined;
  /** `X-Correlation-Id` for this call. @default the client's, else a new UUID */
  correlationId?: string | undefined;
}

/** Options of {@link OrchClient.streamTask}. */
export interface StreamTaskOptions extends CallOptions {
  /**
   * Ask for `?verbose=true`: `metrics` frames may carry narration (`human`, `phase`).
   * @default false
   */
  verbose?: boolean | undefined;
  /**
   * End the stream with `TimeoutError` (`total`) when it has not ended after this long (pass
   * the task's `deadline_ms`). The task is not cancelled; call `cancelTask` for that.
   * `streamCompletion` enforces its request's `deadline_ms` itself.
   * @default undefined (no deadline; the idle timeout still applies)
   */
  deadlineMs?: number | undefined;
}

/** Options of {@link OrchClient.enqueueTask}. */
export interface EnqueueOptions extends CallOptions {
  /**
   * Retry admission refusals (429, and 503 pool errors marked `retriable`), honouring the
   * server's delay hint. Off unless given: a refusal is thrown at once as
   * {@link AdmissionRejectedError} (or the 503's `InternalServerError`). `{}` uses the defaults.
   * A lost or late answer is never retried, whatever this says ({@link AmbiguousEnqueueError}).
   * @default undefined (no retry)
   */
  admissionRetry?: AdmissionRetryOptions | undefined;
}

/** Options of {@link OrchClient.streamCompletion} and {@link OrchClient.createCompletion}. */
export interface CompletionOptions extends StreamTaskOptions {
  /** See {@link EnqueueOptions.admissionRetry}. @default undefined (no retry) */
  admissionRetry?: AdmissionRetryOptions | undefined;
  /**
   * Keep every token's text for `finalResult()`'s `text` and `tokens` while the chunks are
   * iterated (or read through `textStream` or a readable stream). Off, a completion keeps
   * nothing per token, however long it runs, and `finalResult()` still gives the counts, ids,
   * metrics and end; reading its `text` or `tokens` then throws, saying to turn this on. When
   * `finalResult()` alone consumes the stream (and in `createCompletion`) the text is kept.
   * @default false
   */
  keepText?: boolean | undefined;
}

/** Options of {@link OrchClient.drainPool}. */
export interface DrainPoolOptions extends CallOptions {
  /** Deadline for the drain, in milliseconds (`deadline_ms`). */
  deadlineMs: number;
}

/** Options of {@link OrchClient.reloadPool}. */
export interface ReloadPoolOptions extends CallOptions {
  /** The model to load (`new_model_ref`, same schemes as `model_ref`). */
  modelRef: string;
}

/**
 * A llama-orch client for Node and browsers: control plane (capabilities, pools, sessions),
 * data plane (enqueue, stream, cancel) and completions built on both. Every request carries
 * `X-Correlation-Id`; v1 authenticates with `X-API-Key`, v2 with Bearer (both are sent when
 * both are configured).
 */
export class OrchClient implements AsyncDisposable {
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string;
  /** The API generation in use. */
  readonly apiVersion: ApiVersion;

  readonly #http: HttpClient;
  readonly #routes: OrchRoutes;
  readonly #correlationId: string | undefined;
  readonly #streamIdleTimeoutMs: number;
  readonly #cancelTimeoutMs: number;
  readonly #closer = new AbortController();
  readonly #clientSignal: { signal: AbortSignal; dispose(): void };
  readonly #active = new Set<CompletionStream>();
  /** Credentials this client sends (a token function's recent values included), for redaction. */
  readonly #credentials = new CredentialMemory();

  constructor(options: OrchClientOptions = {}) {
    const resolved = resolveOrchClientOptions(options);
    this.baseUrl = resolved.baseUrl;
    this.apiVersion = resolved.apiVersion;
    this.#routes = routesFor(resolved.apiVersion);
    this.#correlationId = options.correlationId;
    this.#streamIdleTimeoutMs = resolved.streamIdleTimeoutMs;
    this.#cancelTimeoutMs = resolved.cancelTimeoutMs;
    this.#clientSignal = anySignal([options.signal, this.#closer.signal]);
    const { apiKey, token } = resolved;
    const auth = combineAuth([
      apiKey === undefined ? undefined : header('X-API-Key', apiKey),
      token === undefined ? undefined : bearer(this.#credentials.track(token)),
    ]);
    this.#credentials.add(apiKey);
    const secrets = [apiKey, typeof token === 'string' ? token : undefined];
    this.#http = createHttpClient({
      ...pickTransportOptions(options),
      baseUrl: resolved.baseUrl,
      sdk: { name: 'orch-client', version: SDK_VERSION },
      signal: this.#clientSignal.signal,
      secrets: secrets.filter((s): s is string => s !== undefined),
      ...(auth ? { auth } : {}),
    });
  }

  // ---- control plane -------------------------------------------------------------------

  /** `GET /v1/capabilities` (v2 `/v2/meta/capabilities`). `models` and `pools` stay optional. */
  async getCapabilities(options: CallOptions = {}): Promise<Capabilities> {
    return this.#http.get(this.#routes.capabilities, CapabilitiesSchema, this.#call(options));
  }

  /** `GET …/pools/{id}/health`. */
  async getPoolHealth(poolId: string, options: CallOptions = {}): Promise<PoolHealth> {
    return this.#http.get(this.#routes.poolHealth(poolId), PoolHealthSchema, this.#call(options));
  }

  /** `POST …/pools/{id}/drain` with `{deadline_ms}`. Any 2xx is success. */
  async drainPool(poolId: string, options: DrainPoolOptions): Promise<void> {
    await this.#http.request('POST', this.#routes.poolDrain(poolId), null, {
      ...this.#call(options),
      body: { deadline_ms: options.deadlineMs },
    });
  }

  /** `POST …/pools/{id}/reload` with `{new_model_ref}`. Any 2xx is success; 409 is `ConflictError`. */
  async reloadPool(poolId: string, options: ReloadPoolOptions): Promise<void> {
    await this.#http.request('POST', this.#routes.poolReload(poolId), null, {
      ...this.#call(options),
      body: { new_model_ref: options.modelRef },
    });
  }

  /** `GET …/sessions/{id}`. */
  async getSession(sessionId: string, options: CallOptions = {}): Promise<SessionInfo> {
    return this.#http.get(this.#routes.session(sessionId), SessionInfoSchema, this.#call(options));
  }

  /** `DELETE …/sessions/{id}` (204). */
  async deleteSession(sessionId: string, options: CallOptions = {}): Promise<void> {
    await this.#http.request('DELETE', this.#routes.session(sessionId), null, this.#call(options));
  }

  // ---- data plane ----------------------------------------------------------------------

  /**
   * `POST …/tasks`, sent once. llama-orch admits a repeated `task_id` again (§5.3), so the
   * transport never repeats this call (the client's `retry` policy does not apply):
   * - a 429 is thrown at once as {@link AdmissionRejectedError} (`retryAfterMs`, `policyLabel`);
   *   retry admission refusals only by choice, with `admissionRetry`;
   * - a connection lost after sending, or a timeout, throws {@link AmbiguousEnqueueError}: the
   *   task may be admitted, and the client does not send it again;
   * - a connection that was never made (refused, unknown host) is a plain `ConnectionError`.
   * Generates `task_id` and `session_id` when absent.
   */
  async enqueueTask(
    request: TaskRequestInput,
    options: EnqueueOptions = {},
  ): Promise<EnqueueResult> {
    const body = {
      ...request,
      task_id: request.task_id ?? randomUuid(),
      session_id: request.session_id ?? randomUuid(),
    };
    const correlationId = this.#correlationFor(options);
    const context: EnqueueContext = {
      taskId: body.task_id,
      sessionId: body.session_id,
      correlationId,
    };
    const call = this.#call({ ...options, correlationId });
    const signals = anySignal([options.signal, this.#clientSignal.signal]);
    const response = await withAdmissionRetry(
      () =>
        this.#http
          .request('POST', this.#routes.tasks, AdmissionResponseSchema, {
            ...call,
            body,
            idempotent: false,
          })
          .catch((error: unknown) => {
            throw enqueueFailure(error, context);
          }),
      options.admissionRetry,
      { signal: signals.signal, logger: this.#http.logger, taskId: body.task_id },
    ).finally(() => signals.dispose());
    return {
      admission: response.data,
      taskId: body.task_id,
      sessionId: body.session_id,
      correlationId: response.correlationId ?? correlationId,
      budget: parseBudgetHeaders(response.headers),
      streamUrl: resolveStreamUrl(response.data, this.baseUrl, this.#routes.stream(body.task_id)),
    };
  }

  /**
   * `GET …/tasks/{id}/stream` (v2 `…/events`): normalised events (`started`, `token`, `metrics`,
   * `end`, `error`) until the first `end` or `error`. Leaving the loop closes the HTTP stream
   * but does not cancel the task; call {@link cancelTask} for that.
   */
  streamTask(taskId: string, options: StreamTaskOptions = {}): TaskStream {
    return openTaskStream({
      http: this.#http,
      path: this.#routes.stream(taskId),
      taskId,
      correlationId: this.#correlationFor(options),
      verbose: options.verbose === true,
      idleTimeoutMs: this.#streamIdleTimeoutMs,
      deadlineMs: options.deadlineMs,
      signal: options.signal,
    });
  }

  /** `POST …/tasks/{id}/cancel` (204; unknown ids and repeats are harmless, so it is retried). */
  async cancelTask(taskId: string, options: CallOptions = {}): Promise<void> {
    await this.#http.request('POST', this.#routes.cancel(taskId), null, {
      ...this.#call(options),
      idempotent: true,
    });
  }

  // ---- completions ---------------------------------------------------------------------

  /**
   * Enqueue `request` and stream it as a {@link CompletionStream}. Nothing is sent until the
   * stream is consumed (iterated, `textStream`, `toReadableStream()` or `finalResult()`).
   * `workload` defaults to `completion`, `priority` to `interactive`, `deadline_ms` to 30000.
   * The server does not stop a task at its `deadline_ms`, so the client does, from the enqueue
   * on: past it the completion fails with `TimeoutError` (`total`) and the task is cancelled on
   * the server.
   */
  streamCompletion(request: CompletionRequest, options: CompletionOptions = {}): CompletionStream {
    const correlationId = this.#correlationFor(options);
    const taskRequest: TaskRequestInput & { task_id: string; session_id: string } = {
      ...request,
      workload: request.workload ?? 'completion',
      priority: request.priority ?? 'interactive',
      deadline_ms: request.deadline_ms ?? 30_000,
      task_id: request.task_id ?? randomUuid(),
      session_id: request.session_id ?? randomUuid(),
    };
    const taskId = taskRequest.task_id;
    const stream: CompletionStream = new CompletionStream({
      taskId,
      sessionId: taskRequest.session_id,
      correlationId,
      signals: [options.signal, this.#clientSignal.signal],
      enqueue: (signal) =>
        this.enqueueTask(taskRequest, {
          signal,
          correlationId,
          admissionRetry: options.admissionRetry,
        }),
      openStream: (signal) =>
        this.streamTask(taskId, { signal, correlationId, verbose: options.verbose }),
      cancel: () => this.#cancelQuietly(taskId, correlationId),
      onSettled: () => this.#active.delete(stream),
      secrets: () => this.#credentials.values(),
      deadlineMs: taskRequest.deadline_ms,
      keepText: options.keepText === true,
    });
    this.#active.add(stream);
    return stream;
  }

  /** Enqueue, stream to the end and join the tokens in `i` order. */
  async createCompletion(
    request: CompletionRequest,
    options: CompletionOptions = {},
  ): Promise<CompletionResult> {
    return this.streamCompletion(request, options).finalResult();
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /** Abort every running completion (cancelling its task on the server), then every other call. */
  async close(): Promise<void> {
    await Promise.all([...this.#active].map((stream) => stream.abort()));
    this.#active.clear();
    this.#closer.abort();
    this.#clientSignal.dispose();
    await this.#http.close();
  }

  /** Same as {@link close}, for `await using`. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #correlationFor(options: CallOptions): string {
    return options.correlationId ?? this.#correlationId ?? randomUuid();
  }

  #call(options: CallOptions): RequestOptions {
    return {
      headers: { 'x-correlation-id': this.#correlationFor(options) },
      ...(options.signal ? { signal: options.signal } : {}),
    };
  }

  async #cancelQuietly(taskId: string, correlationId: string): Promise<void> {
    try {
      await this.cancelTask(taskId, {
        correlationId,
        signal: AbortSignal.timeout(this.#cancelTimeoutMs),
      });
    } catch (error) {
      // Best effort: the stream is already closed, and the caller asked to stop, not to fail.
      this.#http.logger.warn('cancel after abort failed', {
        taskId,
        correlationId,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/**
 * What a failed enqueue means for the task: a 429 is a typed refusal; a lost answer or a
 * timeout after sending is ambiguous; anything else (other statuses, a refused connection, an
 * abort) is thrown as the transport raised it.
 */
function enqueueFailure(error: unknown, context: EnqueueContext): unknown {
  if (error instanceof RateLimitError) return AdmissionRejectedError.from(error, context);
  if (error instanceof TimeoutError) return AmbiguousEnqueueError.from(error, context);
  if (error instanceof ConnectionError && !wasNeverSent(error)) {
    return AmbiguousEnqueueError.from(error, context);
  }
  return error;
}

/** Merge credential strategies (v1 key and v2 token may both be sent). */
function combineAuth(strategies: (AuthStrategy | undefined)[]): AuthStrategy | undefined {
  const list = strategies.filter((s): s is AuthStrategy => s !== undefined);
  if (list.length <= 1) return list[0];
  return async (request) => {
    const parts = await Promise.all(list.map((strategy) => strategy(request)));
    return Object.assign({}, ...parts);
  };
}
