// docs/protocols/saturn.md §2.1-§2.6 (options and public shape of the fake SATURN server)
import type { SaturnJwtClaims } from '@uplink/core-schemas/saturn';
import type { FaultInjector, FaultInjectorOptions } from '../fault-injection.js';
import type {
  FakeInvoice,
  FakeKbDocument,
  FakeSaturnAgent,
  FakeSaturnTool,
  SaturnState,
} from './state.js';

/** Options for `startFakeSaturn`. */
export interface FakeSaturnOptions {
  /**
   * Where the routes are mounted. The real server mounts them at the root and has nothing under
   * `/api/v1`; `'/api/v1'` serves the API document's prefix instead (the root is then the plain
   * 404), for testing a client's prefix setting or a proxy that adds it.
   * @default ''
   */
  apiPrefix?: '' | '/api/v1' | undefined;
  /**
   * The HS256 secret JWTs are verified with (the server's `SATURN_JWT_SECRET`).
   * @default 'change-me' (the server's own default)
   */
  jwtSecret?: string | undefined;
  /**
   * Reproduce the upstream detached-row defect (docs/protocols/saturn.md §2.6): chat, `GET /tools`,
   * every KB route, the usage summary and the invoice routes answer 500 `INTERNAL_ERROR` after
   * their writes took effect. On by default because that is what the real server does; turn it
   * off to exercise the success paths the server was meant to have.
   * @default true
   */
  detachedRowDefect?: boolean | undefined;
  /**
   * After a 500 from an unhandled exception, drop the keep-alive connection without
   * `Connection: close`, as the real server does: the next request that arrives on that
   * connection is reset before it is read (the widest form of the real server's race).
   * @default true
   */
  dropConnectionAfterUnhandledError?: boolean | undefined;
  /**
   * The company the convenience helpers (`userToken`, `addApiKey`, `addAgent`, ...) use.
   * @default a random UUID
   */
  companyId?: string | undefined;
  /** API keys the server knows (`SATURN_API_KEYS_JSON`), as plaintext; only hashes are kept. @default [] */
  apiKeys?: FakeApiKeyInput[] | undefined;
  /** Role table (`SATURN_ROLE_PERMISSIONS_JSON`). @default SATURN_ROLE_PERMISSIONS */
  rolePermissions?: Record<string, string[]> | undefined;
  /** Invoice currency (`SATURN_BILLING_CURRENCY`). @default 'USD' */
  billingCurrency?: string | undefined;
  /** The clock for JWT expiry and usage dates. @default () => new Date() */
  now?: (() => Date) | undefined;
  /** Seeded fault injection (the shared injector). @default no faults */
  faults?: FaultInjectorOptions | undefined;
}

/** An API key for {@link FakeSaturnOptions.apiKeys} or `addApiKey`. */
export interface FakeApiKeyInput {
  /** The plaintext key; must start with `sk_` to be treated as a key. @default `sk_test_<random hex>` */
  key?: string | undefined;
  /** @default the fake's `companyId` */
  companyId?: string | undefined;
  /** @default ['chat:write'] */
  scopes?: string[] | undefined;
  /** Anything but `active` is refused (with the middleware's 500). @default 'active' */
  status?: string | undefined;
}

/** Options of `userToken`. */
export interface FakeUserTokenOptions {
  /** The `role` claim; `null` sends `role: null`, `undefined` leaves the claim out (acts as viewer). @default 'admin' */
  role?: string | null | undefined;
  /** @default the fake's `companyId` */
  companyId?: string | undefined;
  /** @default 'user-<role>' */
  userId?: string | undefined;
  /** Seconds until `exp`; negative for an expired token. @default 3600 */
  expiresInSeconds?: number | undefined;
  /** Sign with another secret (the server then answers 500). @default the fake's secret */
  secret?: string | undefined;
}

/** A running fake SATURN. State is live and may be inspected or changed by tests. */
export interface FakeSaturn extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`, without the mount prefix. */
  readonly url: string;
  /** Where the routes are mounted (`''` or `'/api/v1'`). */
  readonly apiPrefix: '' | '/api/v1';
  /** The company the helpers use. */
  readonly companyId: string;
  /** The JWT secret. */
  readonly jwtSecret: string;
  /** See {@link FakeSaturnOptions.detachedRowDefect}; may be flipped at run time. */
  detachedRowDefect: boolean;
  /** See {@link FakeSaturnOptions.dropConnectionAfterUnhandledError}; may be flipped at run time. */
  dropConnectionAfterUnhandledError: boolean;
  /** Everything stored, live. */
  readonly state: SaturnState;
  /** Matched calls per route, keyed `"METHOD /template"` (`"POST /agents/{agent_id}/chat"`). */
  readonly calls: Record<string, number>;
  /** Every request received, in order (method, path with query, lower-case headers). */
  readonly requests: RecordedSaturnRequest[];
  /** Connections dropped after an unhandled 500, and requests lost with them. */
  readonly droppedConnections: { connections: number; requests: number };
  /** The fault injector every request passes through. */
  readonly faults: FaultInjector;
  /** Sign any claims with the fake's secret (or `secret`). */
  mintJwt(claims: SaturnJwtClaims, options?: { secret?: string | undefined }): string;
  /** A user JWT for the fake's company: `company_id`, `user_id`, `role`, `exp`. */
  userToken(options?: FakeUserTokenOptions): string;
  /** Register an API key and return its plaintext. */
  addApiKey(input?: FakeApiKeyInput): string;
  /** Store an agent directly (ids and defaults filled in). */
  addAgent(input?: Partial<FakeSaturnAgent>): FakeSaturnAgent;
  /** Store a tool directly. */
  addTool(input?: Partial<FakeSaturnTool>): FakeSaturnTool;
  /** Store a KB document directly, in any status (`content` is split into chunks). */
  addDocument(
    input: Partial<Omit<FakeKbDocument, 'chunks' | 'history'>> & {
      agent_id: string;
      content?: string;
    },
  ): FakeKbDocument;
  /** Store an invoice directly. */
  addInvoice(input?: Partial<FakeInvoice>): FakeInvoice;
  /** Stop the server and drop every connection. Idempotent. */
  close(): Promise<void>;
}

/** One request as the fake saw it. */
export interface RecordedSaturnRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}
