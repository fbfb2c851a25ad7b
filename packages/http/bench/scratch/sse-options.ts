import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import type { SSEEventSchemas, SSEOptions } from './sse-types.js';

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isCount = (value: unknown): boolean =>
  typeof value === 'number' && Number.isInteger(value) && value >= 0;

const isDelay = (value: unknown): boolean =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * Check stream options when the stream is created, reporting every problem at once with
 * {@link ConfigurationError}: a negative `maxEventBytes` would otherwise fail every event as
 * oversized, and a `NaN` idle timeout would silently turn the timeout off.
 */
export function validateSSEOptions<E extends SSEEventSchemas>(options: SSEOptions<E>): void {
  const problems: ConfigurationProblem[] = [];
  const o = (options ?? {}) as Record<string, unknown>;
  if (o.events !== undefined) {
    if (!isRecord(o.events)) {
      problems.push({
        setting: 'events',
        message: 'expected an object of event names to valibot schemas',
      });
    } else {
      for (const [name, schema] of Object.entries(o.events)) {
        if (!isRecord(schema) || typeof schema['~run'] !== 'function') {
          problems.push({ setting: `events.${name}`, message: 'expected a valibot schema' });
        }
      }
    }
  }
  if (
    o.terminal !== undefined &&
    !(Array.isArray(o.terminal) && o.terminal.every((t) => typeof t === 'string'))
  ) {
    problems.push({ setting: 'terminal', message: 'expected a list of event names' });
  }
  if (o.idleTimeoutMs !== undefined && !isDelay(o.idleTimeoutMs)) {
    problems.push({
      setting: 'idleTimeoutMs',
      message: `expected a number of milliseconds >= 0 (0 turns it off), got ${String(o.idleTimeoutMs)}`,
    });
  }
  if (
    o.totalTimeoutMs !== undefined &&
    !(
      typeof o.totalTimeoutMs === 'number' &&
      Number.isFinite(o.totalTimeoutMs) &&
      o.totalTimeoutMs > 0
    )
  ) {
    problems.push({
      setting: 'totalTimeoutMs',
      message: `expected a positive number of milliseconds, got ${String(o.totalTimeoutMs)}`,
    });
  }
  if (
    o.maxEventBytes !== undefined &&
    !(isCount(o.maxEventBytes) && (o.maxEventBytes as number) > 0)
  ) {
    problems.push({
      setting: 'maxEventBytes',
      message: `expected a whole number of bytes > 0, got ${String(o.maxEventBytes)}`,
    });
  }
  if (o.unknownEvents !== undefined && o.unknownEvents !== 'pass' && o.unknownEvents !== 'drop') {
    problems.push({
      setting: 'unknownEvents',
      message: `expected 'pass' or 'drop', got ${String(o.unknownEvents)}`,
    });
  }
  const reconnect = o.reconnect;
  if (reconnect !== undefined && reconnect !== false) {
    if (!isRecord(reconnect) || !isCount(reconnect.maxAttempts)) {
      problems.push({
        setting: 'reconnect.maxAttempts',
        message: 'expected { maxAttempts: a whole number >= 0, delayMs?: number } or false',
      });
    } else if (reconnect.delayMs !== undefined && !isDelay(reconnect.delayMs)) {
      problems.push({
        setting: 'reconnect.delayMs',
        message: `expected a number of milliseconds >= 0, got ${String(reconnect.delayMs)}`,
      });
    }
  }
  if (o.defaultEvent !== undefined && typeof o.defaultEvent !== 'string') {
    problems.push({ setting: 'defaultEvent', message: 'expected an event name' });
  }
  const signal = o.signal;
  if (
    signal !== undefined &&
    !(
      isRecord(signal) &&
      typeof signal.aborted === 'boolean' &&
      typeof signal.addEventListener === 'function'
    )
  ) {
    problems.push({ setting: 'signal', message: 'expected an AbortSignal' });
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
}
