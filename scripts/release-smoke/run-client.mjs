// @uplink/run-client in a stranger's project: stream a run from the fake agent-sdk to its end
// (the README's example, without `await using` so that it runs on Node 22 as it is).
import assert from 'node:assert/strict';
import { RunClient } from '@uplink/run-client';
import { startFakeAgentSdk } from '@uplink/testing';

const fake = await startFakeAgentSdk({ seqZeroThenSilence: true });
const client = new RunClient({ baseUrl: fake.url, apiKey: fake.apiKey });
try {
  const stream = client.streamRun({ task: 'Summarise the open incidents' });
  const texts = [];
  for await (const text of stream.textStream) texts.push(text);
  const { status, lastSeq } = await stream.finalResult();
  assert.equal(status, 'completed');
  assert.ok(texts.length > 0);
  assert.equal(typeof lastSeq, 'number');
  console.log(
    `run-client: streamed a run to ${status} (last seq ${lastSeq}) from the fake agent-sdk`,
  );
} finally {
  await client.close();
  await fake.close();
}
