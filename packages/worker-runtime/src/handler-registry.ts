// docs/protocols/luml.md §6 (capabilities) and §23 (capabilities derived from handlers)
import { ConfigurationError, type ConfigurationProblem } from '@uplink/core-schemas';
import { type Capabilities, CapabilitiesSchema } from '@uplink/core-schemas/luml';
import * as v from 'valibot';
import type { Handler } from './handler.js';

/**
 * Task type → handler. A duplicate task type or capability key is a startup error, and the
 * pairing capability map is derived from the registered handlers, never kept by hand.
 */
export class HandlerRegistry {
  readonly #handlers = new Map<string, Handler>();

  constructor(handlers: Iterable<Handler> = []) {
    for (const handler of handlers) this.register(handler);
  }

  /**
   * Add a handler.
   * @throws ConfigurationError when its type or a capability key is already taken.
   */
  register(handler: Handler): this {
    if (!handler || typeof handler.type !== 'string' || typeof handler.run !== 'function') {
      throw new ConfigurationError([
        {
          setting: 'handlers',
          message: 'expected a handler created with defineHandler(type, {run})',
        },
      ]);
    }
    if (this.#handlers.has(handler.type)) {
      throw new ConfigurationError([
        {
          setting: 'handlers',
          message: `task type "${handler.type}" is registered twice; each type needs exactly one handler`,
        },
      ]);
    }
    const taken = Object.keys(handler.capability ?? {}).filter((key) =>
      [...this.#handlers.values()].some((h) => h.capability && key in h.capability),
    );
    if (taken.length > 0) {
      throw new ConfigurationError([
        {
          setting: 'handlers',
          message: `capability "${taken[0]}" of "${handler.type}" is already declared by another handler`,
        },
      ]);
    }
    this.#handlers.set(handler.type, handler as Handler);
    return this;
  }

  /** The handler for a task type, if any. */
  get(type: string): Handler | undefined {
    return this.#handlers.get(type);
  }

  /** Registered task types, in registration order. */
  types(): string[] {
    return [...this.#handlers.keys()];
  }

  /** Number of registered handlers. */
  get size(): number {
    return this.#handlers.size;
  }

  /**
   * The capability map for pairing, merged from every handler's `capability`.
   * @throws ConfigurationError when it is empty (the platform answers 400) or has a key other
   *   than `deploy`/`monitoring` (the platform answers 422).
   */
  capabilities(): Capabilities {
    const merged: Record<string, unknown> = {};
    for (const handler of this.#handlers.values()) Object.assign(merged, handler.capability ?? {});
    const problems: ConfigurationProblem[] = [];
    if (Object.keys(merged).length === 0) {
      problems.push({
        setting: 'handlers',
        message:
          'no handler declares a capability; pairing needs at least one of "deploy" or "monitoring" (set `capability` in defineHandler)',
      });
    }
    // An empty map is reported above; the schema would only say the same thing again.
    const result = problems.length > 0 ? undefined : v.safeParse(CapabilitiesSchema, merged);
    if (result && !result.success) {
      for (const issue of result.issues) {
        const key = v.getDotPath(issue) ?? '';
        problems.push({
          setting: 'handlers',
          message: `invalid capability ${key ? `"${key}"` : 'map'}: ${issue.message}; keys must be "deploy" or "monitoring"`,
        });
      }
    }
    if (problems.length > 0) throw new ConfigurationError(problems);
    return merged as Capabilities;
  }
}
