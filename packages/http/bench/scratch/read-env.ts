// Every client reads its URL and credential fallbacks from the environment the same way,
// through these two helpers (explicit options always win).
/** Environment variables as a plain map. */
export type Env = Record<string, string | undefined>;

/**
 * The process environment where one exists (Node, Bun, Deno with compat), else `{}`.
 * Read through `globalThis` so the main entry stays runtime-neutral: browsers and edge
 * runtimes simply have no environment to fall back to.
 */
export function readProcessEnv(): Env {
  const proc = (globalThis as { process?: { env?: Env } }).process;
  return proc?.env ?? {};
}

/** The first non-empty value among `names`, with the name it came from. */
export function firstEnv(
  env: Env,
  names: readonly string[],
): { name: string; value: string } | undefined {
  for (const name of names) {
    const raw: unknown = env[name];
    // Only strings count: a JS caller's `{ SATELLITE_TOKEN: 5 }` is "not set", not a crash.
    const value = typeof raw === 'string' ? raw.trim() : undefined;
    if (value) return { name, value };
  }
  return undefined;
}
