// docs/protocols/luml.md §3, §4 and §18 (worker endpoints and the quirks a client must handle)
import {
  ApiError,
  apiErrorInit,
  ConfigurationError,
  createApiError,
  NotFoundError,
  parseArgument,
  redactText,
  redactUrl,
  redactValue,
} from '@uplink/core-schemas';
import {
  type ArtifactWithUrl,
  ArtifactWithUrlSchema,
  type Deployment,
  DeploymentSchema,
  type DeploymentStatus,
  DeploymentStatusSchema,
  type DeploymentUpdate,
  DeploymentUpdateSchema,
  DownloadUrlSchema,
  InferenceAccessResponseSchema,
  type OrbitSecret,
  OrbitSecretSchema,
  PairRequestSchema,
  type Satellite,
  SatelliteSchema,
  type SatelliteTask,
  SatelliteTaskSchema,
  type TaskStatus,
  TaskStatusSchema,
} from '@uplink/core-schemas/luml';
import {
  anySignal,
  bearer,
  createRedactingLogger,
  createRequestClient,
  describeKind,
  type Logger,
  pickTransportOptions,
  type RequestClient,
  type RequestOptions,
  silentLogger,
} from '@uplink/http';
import * as v from 'valibot';
import { type PlatformClientOptions, resolvePlatformSettings } from './platform-client-options.js';
import type {
  CallOptions,
  PairOptions,
  SatellitePlatform,
  UpdateDeploymentOptions,
} from './satellite-platform.js';
import { splitTaskRows, type TaskList } from './task-list.js';
import { TtlCache } from './ttl-cache.js';
import { VERSION } from './version.js';

const API = '/satellites/v1';
/** Rows are validated one by one after the fetch (see `splitTaskRows`), so one bad row cannot hide the rest. */
const TaskRowsSchema = v.array(v.unknown());
const DeploymentListSchema = v.array(DeploymentSchema);
const SecretListSchema = v.array(OrbitSecretSchema);

/** The fields the wire PATCH overwrites (with null when omitted). */
const PATCHED_FIELDS = ['inference_url', 'schemas', 'error_message', 'tags'] as const;

/** The platform's limit on `api_key` in the inference-access body (longer keys get a 422). */
const MAX_API_KEY_LENGTH = 255;

/**
 * The caller's user key is not one of the transport's secrets (it changes per call), and a
 * 422 or a proxy page may echo it back; rebuild such an error with the key replaced.
 */
function scrubApiError(error: unknown, secret: string): unknown {
  if (!(error instanceof ApiError)) return error;
  const seen = [error.message, JSON.stringify(error.body ?? null), JSON.stringify(error.headers)];
  if (!seen.some((text) => text.includes(secret))) return error;
  // No cause: the original holds the secret.
  return createApiError(redactText(error.message, [secret]), {
    ...apiErrorInit(error),
    headers: redactValue(error.headers, [secret]),
    body: redactValue(error.body, [secret]),
  });
}

/** An argument of the wrong type (from a JS caller), described by kind only, never echoed. */
function notAn(setting: string, expected: string, value: unknown): ConfigurationError {
  return new ConfigurationError([
    { setting, message: `expected ${expected}, got ${describeKind(value)}` },
  ]);
}

/** The per-call options a method passes on to the transport. */
function callOptions(options: CallOptions | undefined): Pick<RequestOptions, 'signal' | 'retry'> {
  return options?.retry === false
    ? { signal: options.signal, retry: false }
    : { signal: options?.signal };
}

/** A path segment from a caller-supplied id, escaped so it cannot change the route. */
const seg = (id: string): string => encodeURIComponent(id);

/**
 * Typed client for the LUML satellite API (`/satellites/v1`), built on `@uplink/http`.
 * Runtime-neutral. Guards the wire quirks: the PATCH that nulls omitted fields, `artifact`
 * (not `model`), the relative `inference_url`, the 204 DELETE.
 */
