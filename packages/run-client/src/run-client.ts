// docs/protocols/agent-sdk.md §1.2-§1.9 and §6: the run, session, channel and device surface.
import { parseWire } from '@uplink/core-schemas';
import {
  type AgentMessage,
  ChannelMessageRequestSchema,
  type ChannelWebhookResponse,
  ChannelWebhookResponseSchema,
  DevicePairRequestSchema,
  type DevicePairResponse,
  DevicePairResponseSchema,
  DeviceRegisterRequestSchema,
  type DeviceRegisterResponse,
  DeviceRegisterResponseSchema,
  isFinalRunStatus,
  type ReplayEventsResponse,
  ReplayEventsResponseSchema,
  type RunMetadata,
  RunMetadataSchema,
  RunResultSchema,
  type RunTaskRequest,
  RunTaskRequestSchema,
  type SessionList,
  SessionListSchema,
  type SessionMetadata,
  SessionMetadataSchema,
  type StreamEnvelope,
  type TaskResponse,
  TaskResponseSchema,
} from '@uplink/core-schemas/agent-sdk';
import {
  anySignal,
  bearer,
  type CombinedSignal,
  CredentialMemory,
  createHttpClient,
  type HttpClient,
  header,
  type Logger,
  pickTransportOptions,
  type RequestOptions,
  randomUuid,
} from '@uplink/http';
import {
  type ResolvedRunClientOptions,
  type RunClientOptions,
  resolveRunClientOptions,
} from './client-options.js';
import {
  attachRequestId,
  checkRequest,
  type WithRequestId,
  withRequestId,
} from './request-meta.js';
import { driveRun, type EnvelopeSource } from './resume-driver.js';
import { type RunRoutes, runRoutes } from './routes.js';
import { type RunCancelHook, RunStream } from './run-stream.js';
import { SeqTracker } from './seq-tracker.js';
import { openEnvelopeSource } from './sse-source.js';
import { StreamedRunOrgs } from './streamed-run-orgs.js';
import { SDK_VERSION } from './version.js';
import { pollRun, type WaitForRunOptions } from './wait-for-run.js';

/** Options every call accepts. */
export interface CallOptions {
  /** Aborts the call (`AbortError`). */
  signal?: AbortSignal | undefined;
  /** `X-Request-Id` of the call. @default a new UUID */
  requestId?: string | undefined;
}

/** Options of {@link RunClient.run}. */
export interface RunCallOptions extends CallOptions {
  /** `Idempotency-Key`, sent on every attempt of this call. @default a new UUID per call */
  idempotencyKey?: string | undefined;
  /** Per-attempt timeout; the call lasts as long as the run. @default the client's timeoutMs */
  timeoutMs?: number | undefined;
}

/** What a synchronous run returned. */
export interface RunOutcome {
  /** The run. */
  runId: string;
  /** Its (new) session. */
  sessionId: string;
  /** The agent's messages. */
  messages: AgentMessage[];
  /** `success` (failures are errors). */
  status: string;
  /** As the server reports it (always 0 today). */
  executionTimeMs: number | undefined;
  /** The `X-Request-Id` of the call. */
  requestId: string;
  /** The `Idempotency-Key` sent on every attempt; reuse it to ask again without running twice. */
  idempotencyKey: string;
  /** The answer as the server sent it. */
  response: TaskResponse;
}

/** Options of {@link RunClient.streamRun} and {@link RunClient.events}. */
export interface StreamOptions extends CallOptions {
  /** A silent stream is resumed after this long. @default see `RunClientOptions.streamIdleTimeoutMs` */
  idleTimeoutMs?: number | undefined;
  /**
   * Called when the stream is stopped before the run ended, for servers that can cancel runs.
   * agent-sdk cannot: without this hook, stopping only stops listening.
   */
  cancel?: RunCancelHook | undefined;
}

