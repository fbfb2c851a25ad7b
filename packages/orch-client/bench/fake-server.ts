// The bench's llama-orch: FakeLlamaOrch in generator mode, unpaced, in its own process so the
// client's CPU is measured alone. Prints its URL on the first stdout line; exits with stdin.
import { startFakeLlamaOrch } from '@uplink/testing';

const orch = await startFakeLlamaOrch({
  streamMode: 'generator',
  queueCapacity: 1_000_000,
  releaseOnStreamEnd: true,
  maxStreamTokens: 2_000_000,
});
process.stdout.write(`${orch.url}\n`);
process.stdin.on('end', () => void orch.close().then(() => process.exit(0)));
process.stdin.resume();
