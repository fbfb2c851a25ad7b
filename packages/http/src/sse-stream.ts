// llama-orch-protocol §6.7 (parser requirements) and sdk-practices §5 (streaming design).
import {
  AbortError,
  ConnectionError,
  isUplinkError,
  ResponseValidationError,
  redactText,
  StreamError,
  TimeoutError,
} from '@uplink/core-schemas';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import * as v from 'valibot';
import { errorFromResponse } from './error-from-response.js';
import { silentLogger } from './logger.js';
import { sleep } from './sleep.js';
import { TolerantFraming } from './sse-framing.js';
import type { SSEEventSchemas, SSEMessage, SSEOpen, SSEOptions, SSEStream } from './sse-types.js';
import { truncate } from './summarise-body.js';
import { scrubIssues } from './validate-response.js';

/** Abort reasons set by the stream itself. */
const IDLE = Symbol('uplink.sseIdle');
const CLOSED = Symbol('uplink.sseClosed');

/** The body ended (or dropped) before a terminal event. */
class EarlyEnd {
  constructor(readonly cause: unknown) {}
}

class SSEStreamImpl<E extends SSEEventSchemas> implements SSEStream<E> {
  readonly #open: SSEOpen;
  readonly #options: SSEOptions<E>;
  readonly #controller = new AbortController();
  readonly #terminal: ReadonlySet<string>;
  readonly #idleTimeoutMs: number;
  #first: Promise<Response> | undefined;
  #generator: AsyncGenerator<SSEMessage<E>, void, undefined> | undefined;
  #idleTimer: ReturnType<typeof setTimeout> | undefined;
  #lastActivity = 0;
  /** True only while waiting for bytes: time the consumer spends between events is not idle. */
  #reading = false;
  #lastEventId: string | undefined;
  #unlink: (() => void) | undefined;

  constructor(open: SSEOpen, options: SSEOptions<E>) {
    this.#open = open;
    this.#options = options;
    this.#terminal = new Set(options.terminal ?? []);
    this.#idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  }

  get response(): Promise<Response> {
    return this.#connectFirst();
  }

  [Symbol.asyncIterator](): AsyncGenerator<SSEMessage<E>, void, undefined> {
    this.#generator ??= this.#run();
    return this.#generator;
  }

  abort(reason?: unknown): void {
    this.#controller.abort(reason ?? new AbortError('The SSE stream was aborted'));
  }

  toReadableStream(): ReadableStream<SSEMessage<E>> {
    const iterator = this[Symbol.asyncIterator]();
    return new ReadableStream<SSEMessage<E>>(
      {
        pull: async (controller) => {
          try {
            const next = await iterator.next();
            if (next.done) controller.close();
            else controller.enqueue(next.value);
          } catch (error) {
            controller.error(error);
          }
        },
        cancel: async () => {
          this.#controller.abort(CLOSED);
          await iterator.return();
        },
      },
      { highWaterMark: 0 },
    );
  }

  /** Link the caller's signal (removed when the stream ends) and open the first response. */
  #connectFirst(): Promise<Response> {
    if (!this.#first) {
      const signal = this.#options.signal;
      if (signal) {
        const onAbort = (): void => this.#controller.abort(signal.reason);
        if (signal.aborted) onAbort();
        else {
          signal.addEventListener('abort', onAbort, { once: true });
          this.#unlink = () => signal.removeEventListener('abort', onAbort);
        }
      }
      this.#first = this.#connect(undefined);
      this.#first.catch(() => {});
    }
    return this.#first;
  }

