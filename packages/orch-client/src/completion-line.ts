// The lines of a completion's bytes (docs/client.md, "Streams as bytes"), checked: they may
// come from any server, through any proxy.
import { parseWire, StreamError } from '@uplink/core-schemas';
import { SseMetricsSchema } from '@uplink/core-schemas/llama-orch';
import type { CompletionEndLine } from './completion-bytes.js';
import type { CompletionChunk } from './completion-result.js';

type Fields = Record<string, unknown>;

function bad(type: string, field: string, expected: string, value: unknown): never {
  const got = value === undefined ? 'nothing' : value === null ? 'null' : typeof value;
  throw new StreamError(
    `A relayed completion line (type "${type}") has a bad "${field}": expected ${expected}, received ${got}`,
    { code: 'malformed' },
  );
}

function text(line: Fields, type: string, field: string): string {
  const value = line[field];
  return typeof value === 'string' ? value : bad(type, field, 'a string', value);
}

function number(line: Fields, type: string, field: string): number {
  const value = line[field];
  return typeof value === 'number' && Number.isFinite(value)
    ? value
    : bad(type, field, 'a number', value);
}

function count(line: Fields, type: string, field: string): number {
  const value = number(line, type, field);
  return Number.isInteger(value) && value >= 0 ? value : bad(type, field, 'a count', value);
}

function optionalNumber(line: Fields, type: string, field: string): number | undefined {
  return line[field] === undefined ? undefined : number(line, type, field);
}

/**
 * One line of a completion's bytes as the chunk or end line it carries, with exactly the
 * fields `toReadableStream()` writes; throws `StreamError('malformed')` naming the bad field.
 */
export function parseCompletionLine(value: unknown): CompletionChunk | CompletionEndLine {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new StreamError('A relayed completion line is not a JSON object', { code: 'malformed' });
  }
  const line = value as Fields;
  const type = line.type;
  switch (type) {
    case 'started':
      return {
        type,
        queuePosition: number(line, type, 'queuePosition'),
        predictedStartMs: number(line, type, 'predictedStartMs'),
        taskId: text(line, type, 'taskId'),
        correlationId: text(line, type, 'correlationId'),
      };
    case 'token':
      return { type, text: text(line, type, 'text'), index: count(line, type, 'index') };
    case 'metrics':
      return {
        type,
        metrics: parseWire(SseMetricsSchema, line.metrics, 'the metrics of a relayed completion'),
      };
    case 'end': {
      const canceled = line.canceled;
      return {
        type,
        taskId: text(line, type, 'taskId'),
        correlationId: text(line, type, 'correlationId'),
        sessionId: text(line, type, 'sessionId'),
        tokensOut: count(line, type, 'tokensOut'),
        reportedTokensOut: optionalNumber(line, type, 'reportedTokensOut'),
        decodeMs: optionalNumber(line, type, 'decodeMs'),
        canceled:
          typeof canceled === 'boolean' ? canceled : bad(type, 'canceled', 'a boolean', canceled),
      };
    }
    default:
      throw new StreamError(
        `A relayed completion line has an unknown type: ${JSON.stringify(type)?.slice(0, 40) ?? 'none'}`,
        { code: 'malformed' },
      );
  }
}
