// Shared setup for the run-client tests: a fake agent-sdk per test, closed afterwards.
import { type FakeAgentSdk, type FakeAgentSdkOptions, startFakeAgentSdk } from '@uplink/testing';
import { onTestFinished } from 'vitest';
import { RunClient, type RunClientOptions } from '../src/index.js';

/** A fake agent-sdk server, closed when the test finishes. */
export async function fakeServer(options: FakeAgentSdkOptions = {}): Promise<FakeAgentSdk> {
  const fake = await startFakeAgentSdk(options);
  onTestFinished(() => fake.close());
  return fake;
}

/** A RunClient on `fake` (its key, no environment), closed when the test finishes. */
export function clientFor(fake: FakeAgentSdk, options: RunClientOptions = {}): RunClient {
  const client = new RunClient({ baseUrl: fake.url, apiKey: fake.apiKey, env: {}, ...options });
  onTestFinished(() => client.close());
  return client;
}

/** The headers of the fake's requests to `path` (after any `/v1`). */
export function requestsTo(fake: FakeAgentSdk, method: string, pathPrefix: string) {
  return fake.state.requests.filter(
    (r) => r.method === method && r.url.replace(/^\/v1/, '').startsWith(pathPrefix),
  );
}

/** Collect every event's seq of a stream. */
export async function seqsOf(
  stream: AsyncIterable<{ seq?: number | undefined }>,
): Promise<(number | undefined)[]> {
  const seqs: (number | undefined)[] = [];
  for await (const event of stream) seqs.push(event.seq);
  return seqs;
}
