// llama-orch-protocol §6.3 (payloads are JSON, validated per event name).
import { ResponseValidationError, redactText, StreamError } from '@uplink/core-schemas';
import type { EventSourceMessage } from 'eventsource-parser';
import * as v from 'valibot';
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
  const events = options.events;
  const drop = options.unknownEvents === 'drop';
  const secrets = (): string[] =>
    [...(options.secrets?.() ?? [])].filter((s): s is string => typeof s === 'string');
  return (name, event, lastEventId) => {
    const schema = events?.[name];
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
