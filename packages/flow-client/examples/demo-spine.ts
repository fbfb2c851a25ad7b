/**
 * A local AI Spine for the examples: the fake server from @uplink/testing with two real
 * loopback agents and a `loan_review` flow (intake -> scorer). Each example runs against
 * $AI_SPINE_BASE_URL when it is set, and against this otherwise. Run directly, it serves until
 * Ctrl-C and prints the line that points the `ai-spine` CLI at it:
 *   pnpm build && pnpm exec tsx packages/flow-client/examples/demo-spine.ts
 */
import { pathToFileURL } from 'node:url';
import {
  type FakeAgent,
  type FakeAiSpine,
  startFakeAgent,
  startFakeAiSpine,
} from '@uplink/testing';

/** A running demo: the fake server and its agents. */
export interface DemoSpine extends AsyncDisposable {
  url: string;
  spine: FakeAiSpine;
  close(): Promise<void>;
}

/** Start the fake AI Spine with the `loan_review` flow and its two agents. */
export async function startDemoSpine(): Promise<DemoSpine> {
  const spine = await startFakeAiSpine();
  const agents: FakeAgent[] = [];
  agents.push(
    await startFakeAgent({
      agentId: 'intake',
      handler: (req) => {
        const amount = Number(req.input.amount);
        // A failing agent fails the run: the example on error handling relies on this.
        if (!(amount > 0)) throw new Error(`amount must be positive, got ${req.input.amount}`);
        return { applicant: String(req.input.name ?? 'anonymous'), amount };
      },
    }),
    await startFakeAgent({
      agentId: 'scorer',
      handler: async (req, { signal }) => {
        const delayMs = Number(req.input.delayMs ?? 0);
        if (delayMs > 0) {
          await new Promise((resolve) => {
            const timer = setTimeout(resolve, delayMs);
            signal.addEventListener('abort', () => clearTimeout(timer), { once: true });
          });
        }
        const amount = Number(req.input.amount);
        const score = Math.round((1 - Math.min(amount, 200_000) / 250_000) * 100) / 100;
        return { score, decision: score >= 0.5 ? 'approved' : 'declined' };
      },
    }),
  );
  for (const agent of agents)
    spine.registerAgent(agent.info({ capabilities: ['credit_analysis'] }));
  spine.addFlow({
    flow_id: 'loan_review',
    name: 'Loan review',
    description: 'Intake normalises the application, the scorer decides',
    nodes: [
      { id: 'intake', agent_id: 'intake', type: 'input' },
      { id: 'scorer', agent_id: 'scorer', type: 'processor', depends_on: ['intake'] },
    ],
    entry_point: 'intake',
    exit_points: ['scorer'],
  });
  const close = async (): Promise<void> => {
    await spine.close();
    await Promise.all(agents.map((agent) => agent.close()));
  };
  return { url: spine.url, spine, close, [Symbol.asyncDispose]: close };
}

/**
 * Run `main` when the example file is executed directly (`tsx examples/<name>.ts`): against
 * $AI_SPINE_BASE_URL when set, otherwise against a demo spine started for the run.
 */
export function runIfMain(
  moduleUrl: string,
  main: (baseUrl: string, log?: (line: string) => void) => Promise<unknown>,
): void {
  if (moduleUrl !== pathToFileURL(process.argv[1] ?? '').href) return;
  (async () => {
    const external = process.env.AI_SPINE_BASE_URL;
    if (external) return main(external);
    await using demo = await startDemoSpine();
    // Awaited inside the block: the demo spine must outlive the example.
    return await main(demo.url);
  })().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const demo = await startDemoSpine();
  console.log(`export AI_SPINE_BASE_URL=${demo.url}`);
  console.error('a fake AI Spine with the loan_review flow is running; Ctrl-C stops it');
  const stop = (): void => void demo.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
