import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { expect, it } from 'vitest';

const src = resolve(import.meta.dirname, '../src');

/** Every source file the main entry reaches through relative imports. */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const queue = [entry];
  while (queue.length > 0 && seen.size < 200) {
    const file = queue.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, 'utf8').matchAll(/from '(\.[^']+)\.js'/g)) {
      queue.push(resolve(dirname(file), `${match[1]}.ts`));
    }
  }
  return [...seen];
}

it('the main entry imports no node: module and uses no process or Buffer', () => {
  const files = reachable(resolve(src, 'index.ts'));
  expect(files.length).toBeGreaterThan(15);
  for (const file of files) {
    const code = readFileSync(file, 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\/\/.*$/gm, '');
    expect(code, file).not.toMatch(/from 'node:|require\(|import\('node:|@uplink\/testing/);
    expect(code, file).not.toMatch(/(?<![.?\w])process\.|\bBuffer\b/);
  }
});
