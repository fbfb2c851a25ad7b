// docs/protocols/ai-spine.md §2 (authentication)
import type { IncomingMessage } from 'node:http';
import type { FakeSpineUser } from './state.js';

/** Who is calling, as the backend resolves it. */
export type SpineCaller =
  | { kind: 'anonymous' }
  | { kind: 'missing' }
  | { kind: 'invalid' }
  | { kind: 'master' }
  | { kind: 'user'; user: FakeSpineUser };

/** The bearer token of a request, or `undefined` when absent or not `Bearer <token>`. */
export function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/**
 * Resolve the caller. With auth off everyone is anonymous. Otherwise: no or malformed header
 * -> missing; the master key or a legacy `ai-spine-` key from `legacyKeys` -> master; a known
 * user with credits -> user; anything else (including users without credits) -> invalid.
 */
export function resolveCaller(
  req: IncomingMessage,
  config: {
    apiKeyRequired: boolean;
    masterKey: string;
    legacyKeys: readonly string[];
    users: Map<string, FakeSpineUser>;
  },
): SpineCaller {
  if (!config.apiKeyRequired) return { kind: 'anonymous' };
  const token = bearerToken(req);
  if (token === undefined) return { kind: 'missing' };
  if (token === config.masterKey || config.legacyKeys.includes(token)) return { kind: 'master' };
  const user = config.users.get(token);
  if (user && user.credits > 0) return { kind: 'user', user };
  return { kind: 'invalid' };
}
