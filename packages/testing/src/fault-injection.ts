import type { IncomingMessage, ServerResponse } from 'node:http';
import { createSeededRandom } from './seeded-random.js';

/** Probabilities (0..1) of each fault, per request. */
export interface FaultRates {
  /** Answer 503 (or `serverErrorStatus`) with a JSON body instead of handling the request. */
  serverError?: number;
  /** Status used for `serverError` faults. @default 503 */
  serverErrorStatus?: number;
  /** Answer 429 with `Retry-After`. */
  rateLimit?: number;
  /** Seconds sent in `Retry-After` for `rateLimit` faults. @default 0 */
  retryAfterSeconds?: number;
  /** Destroy the socket before any response byte is sent. */
  drop?: number;
  /** Handle the request, then cut the body after half its bytes and destroy the socket. */
  truncate?: number;
  /**
   * Handle the request (its effects happen), then destroy the socket before any response byte:
   * the client cannot tell whether the request was processed.
   */
  lostResponse?: number;
  /** Probability of adding `latencyMs` before handling. @default 0 */
  latency?: number;
  /** Delay added when a latency fault fires. @default 0 */
  latencyMs?: number;
  /** Per streamed event: leave the event out of the stream (fakes that stream events consult it). */
  dropEvent?: number;
  /** Per streamed event: destroy the connection before the event (a mid-stream disconnect). */
  cutStream?: number;
}

/** Options for {@link createFaultInjector}. */
export interface FaultInjectorOptions {
  /** Seed for the PRNG, so a run can be reproduced. @default 1 */
  seed?: number;
  /** Rates for every route. */
  global?: FaultRates;
  /**
   * Rates per route, keyed `"METHOD /path"` where the path may use `*` for one segment and
   * `**` for the rest (`"PATCH /satellites/v1/deployments/*"`). They replace the global rates.
   */
  routes?: Record<string, FaultRates>;
  /** Paths never faulted (for example user-side setup routes). */
  exempt?: (method: string, path: string) => boolean;
}

/** The fault chosen for one request. */
export type FaultKind = 'serverError' | 'rateLimit' | 'drop' | 'truncate' | 'lostResponse';

/** Counts of what was injected, for assertions. */
export interface FaultStats {
  serverError: number;
  rateLimit: number;
  drop: number;
  truncate: number;
  lostResponse: number;
  latency: number;
  dropEvent: number;
  cutStream: number;
}

/** A seeded source of faults that every fake server consults before routing. */
export interface FaultInjector {
  /**
   * Decide and apply a fault for this request. Resolves `true` when the request was answered
   * (or dropped) by a fault and the server must not handle it; `false` to handle it normally
   * (possibly after added latency, and possibly with its body truncated).
   */
  intercept(req: IncomingMessage, res: ServerResponse): Promise<boolean>;
  /**
   * Decide a fault for one event of a stream answering `method path`: leave it out
   * (`dropEvent`), cut the connection before it (`cutStream`), or nothing. Draws from the same
   * seeded source, only when a stream asks, so fakes that do not stream are unaffected.
   */
  streamEventFault(method: string, path: string): 'dropEvent' | 'cutStream' | undefined;
  /** Replace the rates at runtime (for example to simulate an outage, then recovery). */
  configure(options: Omit<FaultInjectorOptions, 'seed'>): void;
  /** Counts of injected faults. */
  readonly stats: FaultStats;
}

function compileRoute(key: string): (method: string, path: string) => boolean {
  const space = key.indexOf(' ');
  const method = key.slice(0, space).toUpperCase();
  const pattern = key.slice(space + 1);
  const regex = new RegExp(
    `^${pattern
      .split('/')
      .map((seg) =>
        seg === '**' ? '.*' : seg === '*' ? '[^/]+' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('/')}$`,
  );
  return (m, p) => (method === '*' || method === m) && regex.test(p);
}