/** Options of {@link RunClient.events}. */
export interface EventsOptions extends StreamOptions {
  /** The first seq wanted; earlier events are skipped. @default 0 */
  fromSeq?: number | undefined;
}

/** Options of {@link RunClient.replayEvents}. */
export interface ReplayOptions extends CallOptions {
  /** First seq (inclusive). @default undefined (every retained event) */
  fromSeq?: number | undefined;
  /** Page size, applied after `fromSeq`. @default the server's, 1000 */
  limit?: number | undefined;
}

/** Runs this client streamed, remembered for the org rewrite (bounded). */
/**
 * A client for agent-sdk's run and session API, for Node and browsers: synchronous runs with
 * idempotent retries, gap-free event streams that resume by replay, run and session reads,
 * session continuation, device pairing. Every request carries `X-Request-Id` (and `X-Org-Id`,
 * `X-Project-Id` when configured); every result and error reports it.
 */
export class RunClient implements AsyncDisposable {
  /** The base URL, without a trailing slash. */
  readonly baseUrl: string;
  readonly #options: ResolvedRunClientOptions;
  readonly #http: HttpClient;
  readonly #routes: RunRoutes;
  readonly #closer = new AbortController();
  readonly #clientSignal: CombinedSignal;
  readonly #active = new Set<RunStream>();
  /** The orgs of the runs this client streamed (agent-sdk rewrites them to `default`). */
  readonly #orgs: StreamedRunOrgs;
  /** The credential values this client sent (a function's recent values included), for redaction. */
  readonly #credentials = new CredentialMemory();

