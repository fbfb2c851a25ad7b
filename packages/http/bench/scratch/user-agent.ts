import { HTTP_PACKAGE_VERSION } from './version.js';

interface RuntimeGlobals {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  process?: { versions?: { node?: string } };
  document?: unknown;
  navigator?: { userAgent?: string };
}

/**
 * The runtime as `<name>/<version>`, or `undefined` in a browser (where `User-Agent` is a
 * forbidden header and the browser's own value is sent).
 */
export function detectRuntime(): string | undefined {
  const g = globalThis as unknown as RuntimeGlobals;
  if (g.Deno?.version?.deno) return `deno/${g.Deno.version.deno}`;
  if (g.Bun?.version) return `bun/${g.Bun.version}`;
  if (g.process?.versions?.node) return `node/${g.process.versions.node}`;
  if (g.document !== undefined) return undefined;
  const ua = g.navigator?.userAgent;
  return ua ? ua.split(' ')[0] : 'unknown/0';
}

/**
 * `uplink-<package>/<version> (<runtime>/<version>)`, plus the caller's suffix. Returns
 * `undefined` where the runtime does not let us set the header.
 */
export function buildUserAgent(
  sdk: { name: string; version: string } | undefined,
  suffix: string | undefined,
): string | undefined {
  const runtime = detectRuntime();
  if (runtime === undefined) return undefined;
  const product = sdk ? `uplink-${sdk.name}/${sdk.version}` : `uplink-http/${HTTP_PACKAGE_VERSION}`;
  return `${product} (${runtime})${suffix ? ` ${suffix}` : ''}`;
}