/** Create the fault injector shared by every fake server. */
export function createFaultInjector(options: FaultInjectorOptions = {}): FaultInjector {
  const random = createSeededRandom(options.seed ?? 1);
  let global: FaultRates = {};
  let routes: { match: (m: string, p: string) => boolean; rates: FaultRates }[] = [];
  let exempt: FaultInjectorOptions['exempt'];
  const stats: FaultStats = {
    serverError: 0,
    rateLimit: 0,
    drop: 0,
    truncate: 0,
    lostResponse: 0,
    latency: 0,
    dropEvent: 0,
    cutStream: 0,
  };

  const configure = (next: Omit<FaultInjectorOptions, 'seed'>): void => {
    global = next.global ?? {};
    routes = Object.entries(next.routes ?? {}).map(([key, rates]) => ({
      match: compileRoute(key),
      rates,
    }));
    exempt = next.exempt;
  };
  configure(options);

  const ratesFor = (method: string, path: string): FaultRates =>
    routes.find((r) => r.match(method, path))?.rates ?? global;

  const pick = (rates: FaultRates): FaultKind | undefined => {
    // One draw per request, partitioned across the fault kinds, keeps the rates exact.
    const roll = random();
    let edge = 0;
    for (const kind of ['serverError', 'rateLimit', 'drop', 'truncate', 'lostResponse'] as const) {
      edge += rates[kind] ?? 0;
      if (roll < edge) return kind;
    }
    return undefined;
  };

  const intercept = async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    if (exempt?.(method, path)) return false;
    const rates = ratesFor(method, path);
    if (rates.latency && rates.latencyMs && random() < rates.latency) {
      stats.latency++;
      await new Promise((resolve) => setTimeout(resolve, rates.latencyMs));
    }
    const fault = pick(rates);
    if (!fault) return false;
    stats[fault]++;
    switch (fault) {
      case 'serverError': {
        const status = rates.serverErrorStatus ?? 503;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ detail: `injected fault: ${status}` }));
        return true;
      }
      case 'rateLimit':
        res.writeHead(429, {
          'content-type': 'application/json',
          'retry-after': String(rates.retryAfterSeconds ?? 0),
        });
        res.end(JSON.stringify({ detail: 'injected fault: rate limited' }));
        return true;
      case 'drop':
        req.socket.destroy();
        return true;
      case 'truncate':
        truncateBody(res);
        return false;
      case 'lostResponse':
        loseResponse(res);
        return false;
    }
  };

  const streamEventFault = (
    method: string,
    path: string,
  ): 'dropEvent' | 'cutStream' | undefined => {
    const upper = method.toUpperCase();
    if (exempt?.(upper, path)) return undefined;
    const rates = ratesFor(upper, path);
    if (!rates.dropEvent && !rates.cutStream) return undefined;
    const roll = random();
    const drop = rates.dropEvent ?? 0;
    if (roll < drop) {
      stats.dropEvent++;
      return 'dropEvent';
    }
    if (roll < drop + (rates.cutStream ?? 0)) {
      stats.cutStream++;
      return 'cutStream';
    }
    return undefined;
  };

  return { intercept, streamEventFault, configure, stats };
}

/**
 * Let the handler answer, but send only the first half of its body, then destroy the socket.
 * The declared Content-Length (if any) stays, so the client sees a premature close.
 */
function truncateBody(res: ServerResponse): void {
  const chunks: Buffer[] = [];
  const toBuffer = (chunk: unknown): Buffer =>
    Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk ?? ''));
  res.write = ((chunk: unknown) => {
    chunks.push(toBuffer(chunk));
    return true;
  }) as ServerResponse['write'];
  res.end = ((chunk?: unknown) => {
    if (chunk !== undefined && typeof chunk !== 'function') chunks.push(toBuffer(chunk));
    const body = Buffer.concat(chunks);
    if (!res.headersSent) res.setHeader('content-length', body.length);
    res.flushHeaders();
    res.socket?.write(body.subarray(0, Math.floor(body.length / 2)));
    setImmediate(() => res.socket?.destroy());
    return res;
  }) as ServerResponse['end'];
}

/** Let the handler run to the end, but send nothing: the socket is destroyed instead. */
function loseResponse(res: ServerResponse): void {
  res.writeHead = (() => res) as unknown as ServerResponse['writeHead'];
  res.flushHeaders = () => {};
  res.write = (() => true) as ServerResponse['write'];
  res.end = (() => {
    res.socket?.destroy();
    return res;
  }) as ServerResponse['end'];
}
