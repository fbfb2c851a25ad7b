// docs/protocols/saturn.md §2.5 (features of the API document the server lacks) and §6
import { type ConfigurationProblem, UplinkError } from '@uplink/core-schemas';

/**
 * Features of SATURN's API document that the server (e401c5e) does not implement. Turn one on
 * only for a server that has it; until then the methods that need it refuse to run.
 */
export interface SaturnCapabilities {
  /**
   * Cursor pagination: list calls send `limit`/`cursor` and read `meta.next_cursor`. The real
   * server ignores both and returns everything.
   * @default false
   */
  pagination?: boolean | undefined;
  /**
   * `Idempotency-Key` on writes, which then become safe to retry. The real server ignores the
   * header, so a retried write would run twice.
   * @default false
   */
  idempotencyKeys?: boolean | undefined;
  /**
   * The `/sessions` routes (list, get, messages, close). The real server answers 404.
   * @default false
   */
  sessions?: boolean | undefined;
  /**
   * Chat streaming over `WS /agents/{id}/chat/stream`. The real server has no WebSocket route.
   * @default false
   */
  chatStreaming?: boolean | undefined;
}

/** The name of one capability. */
export type SaturnCapability = keyof SaturnCapabilities;

const DESCRIPTIONS: Record<SaturnCapability, string> = {
  pagination: 'cursor pagination (limit and cursor on list calls, meta.next_cursor)',
  idempotencyKeys: 'idempotency keys (the Idempotency-Key header)',
  sessions: 'the /sessions routes',
  chatStreaming: 'chat streaming (WS /agents/{id}/chat/stream)',
};

/** Check `capabilities` and fill in the defaults (all off). */
export function resolveCapabilities(
  input: unknown,
  problems: ConfigurationProblem[],
): Required<SaturnCapabilities> {
  const out: Required<SaturnCapabilities> = {
    pagination: false,
    idempotencyKeys: false,
    sessions: false,
    chatStreaming: false,
  };
  if (input === undefined) return out;
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push({ setting: 'capabilities', message: 'expected an object of booleans' });
    return out;
  }
  for (const [name, value] of Object.entries(input)) {
    if (!Object.hasOwn(DESCRIPTIONS, name)) {
      problems.push({
        setting: `capabilities.${name}`,
        message: `unknown capability; known: ${Object.keys(DESCRIPTIONS).join(', ')}`,
      });
    } else if (value !== undefined && typeof value !== 'boolean') {
      problems.push({ setting: `capabilities.${name}`, message: 'expected true or false' });
    } else if (value) out[name as SaturnCapability] = true;
  }
  return out;
}

/**
 * A method needs a capability of SATURN's API document that is off: the server (e401c5e) does
 * not implement it, so the call is refused before anything is sent rather than returning an
 * answer that is silently incomplete. Turn it on with `capabilities` only for a server that has it.
 */
export class CapabilityNotEnabledError extends UplinkError {
  static override readonly errorName: string = 'CapabilityNotEnabledError';
  /** The capability that is off. */
  readonly capability: SaturnCapability;

  constructor(capability: SaturnCapability, what: string) {
    super(
      `${what} needs ${DESCRIPTIONS[capability]}, which is in SATURN's API document but not implemented by the server. ` +
        `Set capabilities.${capability}: true only if your SATURN server implements it.`,
    );
    this.capability = capability;
  }
}

/** Throw {@link CapabilityNotEnabledError} unless `capability` is on. */
export function requireCapability(
  capabilities: Required<SaturnCapabilities>,
  capability: SaturnCapability,
  what: string,
): void {
  if (!capabilities[capability]) throw new CapabilityNotEnabledError(capability, what);
}
