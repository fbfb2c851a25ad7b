// AI Spine calls an agent at `{endpoint}/execute` and `{endpoint}/health` with no credentials
// (docs/protocols/ai-spine.md §7-8), so the only secret it can carry is in the endpoint URL it was
// registered with. Each deployment gets its own key, derived from one satellite secret.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { ConfigurationError } from '@uplink/core-schemas';

/** Shortest agent secret accepted (32 characters, e.g. `openssl rand -base64 32`). */
export const MIN_AGENT_SECRET_LENGTH = 32;

/** Derives and checks per-deployment agent keys. */
export interface AgentKeys {
  /** The key for a deployment: HMAC-SHA256(secret, deployment id), base64url (43 characters). */
  keyFor(deploymentId: string): string;
  /** Whether `key` is this deployment's key (constant-time comparison). */
  verify(deploymentId: string, key: string): boolean;
}

/**
 * Agent keys from the satellite's agent secret.
 * @throws ConfigurationError when the secret is shorter than 32 characters.
 */
export function createAgentKeys(secret: string): AgentKeys {
  if (typeof secret !== 'string' || secret.length < MIN_AGENT_SECRET_LENGTH) {
    throw new ConfigurationError([
      {
        setting: 'SATELLITE_AGENT_SECRET',
        message: `expected at least ${MIN_AGENT_SECRET_LENGTH} characters (for example the output of \`openssl rand -base64 32\`)`,
      },
    ]);
  }
  const keyFor = (deploymentId: string): string =>
    createHmac('sha256', secret).update(deploymentId).digest('base64url');
  return {
    keyFor,
    verify: (deploymentId, key) => {
      const expected = Buffer.from(keyFor(deploymentId));
      const given = Buffer.from(key);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  };
}
