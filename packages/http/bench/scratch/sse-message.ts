// docs/protocols/llama-orch.md §6.3 (payloads are JSON, validated per event name).
import { ResponseValidationError, redactText, StreamError } from '@uplink/core-schemas';
import type { EventSourceMessage } from 'eventsource-parser';
import * as v from 'valibot';
import { compileFastCheck, FAIL, type FastCheck } from './fast-validate.js';
import type { SSEEventSchemas, SSEMessage, SSEOptions } from './sse-types.js';
import { truncate } from './summarise-body.js';
import { scrubIssues } from './validate-response.js';

/** Turns one raw event into a typed message, `undefined` (dropped), or a thrown error. */
export type MessageDecoder<E extends SSEEventSchemas> = (
  name: string,
  event: EventSourceMessage,
  lastEventId: string | undefined,
) => SSEMessage<E> | undefined;

/**
 * The per-event hot path: JSON-parse `data` and validate it against the schema for `name`.
 * Unknown names pass with their data parsed when it is JSON (raw text otherwise), or are
 * dropped. Bad JSON raises `StreamError('malformed')`; a schema mismatch raises
 * `ResponseValidationError`. Both messages are scrubbed of the client's secrets.
 */
export function createMessageDecoder<E extends SSEEventSchemas>(
  options: SSEOptions<E>,
): MessageDecoder<E> {
  const config = v.getGlobalConfig();
  // Own keys only: an event named "toString" or "constructor" must not find Object.prototype's.
  const events = new Map<string, v.GenericSchema>(Object.entries(options.events ?? {}));
  const drop = options.unknownEvents === 'drop';
  // Streams repeat a few names: remember the last lookup (names are fresh strings per event).
  let lastName: string | undefined;
  let lastSchema: v.GenericSchema | undefined;
  let lastFast: FastCheck | undefined;
  /** Compiled checks per schema (`null`: not compilable, valibot runs every time). */
  const fastChecks = new Map<v.GenericSchema, FastCheck | null>();
  const secrets = (): string[] =>
    [...(options.secrets?.() ?? [])].filter((s): s is string => typeof s === 'string');
  return (name, event, lastEventId) => {
    let schema: v.GenericSchema | undefined;
    let fast: FastCheck | undefined;
    if (name === lastName) {
      schema = lastSchema;
      fast = lastFast;
    } else {
      schema = events.get(name);
      if (schema) {
        let compiled = fastChecks.get(schema);
        if (compiled === undefined) {
          compiled = compileFastCheck(schema) ?? null;
          fastChecks.set(schema, compiled);
        }
        fast = compiled ?? undefined;
      }
      lastName = name;
      lastSchema = schema;
      lastFast = fast;
    }
    if (!schema) {
      if (drop) return undefined;
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
      const shown = redactText(truncate(event.data, 80), secrets());
      throw new StreamError(`SSE event "${name}" carried data that is not JSON: "${shown}"`, {
        code: 'malformed',
        event: name,
        lastEventId,
        url: options.url,
      });
    }
    if (fast) {
      const data = fast(json);
      if (data !== FAIL) return { event: name, data, id: event.id } as SSEMessage<E>;
    }
    // `~run` with a config made once: v.safeParse would build both per event.
    const dataset = schema['~run']({ value: json }, config);
    if (dataset.issues) {
      throw new ResponseValidationError({
        issues: scrubIssues(dataset.issues, secrets()),
        subject: `SSE event "${name}"`,
        url: options.url,
      });
    }
    return { event: name, data: dataset.value, id: event.id } as SSEMessage<E>;
  };
}
