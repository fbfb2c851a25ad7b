// Batch processing with @uplink/flow-client: a pool of concurrent flow runs, results in input order.
// It is the package's own example (tested in packages/flow-client/test/examples.test.ts), run
// against $AI_SPINE_BASE_URL or, when that is unset, a local fake AI Spine with loopback agents:
//   pnpm build && pnpm exec tsx docs/examples/flow-batch.ts
import { main } from '../../packages/flow-client/examples/batch-processing.js';
import { runIfMain } from '../../packages/flow-client/examples/demo-spine.js';

export { main };

runIfMain(import.meta.url, main);
