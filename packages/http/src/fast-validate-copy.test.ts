// A schema built with a second copy of valibot (another instance of the same code, as when two
// versions sit in node_modules or a dependency bundles its own) must keep the compiled path.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileFastCheck, FAIL } from './fast-validate.js';
import { streamSSE } from './index.js';

type Valibot = typeof v;
let copy: Valibot;
let dir: string;

beforeAll(async () => {
  // pnpm links every alias of one version to one directory (one module instance), so the
  // second copy is made by loading the same file from another path.
  const entry = createRequire(import.meta.url)
    .resolve('valibot')
    .replace(/index\.cjs$/, 'index.mjs');
  dir = mkdtempSync(join(tmpdir(), 'valibot-copy-'));
  copyFileSync(entry, join(dir, 'valibot-copy.mjs'));
  copy = (await import(pathToFileURL(join(dir, 'valibot-copy.mjs')).href)) as Valibot;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('compileFastCheck with a second copy of valibot', () => {
  it('is really another instance', () => {
    expect(copy.object).toBeTypeOf('function');
    expect(copy.object).not.toBe(v.object);
    expect(copy.string().reference).not.toBe(v.string().reference);
  });

  it('compiles its plain schemas and gives the same output as valibot', () => {
    const token = copy.object({ t: copy.string(), i: copy.number() });
    const loose = copy.looseObject({
      a: copy.optional(copy.string()),
      b: copy.nullable(copy.boolean()),
      c: copy.unknown(),
    });
    for (const schema of [token, loose]) {
      const fast = compileFastCheck(schema as never);
      expect(fast).toBeTypeOf('function');
      for (const input of [
        { t: 'x', i: 1 },
        { t: 1, i: 1 },
        { b: true, z: 1 },
        { b: 'no' },
        null,
      ]) {
        const expected = copy.safeParse(schema, input);
        const got = fast?.(input);
        if (expected.success) expect(got).toStrictEqual(expected.output);
        else expect(got).toBe(FAIL);
      }
    }
  });

  it('still refuses its wrapped schemas (pipe, default, fallback)', () => {
    expect(compileFastCheck(copy.pipe(copy.string(), copy.trim()) as never)).toBeUndefined();
    expect(compileFastCheck(copy.optional(copy.string(), 'd') as never)).toBeUndefined();
    expect(compileFastCheck(copy.fallback(copy.string(), 'x') as never)).toBeUndefined();
  });

  it('streamSSE validates its events without running valibot for the ones that fit', async () => {
    const token = copy.object({ t: copy.string(), i: copy.number() });
    let valibotRuns = 0;
    const run = token['~run'].bind(token);
    // Same keys, so the schema still looks plain; the counter shows whether valibot ran.
    (token as { '~run': typeof run })['~run'] = (dataset, config) => {
      valibotRuns++;
      return run(dataset, config);
    };
    const body = `${Array.from({ length: 50 }, (_, i) => `event: token\ndata: {"t":"x","i":${i}}\n\n`).join('')}event: end\ndata: {}\n\n`;
    const stream = streamSSE(async () => new Response(body), {
      events: { token, end: copy.looseObject({}) },
      terminal: ['end'],
    });
    let count = 0;
    for await (const message of stream) if (message.event === 'token') count++;
    expect(count).toBe(50);
    expect(valibotRuns).toBe(0);
    // And a bad event still gets valibot's issues.
    const bad = streamSSE(async () => new Response('event: token\ndata: {"t":1,"i":0}\n\n'), {
      events: { token },
    });
    await expect(bad[Symbol.asyncIterator]().next()).rejects.toThrow(/SSE event "token"/);
    expect(valibotRuns).toBe(1);
  });
});
