import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const entry = new URL('../index.ts', import.meta.url).pathname;

describe('error names in a minified bundle', () => {
  it('keep their class names, so error.name and toJSON() work in browsers', async () => {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'neutral',
      mainFields: ['module', 'main'],
      write: false,
      logLevel: 'silent',
    });
    const dir = await mkdtemp(join(tmpdir(), 'uplink-minified-'));
    try {
      const file = join(dir, 'core-schemas.min.mjs');
      await writeFile(file, result.outputFiles[0]!.contents);
      const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
      const classes = Object.entries(mod).filter(
        ([name, value]) => typeof value === 'function' && /^[A-Z]\w*Error$/.test(name),
      ) as [string, new (...args: never[]) => Error][];
      expect(classes.length).toBeGreaterThanOrEqual(16);
      for (const [exported, Class] of classes) {
        // The minifier renamed the class itself; the error name must not follow.
        const args = (
          exported === 'ResponseValidationError'
            ? [{ issues: [] }]
            : exported === 'ConfigurationError' || exported === 'InvalidArgumentError'
              ? ['bad']
              : exported === 'TimeoutError'
                ? ['slow', { timeout: 'idle' }]
                : exported === 'StreamError'
                  ? ['broken', { code: 'truncated' }]
                  : exported === 'ResponseTooLargeError'
                    ? ['big', { maxBytes: 1 }]
                    : /ApiError$|Request|Authentication|Permission|NotFound|Conflict|Unprocessable|RateLimit|InternalServer/.test(
                          exported,
                        )
                      ? ['failed', { status: 500 }]
                      : ['failed']
        ) as never[];
        const error = new Class(...args);
        expect(error.name, exported).toBe(exported);
        expect((error as unknown as { toJSON(): { name: string } }).toJSON().name).toBe(exported);
      }
      // A user's subclass without `errorName` is named after its own class.
      const { ApiError } = mod as { ApiError: new (m: string, i: { status: number }) => Error };
      class PaymentRequiredError extends ApiError {}
      expect(new PaymentRequiredError('pay', { status: 402 }).name).toBe('PaymentRequiredError');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
