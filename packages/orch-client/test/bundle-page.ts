import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build, type Plugin } from 'esbuild';

const root = resolve(import.meta.dirname, '../../..');

/** `@uplink/*` specifiers mapped to their TypeScript sources (as the vitest alias does). */
const SOURCES: Record<string, string> = {
  '@uplink/orch-client': 'packages/orch-client/src/index.ts',
  '@uplink/http': 'packages/http/src/index.ts',
  '@uplink/core-schemas': 'packages/core-schemas/src/index.ts',
  '@uplink/core-schemas/llama-orch': 'packages/core-schemas/src/llama-orch/index.ts',
};

const uplinkSources: Plugin = {
  name: 'uplink-sources',
  setup(b) {
    b.onResolve({ filter: /^@uplink\// }, (args) => {
      const target = SOURCES[args.path];
      if (!target) return { errors: [{ text: `no source mapping for ${args.path}` }] };
      return { path: resolve(root, target) };
    });
    // A browser bundle must not reach Node built-ins: fail the build if anything tries.
    b.onResolve({ filter: /^node:/ }, (args) => ({
      errors: [{ text: `${args.path} imported by ${args.importer}: not runtime-neutral` }],
    }));
  },
};

/** The example page's script, relative to the repository root (its key in scripts/size-budgets.json). */
export const PAGE_MAIN_PATH = 'docs/examples/browser-completion/main.ts';

/** The example page's bundle, minified for the browser, with its raw and gzip sizes. */
export async function bundleBrowserPage(): Promise<{
  code: string;
  bytes: number;
  gzipBytes: number;
}> {
  const result = await build({
    entryPoints: [resolve(root, PAGE_MAIN_PATH)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [uplinkSources],
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output');
  const code = file.text;
  return {
    code,
    bytes: file.contents.byteLength,
    gzipBytes: gzipSync(file.contents, { level: 9 }).byteLength,
  };
}

/** The example page's HTML. */
export const PAGE_HTML_PATH = resolve(root, 'docs/examples/browser-completion/index.html');
