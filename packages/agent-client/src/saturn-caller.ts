// docs/protocols/saturn.md §2.1 (X-Request-Id, envelopes), §2.3 (Bearer for both credential
// kinds) and §6 (retry only what may be repeated; surface ids on results and errors)
import { redactUrl } from '@uplink/core-schemas';
import { credentialKind } from '@uplink/core-schemas/saturn';
import {
  type AuthStrategy,
  createRequestClient,
  type HttpClientOptions,
  type QueryParams,
  type RequestClient,
  randomUuid,
} from '@uplink/http';
import type * as v from 'valibot';
import { requireCapability, type SaturnCapabilities } from './capabilities.js';
import type { TokenSource } from './client-options.js';
import { type CredentialFacts, checkTokenShape, readJwtClaims } from './credential.js';
import { InvalidArgumentError } from './errors.js';
import { mapSaturnError } from './map-error.js';
import type { Operation } from './operations.js';
import { parseEnvelope } from './parse-envelope.js';
import type { CallOptions, WriteOptions } from './types.js';

/** One request: the route (relative to the prefix), its query and JSON body. */
export interface SaturnRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  route: string;
  query?: QueryParams | undefined;
  body?: unknown;
}

/** A parsed success: the `data`, `meta.next_cursor` and the request id. */
export interface SaturnSuccess<T> {
  data: T;
  nextCursor: string | undefined;
  requestId: string;
}

/** Settings of {@link SaturnCaller}. */
export interface CallerSettings {
  http: Omit<HttpClientOptions, 'auth' | 'secrets'>;
  token: TokenSource | undefined;
  apiPrefix: string;
  capabilities: Required<SaturnCapabilities>;
}

const REQUEST_ID = /^[\x21-\x7e]{1,200}$/;

/**
 * Every SATURN call goes through here: credential, `X-Request-Id`, retry safety per operation,
 * a bounded body read, the envelope parsed and unwrapped, and errors mapped with what the client
 * knows about the credential and the route.
 */
export class SaturnCaller {
  readonly http: RequestClient;
  readonly #settings: CallerSettings;
  /** The token of the latest attempt and the latest token that got a 2xx (never exposed). */
  #lastToken: string | undefined;
  #provenToken: string | undefined;

  constructor(settings: CallerSettings) {
    this.#settings = settings;
    const { token } = settings;
    const auth: AuthStrategy | undefined =
      token === undefined
        ? undefined
        : async () => {
            const value = typeof token === 'function' ? await token() : token;
            const problem =
              typeof value === 'string' ? checkTokenShape(value) : 'expected a string';
            if (problem) throw new InvalidArgumentError([{ setting: 'token', message: problem }]);
            this.#lastToken = value;
            return { Authorization: `Bearer ${value}` };
          };
    this.http = createRequestClient({
      ...settings.http,
      ...(auth ? { auth } : {}),
      ...(typeof token === 'string' ? { secrets: [token] } : {}),
    });
  }

  /** The capabilities in force. */
  get capabilities(): Required<SaturnCapabilities> {
    return this.#settings.capabilities;
  }

  /** What the client knows about the credential in use, for error messages. */
  #facts(): CredentialFacts {
    const token =
      this.#lastToken ??
      (typeof this.#settings.token === 'string' ? this.#settings.token : undefined);
    if (token === undefined)
      return { kind: this.#settings.token === undefined ? 'none' : 'jwt', proven: false };
    const kind = credentialKind(token);
    return {
      kind,
      claims: kind === 'jwt' ? readJwtClaims(token) : undefined,
      proven: token === this.#provenToken,
    };
  }

  /** Send one request and return the unwrapped, validated `data`. */
  async call<S extends v.GenericSchema>(
    operation: Operation,
    request: SaturnRequest,
    schema: S,
    options: CallOptions & WriteOptions = {},
  ): Promise<SaturnSuccess<v.InferOutput<S>>> {
    const { apiPrefix, capabilities } = this.#settings;
    const requestId = options.requestId ?? randomUuid();
    if (typeof requestId !== 'string' || !REQUEST_ID.test(requestId)) {
      throw new InvalidArgumentError([
        {
          setting: 'requestId',
          message: 'expected 1 to 200 visible ASCII characters (it is sent as a header)',
        },
      ]);
    }
    let idempotencyKey: string | undefined;
    if (options.idempotencyKey !== undefined) {
      requireCapability(
        capabilities,
        'idempotencyKeys',
        `${operation.name} with an idempotencyKey`,
      );
      idempotencyKey = options.idempotencyKey;
    } else if (capabilities.idempotencyKeys && request.method !== 'GET' && !operation.idempotent) {
      idempotencyKey = randomUuid();
    }
    const path = `${apiPrefix}${request.route}`;
    try {
      // Read like a JSON call (within timeoutMs and maxResponseBytes); the envelope is ours.
      const response = await this.http.text(request.method, path, {
        query: request.query,
        body: request.body,
        signal: options.signal,
        headers: { 'x-request-id': requestId },
        idempotent: idempotencyKey !== undefined || operation.idempotent,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
        accept: 'application/json',
      });
      const secrets = this.#lastToken ? [this.#lastToken] : [];
      const url = redactUrl(response.url, secrets);
      const text = response.data;
      const header = response.headers.get('x-request-id') ?? undefined;
      const envelope = parseEnvelope(schema, text, {
        method: request.method,
        path,
        url,
        status: response.status,
        contentType: response.headers.get('content-type'),
        requestId: header ?? requestId,
        secrets,
      });
      if (this.#lastToken !== undefined) this.#provenToken = this.#lastToken;
      return {
        data: envelope.data,
        nextCursor: envelope.meta?.next_cursor ?? undefined,
        requestId: envelope.meta?.request_id ?? header ?? requestId,
      };
    } catch (error) {
      throw mapSaturnError(error, {
        operation,
        credential: this.#facts(),
        apiPrefix,
        nowMs: Date.now(),
        sentRequestId: requestId,
      });
    }
  }

  /** Abort every call in flight; later calls fail with `AbortError`. */
  close(): Promise<void> {
    return this.http.close();
  }
}

/** Attach the non-enumerable `requestId` (and `nextCursor` for pages) to a result. */
export function withMeta<T extends object>(
  success: SaturnSuccess<T>,
  page = false,
): T & { readonly requestId: string } {
  Object.defineProperty(success.data, 'requestId', { value: success.requestId, enumerable: false });
  if (page)
    Object.defineProperty(success.data, 'nextCursor', {
      value: success.nextCursor,
      enumerable: false,
    });
  return success.data as T & { readonly requestId: string };
}
