import ky from 'ky';
import * as v from 'valibot';
import { createHttpClient } from '../src/index.js';
import { compare } from './harness.js';

const Small = v.object({
  id: v.string(),
  status: v.string(),
  attempt: v.number(),
  ok: v.boolean(),
});

async function run(
  total: number,
  concurrency: number,
  call: () => Promise<unknown>,
): Promise<number> {
  let started = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (started < total) {
      started++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return total / ((performance.now() - t0) / 1000);
}

/** Requests per second of small JSON GETs: raw fetch + res.json() vs client.get with a schema. */
export async function benchRequestOverhead(
  url: string,
  concurrency: number,
  total: number,
  rounds = 5,
) {
  const client = createHttpClient({ baseUrl: url });
  const raw = async () => (await fetch(`${url}/json`)).json();
  const ours = () => client.get('/json', Small);
  await run(500, concurrency, raw);
  await run(500, concurrency, ours);
  return compare(
    rounds,
    () => run(total, concurrency, raw),
    () => run(total, concurrency, ours),
  );
}

/**
 * Reference for attribution: ky 2 alone (its defaults, `.json()`) against raw fetch, in the
 * same run. `@uplink/http` sends every attempt through ky, so this bounds its ratio.
 */
export async function benchKyAlone(url: string, concurrency: number, total: number, rounds = 5) {
  const raw = async () => (await fetch(`${url}/json`)).json();
  const viaKy = () => ky(`${url}/json`, { retry: 0, timeout: false }).json();
  await run(500, concurrency, raw);
  await run(500, concurrency, viaKy);
  return compare(
    rounds,
    () => run(total, concurrency, raw),
    () => run(total, concurrency, viaKy),
  );
}
