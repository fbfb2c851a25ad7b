// @uplink/agent-client in a stranger's project: the entry loads and reports the installed version (the
// one its User-Agent sends). Extend this with a call against its fake server once it has one.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { SDK_VERSION } from '@uplink/agent-client';

const manifest = JSON.parse(
  readFileSync(
    new URL('./node_modules/@uplink/agent-client/package.json', import.meta.url),
    'utf8',
  ),
);
assert.equal(SDK_VERSION, manifest.version);
console.log(`agent-client: SDK_VERSION ${SDK_VERSION} matches the installed package`);
