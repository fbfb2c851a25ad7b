// A throwaway local npm registry (Verdaccio) for the release check: listens on 127.0.0.1 on a
// free port, stores everything in a temporary folder, serves only `@uplink/*` (every other
// package comes from the public registry through the npm client's own configuration and cache),
// and accepts publishes from one user it creates.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { start, stop } from './proc.mjs';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Verdaccio (`verdaccioBin`) with its storage under `dir`. Resolves to
 * `{ url, token, npmrc, close }`: `npmrc` is a user config that sends `@uplink/*` (and only
 * that scope) to this registry with the token, for NPM_CONFIG_USERCONFIG.
 */
export async function startRegistry({ verdaccioBin, dir, timeoutMs = 60_000 }) {
  mkdirSync(join(dir, 'storage'), { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `storage: ${join(dir, 'storage')}`,
      'auth:',
      '  htpasswd:',
      `    file: ${join(dir, 'htpasswd')}`,
      '    max_users: 1',
      'packages:',
      "  '@uplink/*':",
      '    access: $all',
      '    publish: $authenticated',
      '    unpublish: $authenticated',
      // No uplinks: anything else is not ours to serve (and no request leaves this machine).
      "  '**':",
      '    access: $all',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const child = start(process.execPath, [verdaccioBin, '--config', config, '--listen', url], {
    cwd: dir,
  });
  let log = '';
  child.stdout.on('data', (chunk) => {
    log += chunk;
  });
  child.stderr.on('data', (chunk) => {
    log += chunk;
  });
  const close = () => stop(child);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`verdaccio exited early:\n${log}`);
      const ping = await fetch(`${url}-/ping`, { signal: AbortSignal.timeout(2_000) }).catch(
        () => undefined,
      );
      if (ping?.ok) break;
      if (Date.now() > deadline) throw new Error(`verdaccio did not answer in ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
    const user = 'uplink-release-check';
    const created = await fetch(`${url}-/user/org.couchdb.user:${user}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: user, password: `pw-${port}-${Date.now()}` }),
      signal: AbortSignal.timeout(10_000),
    });
    const { token } = await created.json();
    if (!created.ok || typeof token !== 'string') {
      throw new Error(`verdaccio did not create the publishing user (${created.status})`);
    }
    const npmrc = join(dir, 'npmrc');
    const host = url.replace(/^http:/, '');
    writeFileSync(npmrc, `@uplink:registry=${url}\n${host}:_authToken=${token}\n`);
    return { url, token, npmrc, close, log: () => log };
  } catch (error) {
    await close();
    throw error;
  }
}

/** The registry's document for one package (its versions), or undefined on 404. */
export async function packument(url, name) {
  const response = await fetch(`${url}${name.replace('/', '%2f')}`, {
    signal: AbortSignal.timeout(10_000),
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`GET ${name} from the local registry: ${response.status}`);
  return response.json();
}