  constructor(options: RunClientOptions = {}) {
    this.#options = resolveRunClientOptions(options);
    this.baseUrl = this.#options.baseUrl;
    this.#routes = runRoutes(this.#options.basePath);
    this.#orgs = new StreamedRunOrgs(this.#options.orgId, () => this.logger);
    this.#clientSignal = anySignal([options.signal, this.#closer.signal]);
    const { kind } = this.#options.credential;
    const value = this.#credentials.track(this.#options.credential.value);
    this.#http = createHttpClient({
      ...pickTransportOptions(options),
      baseUrl: this.#options.baseUrl,
      sdk: { name: 'run-client', version: SDK_VERSION },
      signal: this.#clientSignal.signal,
      auth: kind === 'apiKey' ? header('X-API-Key', value) : bearer(value),
      secrets: typeof value === 'string' ? [value] : [],
    });
  }

  /** The client's (redacting) logger. */
  get logger(): Logger {
    return this.#http.logger;
  }

  // ---- runs ----------------------------------------------------------------------------

  /**
   * `POST /run`: run a task and wait for it to finish (the call lasts as long as the run).
   * One `Idempotency-Key` is generated per call and sent on every retry, and that key is why
   * this POST is retried at all: the server answers a repeated key with the first run's answer.
   * It caches successes only, so a retry after a 5xx runs the task again. The run records no
   * events (use `streamRun` to watch one).
   */
  async run(request: RunTaskRequest, options: RunCallOptions = {}): Promise<RunOutcome> {
    const body = checkRequest(RunTaskRequestSchema, request, 'request');
    const idempotencyKey = options.idempotencyKey ?? randomUuid();
    const requestId = options.requestId ?? randomUuid();
    try {
      const response = await this.#http.request('POST', this.#routes.run, TaskResponseSchema, {
        ...this.#call(requestId, options.signal),
        body,
        idempotencyKey,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
      const result = parseWire(RunResultSchema, response.data.result, 'POST /run result');
      return {
        runId: result.run_id,
        sessionId: result.session_id,
        messages: result.messages,
        status: response.data.status,
        executionTimeMs: response.data.execution_time_ms,
        requestId: response.requestId ?? requestId,
        idempotencyKey,
        response: response.data,
      };
    } catch (error) {
      throw withRequestId(error, requestId);
    }
  }

  /**
   * `POST /run/stream`: start a run and stream its events (see {@link RunStream}). Nothing is
   * sent until the stream is consumed. The stream is never retried (that would start another
   * run); once the run id is known it is resumed through the replay and `GET /run/{id}/events`.
   * Stopping it does not cancel the run: agent-sdk has no cancel endpoint.
   */
  streamRun(request: RunTaskRequest, options: StreamOptions = {}): RunStream {
    const body = checkRequest(RunTaskRequestSchema, request, 'request');
    const requestId = options.requestId ?? randomUuid();
    const idleTimeoutMs =
      options.idleTimeoutMs ??
      this.#options.streamIdleTimeoutMs ??
      (body.timeout ?? 300) * 1000 + 30_000;
    return this.#stream(undefined, new SeqTracker(), requestId, idleTimeoutMs, options, (signal) =>
      openEnvelopeSource(this.#http, this.#routes.runStream, {
        method: 'POST',
        body,
        headers: this.#headers(requestId, this.#options.orgId),
        idleTimeoutMs,
        maxEventBytes: this.#options.maxEventBytes,
        signal,
        requestId,
      }),
    );
  }

  /**
   * `GET /run/{id}/events` for an existing run, as the same gap-free {@link RunStream}. Events
   * before `fromSeq` are skipped. Do not consume a live run from two connections at once: the
   * server splits its events between them (this stream still delivers all of them, through the
   * replay, but the other consumer may not).
   */
  events(runId: string, options: EventsOptions = {}): RunStream {
    const requestId = options.requestId ?? randomUuid();
    const idleTimeoutMs = options.idleTimeoutMs ?? this.#options.streamIdleTimeoutMs ?? 330_000;
    const tracker = new SeqTracker(options.fromSeq ?? 0);
    return this.#stream(runId, tracker, requestId, idleTimeoutMs, options, (signal) =>
      this.#eventsSource(runId, requestId, idleTimeoutMs, signal),
    );
  }

  /**
   * `GET /run/{id}`. For a run this client streamed, a 403 is the server's org rewrite of
   * finished streamed runs, not a permission change: the read is repeated as org `default`.
   */
  async getRun(runId: string, options: CallOptions = {}): Promise<WithRequestId<RunMetadata>> {
    const requestId = options.requestId ?? randomUuid();
    try {
      return await this.#orgs.read(runId, async (org) => {
        const response = await this.#http.request(
          'GET',
          this.#routes.getRun(runId),
          RunMetadataSchema,
          this.#call(requestId, options.signal, org),
        );
        return attachRequestId(response.data, response.requestId ?? requestId);
      });
    } catch (error) {
      throw withRequestId(error, requestId);
    }
  }

  /**
   * Poll `GET /run/{id}` until the run's status is final (`completed`, `error`, `timeout`,
   * `canceled`): once at once, then backing off. For runs whose stream was lost. A 403 on a
   * run this client streamed itself is the org rewrite of finished streamed runs (not a
   * permission change), so that read is repeated as org `default`. A failed run is returned,
   * not thrown: check `status`.
   */
  async waitForRun(runId: string, options: WaitForRunOptions = {}): Promise<RunMetadata> {
    const requestId = options.requestId ?? randomUuid();
    return pollRun((signal) => this.getRun(runId, { signal, requestId }), options);
  }

  /**
   * `GET /run/{id}/events/replay`: one page of stored events, `seq >= fromSeq` (plus every
   * event without a seq), at most `limit`. There is no "more" flag: a full page may have a
   * successor. Org rewrite handled as in {@link getRun}.
   */
  async replayEvents(
    runId: string,
    options: ReplayOptions = {},
  ): Promise<WithRequestId<ReplayEventsResponse>> {
    const requestId = options.requestId ?? randomUuid();
    try {
      return await this.#orgs.read(runId, async (org) => {
        const response = await this.#http.request(
          'GET',
          this.#routes.replay(runId),
          ReplayEventsResponseSchema,
          {
            ...this.#call(requestId, options.signal, org),
            query: { from_seq: options.fromSeq, limit: options.limit },
          },
        );
        return attachRequestId(response.data, response.requestId ?? requestId);
      });
    } catch (error) {
      throw withRequestId(error, requestId);
    }
  }

  // ---- sessions, channels, devices ------------------------------------------------------

  /**
   * `GET /sessions`: sessions of the org, newest first. The server applies `limit` before
   * filtering by org, so a page can be short, or empty, while older sessions of the org exist;
   * there is no cursor.
   */
  async listSessions(
    options: CallOptions & { limit?: number | undefined } = {},
  ): Promise<WithRequestId<SessionList>> {
    return this.#get(this.#routes.sessions, SessionListSchema, options, { limit: options.limit });
  }

  /** `GET /sessions/{id}`. */
  async getSession(
    sessionId: string,
    options: CallOptions = {},
  ): Promise<WithRequestId<SessionMetadata>> {
    return this.#get(this.#routes.session(sessionId), SessionMetadataSchema, options);
  }

  /**
   * `POST /channels/webhook` with `session_id`: add a message to a session (the only HTTP way
   * to continue one) and wait for the agent's answer. An unknown `sessionId` is created under
   * that id. Not retried: the server has no idempotency for it.
   */
  async continueSession(
    sessionId: string,
    message: string,
    options: CallOptions & { userId?: string | undefined } = {},
  ): Promise<WithRequestId<ChannelWebhookResponse>> {
    const body = checkRequest(
      ChannelMessageRequestSchema,
      {
        message,
        session_id: sessionId,
        channel: 'web',
        ...(options.userId === undefined ? {} : { user_id: options.userId }),
      },
      'message',
    );
    return this.#post(this.#routes.channelWebhook, ChannelWebhookResponseSchema, body, options);
  }

  /** `POST /devices/register`: a device id and its pairing code. */
  async registerDevice(
    name: string,
    options: CallOptions = {},
  ): Promise<WithRequestId<DeviceRegisterResponse>> {
    const body = checkRequest(DeviceRegisterRequestSchema, { name }, 'device');
    return this.#post(this.#routes.deviceRegister, DeviceRegisterResponseSchema, body, options);
  }

  /** `POST /devices/pair`; a wrong code or an unknown device is a `BadRequestError`. */
  async pairDevice(
    pairing: { deviceId: string; pairingCode: string; agentId: string },
    options: CallOptions = {},
  ): Promise<WithRequestId<DevicePairResponse>> {
    const body = checkRequest(
      DevicePairRequestSchema,
      { device_id: pairing.deviceId, pairing_code: pairing.pairingCode, agent_id: pairing.agentId },
      'pairing',
    );
    return this.#post(this.#routes.devicePair, DevicePairResponseSchema, body, options);
  }

  // ---- lifecycle -----------------------------------------------------------------------

  /** Stop every open stream and abort every call; later calls fail with `AbortError`. */
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

  // ---- internals -----------------------------------------------------------------------

  #headers(requestId: string, org: string | undefined): Record<string, string> {
    const headers: Record<string, string> = { 'x-request-id': requestId };
    if (org !== undefined) headers['x-org-id'] = org;
    if (this.#options.projectId !== undefined) headers['x-project-id'] = this.#options.projectId;
    return headers;
  }

  #call(
    requestId: string,
    signal: AbortSignal | undefined,
    org = this.#options.orgId,
  ): RequestOptions {
    return { headers: this.#headers(requestId, org), ...(signal ? { signal } : {}) };
  }

  async #get<S extends typeof SessionListSchema | typeof SessionMetadataSchema>(
    path: string,
    schema: S,
    options: CallOptions,
    query?: RequestOptions['query'],
  ) {
    const requestId = options.requestId ?? randomUuid();
    try {
      const response = await this.#http.request('GET', path, schema, {
        ...this.#call(requestId, options.signal),
        ...(query ? { query } : {}),
      });
      return attachRequestId(response.data as object, response.requestId ?? requestId) as never;
    } catch (error) {
      throw withRequestId(error, requestId);
    }
  }

  async #post<
    S extends
      | typeof ChannelWebhookResponseSchema
      | typeof DeviceRegisterResponseSchema
      | typeof DevicePairResponseSchema,
  >(path: string, schema: S, body: unknown, options: CallOptions) {
    const requestId = options.requestId ?? randomUuid();
    try {
      const response = await this.#http.request('POST', path, schema, {
        ...this.#call(requestId, options.signal),
        body,
      });
      return attachRequestId(response.data as object, response.requestId ?? requestId) as never;
    } catch (error) {
      throw withRequestId(error, requestId);
    }
  }

  /**
   * `GET /run/{id}/events` with the org rewrite handled before the first event: the 403 comes
   * with the response, so the first read goes through `StreamedRunOrgs.read`. Hand-written rather than an
   * async generator: every event passes through here, and a generator's hops cost throughput.
   */
  #eventsSource(
    runId: string,
    requestId: string,
    idleTimeoutMs: number,
    signal: AbortSignal,
  ): EnvelopeSource {
    let source: EnvelopeSource | undefined;
    let first: Promise<IteratorResult<StreamEnvelope, unknown>> | undefined;
    const open = (org: string | undefined): EnvelopeSource =>
      openEnvelopeSource(this.#http, this.#routes.events(runId), {
        method: 'GET',
        headers: this.#headers(requestId, org),
        idleTimeoutMs,
        maxEventBytes: this.#options.maxEventBytes,
        signal,
        requestId,
      });
    return {
      next: () => {
        if (source && !first) return source.next();
        first ??= this.#orgs
          .read(runId, async (org) => {
            await source?.return?.();
            source = open(org);
            return source.next();
          })
          .finally(() => {
            first = undefined;
          });
        return first;
      },
      return: async () => {
        await source?.return?.();
        return { done: true, value: undefined };
      },
    };
  }

  #stream(
    runId: string | undefined,
    tracker: SeqTracker,
    requestId: string,
    idleTimeoutMs: number,
    options: StreamOptions,
    open: (signal: AbortSignal) => EnvelopeSource,
  ): RunStream {
    const probeMs = this.#options.statusProbeMs;
    const stream: RunStream = new RunStream({
      runId,
      requestId,
      signals: [options.signal, this.#clientSignal.signal],
      cancel: options.cancel,
      onSettled: () => this.#active.delete(stream),
      events: (signal) =>
        driveRun({
          open,
          reopen: (id, connection) => this.#eventsSource(id, requestId, idleTimeoutMs, connection),
          replayPage: async (id, fromSeq, limit, pageSignal) =>
            this.replayEvents(id, { fromSeq, limit, signal: pageSignal, requestId }),
          isFinished: async (id, probeSignal) =>
            isFinalRunStatus((await this.getRun(id, { signal: probeSignal, requestId })).status),
          probe:
            probeMs === false ? undefined : { firstMs: probeMs, maxMs: Math.max(probeMs, 30_000) },
          tracker,
          runId,
          limits: {
            maxResumeAttempts: this.#options.maxResumeAttempts,
            replayPageSize: this.#options.replayPageSize,
            maxReplayPages: this.#options.maxReplayPages,
            resumeDelayMs: this.#options.resumeDelayMs,
          },
          signal,
          requestId,
          logger: this.logger,
          redact: this.#credentials.redact,
          onEvent: (envelope) => {
            if (runId === undefined) {
              const org = envelope.metadata?.org_id;
              this.#orgs.remember(
                envelope.run_id,
                typeof org === 'string' ? org : this.#options.orgId,
              );
            }
          },
        }),
    });
    this.#active.add(stream);
    return stream;
  }
}