export class PlatformClient implements SatellitePlatform, AsyncDisposable {
  /** The platform API root in use (no trailing slash). */
  readonly baseUrl: string;
  readonly #http: RequestClient;
  readonly #logger: Logger;
  readonly #closer = new AbortController();
  readonly #clientSignal: { signal: AbortSignal; dispose(): void };
  readonly #access: TtlCache<boolean> | undefined;
  readonly #secrets: TtlCache<OrbitSecret> | undefined;

  /** @deprecated Use {@link PlatformClient.baseUrl} (same value). */
  get platformUrl(): string {
    return this.baseUrl;
  }

  /** @throws {ConfigurationError} listing every bad or missing setting (the token is never shown). */
  constructor(input: PlatformClientOptions = {}) {
    // `null` from a JS caller means "no options", like undefined.
    const options: PlatformClientOptions = input ?? {};
    const settings = resolvePlatformSettings(options);
    const { token } = settings;
    this.baseUrl = settings.baseUrl;
    this.#logger = createRedactingLogger(options.logger ?? silentLogger, () => [token]);
    if (settings.tokenWarning) this.#logger.warn(settings.tokenWarning);
    // The caller's signal and close() both end every call in flight.
    this.#clientSignal = anySignal([options.signal, this.#closer.signal]);
    this.#http = createRequestClient({
      ...pickTransportOptions(options),
      baseUrl: settings.baseUrl,
      auth: bearer(token),
      headers: { ...options.headers, accept: 'application/json' },
      sdk: { name: 'platform-client', version: VERSION },
      logger: this.#logger,
      secrets: [token],
      signal: this.#clientSignal.signal,
      timeoutMs: options.timeoutMs ?? 30_000,
    });
    this.#access =
      settings.inferenceAccessTtlMs > 0
        ? new TtlCache({ ttlMs: settings.inferenceAccessTtlMs })
        : undefined;
    this.#secrets =
      settings.secretTtlMs > 0 ? new TtlCache({ ttlMs: settings.secretTtlMs }) : undefined;
  }

  async #call<S extends v.GenericSchema | null>(
    method: string,
    path: string,
    schema: S,
    options: RequestOptions,
  ): Promise<S extends v.GenericSchema ? v.InferOutput<S> : undefined> {
    const response = await this.#http.request(method, `${API}${path}`, schema, options);
    return response.data;
  }

  /** `POST /pair`. Idempotent on the platform, so it is retried like a read. */
  async pair(options: PairOptions): Promise<Satellite> {
    if (typeof options?.baseUrl !== 'string') throw notAn('pair.base_url', 'a URL string', options);
    const body = {
      base_url: options.baseUrl.trim().replace(/\/+$/u, ''),
      capabilities: options.capabilities,
      ...(options.slug === undefined ? {} : { slug: options.slug }),
    };
    return this.#call('POST', '/pair', SatelliteSchema, {
      body: parseArgument(PairRequestSchema, body, 'pair'),
      idempotent: true,
      ...callOptions(options),
    });
  }

  /**
   * `GET /tasks[?status=]`. Without `status`, every task of this satellite. Rows are validated
   * one by one: the result holds the valid tasks, and `result.rejected` every row that does
   * not match the task schema (its index, id, type and what is wrong, never its values), so
   * one malformed task cannot block the others. A body that is not an array is still a
   * `ResponseValidationError`.
   */
  async listTasks(
    query: { status?: TaskStatus | undefined } & CallOptions = {},
  ): Promise<TaskList> {
    if (query?.status !== undefined && !v.is(TaskStatusSchema, query?.status)) {
      throw new ConfigurationError([
        {
          setting: 'status',
          message: `expected one of ${TaskStatusSchema.options.join(', ')}, got "${query?.status}"`,
        },
      ]);
    }
    const rows = await this.#call('GET', '/tasks', TaskRowsSchema, {
      query: { status: query?.status },
      ...callOptions(query),
    });
    const tasks = splitTaskRows(rows);
    if (tasks.rejected.length > 0) {
      this.#logger.warn('listTasks: rows that do not match the task schema were set aside', {
        rejected: tasks.rejected.length,
        rows: tasks.rejected.map(({ index, id, problem }) => ({ index, id, problem })),
      });
    }
    return tasks;
  }

  /**
   * `POST /tasks/{id}/status`. Not retried: the platform stamps `started_at`/`finished_at` on
   * each update and has no idempotency keys; the worker runtime's outbox owns that retry.
   */
  async updateTaskStatus(
    taskId: string,
    status: TaskStatus,
    result?: Record<string, unknown> | null,
    options: CallOptions = {},
  ): Promise<SatelliteTask> {
    if (!v.is(TaskStatusSchema, status)) {
      throw new ConfigurationError([
        {
          setting: 'status',
          message: `expected one of ${TaskStatusSchema.options.join(', ')} ("done", not "completed"), got "${String(status)}"`,
        },
      ]);
    }
    if (
      result !== undefined &&
      result !== null &&
      (typeof result !== 'object' || Array.isArray(result))
    )
      throw notAn('result', 'an object, null or nothing', result);
    return this.#call('POST', `/tasks/${seg(taskId)}/status`, SatelliteTaskSchema, {
      body: result === undefined ? { status } : { status, result },
      ...callOptions(options),
    });
  }

  /** `GET /deployments`: every deployment of this satellite, any status. */
  async listDeployments(options: CallOptions = {}): Promise<Deployment[]> {
    return this.#call('GET', '/deployments', DeploymentListSchema, callOptions(options));
  }

  /** `GET /deployments/{id}`. `inference_url` stays relative; see `resolveInferenceUrl`. */
  async getDeployment(id: string, options: CallOptions = {}): Promise<Deployment> {
    return this.#call('GET', `/deployments/${seg(id)}`, DeploymentSchema, {
      ...callOptions(options),
    });
  }

  /**
   * `PATCH /deployments/{id}`. The wire PATCH stores null for every field left out, and a
   * missing `status` is a 500; so `status` is required and, by default, the current deployment
   * is read first and every field the update does not name is resent unchanged. Fields set to
   * `null` explicitly are cleared. Pass `{ merge: false }` to send `update` as is.
   * The read-modify-write is not atomic: run one writer per deployment.
   */
  async updateDeployment(
    id: string,
    update: DeploymentUpdate,
    options: UpdateDeploymentOptions = {},
  ): Promise<Deployment> {
    if (typeof update !== 'object' || update === null)
      throw notAn('update', 'an object with `status`', update);
    const defined = Object.fromEntries(
      Object.entries(update).filter(([, value]) => value !== undefined),
    );
    const checked = parseArgument(DeploymentUpdateSchema, defined, 'update');
    let body: Record<string, unknown> = checked;
    if (options?.merge !== false) {
      const current = await this.getDeployment(id, options);
      body = { status: checked.status };
      for (const field of PATCHED_FIELDS) {
        body[field] = field in checked ? checked[field] : current[field];
      }
    }
    return this.#call('PATCH', `/deployments/${seg(id)}`, DeploymentSchema, {
      body,
      // A full-body PATCH sets state; repeating it converges to the same row.
      idempotent: true,
      ...callOptions(options),
    });
  }

  /** `PATCH /deployments/{id}/status`: a true status-only update; other fields are untouched. */
  async updateDeploymentStatus(
    id: string,
    status: DeploymentStatus,
    options: CallOptions = {},
  ): Promise<Deployment> {
    if (!v.is(DeploymentStatusSchema, status)) {
      throw new ConfigurationError([
        {
          setting: 'status',
          message: `expected one of ${DeploymentStatusSchema.options.join(', ')}, got "${String(status)}"`,
        },
      ]);
    }
    return this.#call('PATCH', `/deployments/${seg(id)}/status`, DeploymentSchema, {
      body: { status },
      idempotent: true,
      ...callOptions(options),
    });
  }

  /**
   * `DELETE /deployments/{id}` (204, empty). The platform allows it only in
   * `deletion_pending`; otherwise it is a `ConflictError` carrying the server's message.
   */
  async deleteDeployment(id: string, options: CallOptions = {}): Promise<void> {
    await this.#call('DELETE', `/deployments/${seg(id)}`, null, callOptions(options));
  }

  /** `GET /artifacts/{id}`: `{artifact, url}` (the key is `artifact`, not `model`). */
  async getArtifact(id: string, options: CallOptions = {}): Promise<ArtifactWithUrl> {
    return this.#call('GET', `/artifacts/${seg(id)}`, ArtifactWithUrlSchema, {
      ...callOptions(options),
    });
  }

  /** `GET /artifacts/{id}/download-url`: a presigned GET URL, valid 12 hours after minting. */
  async getArtifactDownloadUrl(id: string, options: CallOptions = {}): Promise<string> {
    const { url } = await this.#call(
      'GET',
      `/artifacts/${seg(id)}/download-url`,
      DownloadUrlSchema,
      callOptions(options),
    );
    return url;
  }

  /** `GET /secrets`: the orbit's secrets with decrypted values. Not cached. */
  async listSecrets(options: CallOptions = {}): Promise<OrbitSecret[]> {
    return this.#call('GET', '/secrets', SecretListSchema, callOptions(options));
  }

  /**
   * `GET /secrets/{id}`, cached per id (60 s by default, `cache.secretTtlMs`). Concurrent
   * reads of one id share one request; aborting one caller's signal ends only that caller's wait.
   */
  async getSecret(id: string, options: CallOptions = {}): Promise<OrbitSecret> {
    const load = (signal: AbortSignal | undefined) =>
      this.#call('GET', `/secrets/${seg(id)}`, OrbitSecretSchema, { signal });
    // The shared load runs on the cache's signal; the caller's only ends the caller's wait.
    return this.#secrets
      ? this.#secrets.get(id, load, options?.signal, `GET ${API}/secrets/{id}`)
      : load(options?.signal);
  }

  /** The secret called `name`, from {@link listSecrets}. @throws {NotFoundError} when there is none. */
  async getSecretByName(name: string, options: CallOptions = {}): Promise<OrbitSecret> {
    const secrets = await this.listSecrets(options);
    const found = secrets.find((secret) => secret.name === name);
    if (found) return found;
    throw new NotFoundError(`Orbit secret named "${name}" not found among ${secrets.length}`, {
      status: 404,
      method: 'GET',
      url: redactUrl(`${this.baseUrl}${API}/secrets`),
    });
  }

  /**
   * `POST /deployments/inference-access`: may this user key (`dfs_…`) call this satellite's
   * deployments? Cached per key (60 s by default, `cache.inferenceAccessTtlMs`, on a monotonic
   * clock), so a revoked key may keep working that long, and never longer. Concurrent checks of
   * one key share one request; aborting one caller's signal ends only that caller's wait. An empty key, or one longer than the platform's 255
   * characters (which it would reject with a 422 echoing the key), or anything that is not a
   * string, is `false` without a call.
   * The key is scrubbed from any error, as the token is.
   */
  async authorizeInferenceAccess(apiKey: string, options: CallOptions = {}): Promise<boolean> {
    if (typeof apiKey !== 'string' || !apiKey || apiKey.length > MAX_API_KEY_LENGTH) return false;
    const load = async (signal: AbortSignal | undefined) => {
      try {
        const { authorized } = await this.#call(
          'POST',
          '/deployments/inference-access',
          InferenceAccessResponseSchema,
          // A read-only check, safe to repeat.
          { body: { api_key: apiKey }, idempotent: true, signal },
        );
        return authorized;
      } catch (error) {
        throw scrubApiError(error, apiKey);
      }
    };
    // The shared load runs on the cache's signal; the caller's only ends the caller's wait.
    return this.#access
      ? this.#access.get(apiKey, load, options?.signal, `POST ${API}/deployments/inference-access`)
      : load(options?.signal);
  }

  /** Abort calls in flight and drop the caches. Later calls fail with `AbortError`. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closer.signal.aborted) this.#closer.abort();
    this.#clientSignal.dispose();
    this.#access?.clear();
    this.#secrets?.clear();
  }

  /** Same as {@link close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
