// @uplink/flow-client in a stranger's project: run a flow on the fake AI Spine with
// executeAndWait, then the installed `ai-spine` bin: --help, and `flows list` against the fake.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FlowClient } from '@uplink/flow-client';
import { startFakeAgent, startFakeAiSpine } from '@uplink/testing';

const spine = await startFakeAiSpine();
const agent = await startFakeAgent({
  agentId: 'scorer',
  handler: (req) => ({ score: Number(req.input.amount) > 100 ? 0.2 : 0.9 }),
});
spine.registerAgent(agent.info({ capabilities: ['scoring'] }));
spine.addFlow({
  flow_id: 'score',
  name: 'Score',
  description: 'One agent scores the input',
  nodes: [{ id: 'scorer', agent_id: 'scorer', type: 'input' }],
  entry_point: 'scorer',
  exit_points: ['scorer'],
});
const client = new FlowClient({ baseUrl: spine.url });
try {
  const execution = await client.executeAndWait('score', { amount: 50 }, { intervalMs: 20 });
  assert.equal(execution.status, 'completed');
  assert.deepEqual(execution.output_data?.scorer, { score: 0.9 });

  const bin = new URL('./node_modules/.bin/ai-spine', import.meta.url).pathname;
  const env = { PATH: process.env.PATH, HOME: process.env.HOME };
  // Asynchronously: the fake server answers from this process while the bin runs.
  const run = (args) => promisify(execFile)(bin, args, { encoding: 'utf8', env, timeout: 30_000 });
  const help = (await run(['--help'])).stdout;
  assert.match(help, /^ai-spine: command-line client/);
  const listed = (await run(['flows', 'list', '--json', '--base-url', spine.url])).stdout;
  assert.ok(JSON.stringify(JSON.parse(listed)).includes('"score"'), listed);
  console.log('flow-client: executeAndWait and the ai-spine bin (--help, flows list) work');
} finally {
  await client.close();
  await spine.close();
  await agent.close();
}
