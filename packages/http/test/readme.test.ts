import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import * as main from '../src/index.js';
import * as node from '../src/node.js';

it('the README names every runtime export of both entries', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const missing = [...Object.keys(main), ...Object.keys(node)].filter(
    (name) => !readme.includes(`\`${name}`),
  );
  expect(missing).toEqual([]);
});