  async #connect(lastEventId: string | undefined): Promise<Response> {
    const signal = this.#controller.signal;
    if (signal.aborted) throw this.#mapFailure(signal.reason);
    let response: Response;
    try {
      response = await this.#open({ signal, ...(lastEventId ? { lastEventId } : {}) });
    } catch (error) {
      throw this.#mapFailure(error);
    }
    if (!response.ok) throw await errorFromResponse(response, { url: this.#options.url });
    return response;
  }

  async *#run(): AsyncGenerator<SSEMessage<E>, void, undefined> {
    const reconnect = this.#options.reconnect || undefined;
    let reconnects = 0;
    try {
      let response = await this.#connectFirst();
      for (;;) {
        let outcome: 'terminal' | 'ended' | EarlyEnd;
        try {
          outcome = yield* this.#read(response);
        } catch (error) {
          const mapped = this.#mapFailure(error);
          if (mapped === CLOSED) return;
          throw mapped;
        }
        if (outcome === 'terminal' || outcome === 'ended') return;
        if (!reconnect || reconnects >= reconnect.maxAttempts) {
          const dropped = outcome.cause !== undefined;
          throw new StreamError(
            dropped
              ? 'The SSE stream dropped before a terminal event'
              : `The SSE stream ended before a terminal event (${[...this.#terminal].join(' or ')})`,
            {
              code: 'truncated',
              retriable: true,
              lastEventId: this.#lastEventId,
              url: this.#options.url,
              cause: outcome.cause,
            },
          );
        }
        reconnects++;
        (this.#options.logger ?? silentLogger).debug('sse reconnect', {
          attempt: reconnects,
          lastEventId: this.#lastEventId,
        });
        try {
          await sleep(reconnect.delayMs ?? 1000, this.#controller.signal);
        } catch {
          const mapped = this.#mapFailure(this.#controller.signal.reason);
          if (mapped === CLOSED) return;
          throw mapped;
        }
        response = await this.#connect(this.#lastEventId);
      }
    } finally {
      clearTimeout(this.#idleTimer);
      this.#unlink?.();
      if (!this.#controller.signal.aborted) this.#controller.abort(CLOSED);
    }
  }

  /** Read one response body; returns how it ended. */
  async *#read(response: Response): AsyncGenerator<SSEMessage<E>, 'terminal' | 'ended' | EarlyEnd> {
    const hasTerminal = this.#terminal.size > 0;
    if (!response.body) return hasTerminal ? new EarlyEnd(undefined) : 'ended';
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    const framing = new TolerantFraming();
    const maxEventBytes = this.#options.maxEventBytes ?? 1024 * 1024;
    const queue: EventSourceMessage[] = [];
    let oversized = false;
    const parser = createParser({
      onEvent: (event) => queue.push(event),
      onError: (error) => {
        if (error.type === 'max-buffer-size-exceeded') oversized = true;
      },
      maxBufferSize: maxEventBytes,
    });
    let finished = false;
    const signal = this.#controller.signal;
    // Cancel the body on abort ourselves: a body from a custom `open` may not follow the signal.
    const onAbort = (): void => {
      reader.cancel(signal.reason).catch(() => {});
    };
    signal.addEventListener('abort', onAbort, { once: true });
    this.#armIdle();
    try {
      for (;;) {
        this.#lastActivity = Date.now();
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          this.#reading = true;
          chunk = await reader.read();
        } catch (error) {
          if (signal.aborted) throw error;
          finished = true;
          if (!hasTerminal && !this.#options.reconnect) throw error;
          return new EarlyEnd(error);
        }
        if (signal.aborted) throw signal.reason;
        this.#reading = false;
        this.#lastActivity = Date.now();
        const text = chunk.done ? decoder.decode() : decoder.decode(chunk.value, { stream: true });
        if (text) parser.feed(framing.transform(text));
        if (oversized) {
          throw new StreamError(`An SSE event exceeded the limit of ${maxEventBytes} bytes`, {
            code: 'oversized',
            lastEventId: this.#lastEventId,
            url: this.#options.url,
          });
        }
        for (let k = 0; k < queue.length; k++) {
          const event = queue[k] as EventSourceMessage;
          if (event.id !== undefined) this.#lastEventId = event.id;
          const name = event.event ?? this.#options.defaultEvent ?? 'message';
          const message = this.#toMessage(name, event);
          if (message) yield message;
          if (hasTerminal && this.#terminal.has(name)) return 'terminal';
        }
        queue.length = 0;
        if (chunk.done) {
          finished = true;
          return hasTerminal ? new EarlyEnd(undefined) : 'ended';
        }
      }
    } finally {
      this.#reading = false;
      clearTimeout(this.#idleTimer);
      signal.removeEventListener('abort', onAbort);
      if (!finished) reader.cancel().catch(() => {});
    }
  }

  #toMessage(name: string, event: EventSourceMessage): SSEMessage<E> | undefined {
    const schema = this.#options.events?.[name];
    if (!schema) {
      if (this.#options.unknownEvents === 'drop') return undefined;
      let data: unknown = event.data;
      try {
        data = JSON.parse(event.data);
      } catch {
        // Unknown events may carry plain text; pass it as it is.
      }
      return { event: name, data, id: event.id };
    }
    let json: unknown;
    try {
      json = JSON.parse(event.data);
    } catch {
      const shown = redactText(truncate(event.data, 80), this.#secretList());
      throw new StreamError(`SSE event "${name}" carried data that is not JSON: "${shown}"`, {
        code: 'malformed',
        event: name,
        lastEventId: this.#lastEventId,
        url: this.#options.url,
      });
    }
    const result = v.safeParse(schema, json);
    if (!result.success) {
      throw new ResponseValidationError({
        issues: scrubIssues(result.issues, this.#secretList()),
        subject: `SSE event "${name}"`,
        url: this.#options.url,
      });
    }
    return { event: name, data: result.output, id: event.id } as SSEMessage<E>;
  }

  #secretList(): string[] {
    const secrets = this.#options.secrets?.() ?? [];
    return [...secrets].filter((s): s is string => typeof s === 'string');
  }

  /** One timer per stream, re-armed lazily: cheap even at a million events. */
  #armIdle(): void {
    const idle = this.#idleTimeoutMs;
    if (!(idle > 0)) return;
    clearTimeout(this.#idleTimer);
    const check = (): void => {
      const elapsed = this.#reading ? Date.now() - this.#lastActivity : 0;
      if (elapsed >= idle) this.#controller.abort(IDLE);
      else this.#idleTimer = setTimeout(check, idle - elapsed);
    };
    this.#idleTimer = setTimeout(check, idle);
  }

  #mapFailure(error: unknown): unknown {
    const signal = this.#controller.signal;
    if (signal.aborted) {
      const reason = signal.reason;
      if (reason === CLOSED) return CLOSED;
      if (reason === IDLE) {
        return new TimeoutError(`The SSE stream received no bytes for ${this.#idleTimeoutMs} ms`, {
          timeout: 'idle',
          timeoutMs: this.#idleTimeoutMs,
          url: this.#options.url,
        });
      }
      if (isUplinkError(error)) return error;
      if (isUplinkError(reason)) return reason;
      return new AbortError('The SSE stream was aborted', {
        url: this.#options.url,
        cause: reason,
      });
    }
    if (isUplinkError(error)) return error;
    return new ConnectionError(
      `The SSE stream failed: ${error instanceof Error ? error.message : String(error)}`,
      {
        url: this.#options.url,
        cause: error,
      },
    );
  }
}

/**
 * Typed Server-Sent Events over any response source. `open` is called with a signal (pass it
 * to the request) and, on reconnect, the last event id. Each event's `data` is parsed as JSON
 * and validated against its schema; unknown events pass untyped (or are dropped). The stream
 * raises `StreamError('truncated')` when it ends before a `terminal` event,
 * `StreamError('oversized')` past `maxEventBytes`, and `TimeoutError` (`idle`) when no bytes
 * arrive for `idleTimeoutMs`. Breaking out of `for await` aborts the request.
 */
export function streamSSE<E extends SSEEventSchemas = SSEEventSchemas>(
  open: SSEOpen,
  options: SSEOptions<E> = {},
): SSEStream<E> {
  return new SSEStreamImpl(open, options);
}
