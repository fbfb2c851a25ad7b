// @uplink/testing in a stranger's project: every fake server starts on loopback, answers its
// health route and closes.
import assert from 'node:assert/strict';
import {
  startFakeAgentSdk,
  startFakeAiSpine,
  startFakeLlamaOrch,
  startFakeLumlPlatform,
  startFakeSaturn,
} from '@uplink/testing';

for (const [name, start] of [
  ['LUML', startFakeLumlPlatform],
  ['llama-orch', startFakeLlamaOrch],
  ['AI Spine', startFakeAiSpine],
  ['agent-sdk', startFakeAgentSdk],
  ['SATURN', startFakeSaturn],
]) {
  const fake = await start();
  try {
    assert.match(fake.url, /^http:\/\/127\.0\.0\.1:\d+/);
    const response = await fetch(fake.url, { signal: AbortSignal.timeout(10_000) });
    await response.arrayBuffer();
    assert.ok(response.status < 500, `${name} answered ${response.status}`);
  } finally {
    await fake.close();
  }
}
console.log(
  'testing: the LUML, llama-orch, AI Spine, agent-sdk and SATURN fakes start, answer and close',
);
