// @uplink/agent-client in a stranger's project: create and list agents on the fake SATURN with a
// user token, and see the server's 500 explained as SaturnInternalError (the fake has SATURN's
// detached-row defect on by default, as the real server does).
import assert from 'node:assert/strict';
import { AgentClient, SaturnInternalError } from '@uplink/agent-client';
import { startFakeSaturn } from '@uplink/testing';

const saturn = await startFakeSaturn();
const client = new AgentClient({
  baseUrl: saturn.url,
  token: saturn.userToken({ role: 'admin' }),
  env: {},
});
try {
  const { agent_id } = await client.createAgent({
    name: 'Support bot',
    type: 'chat',
    model_config: { provider: 'openai', model: 'gpt-4o-mini' },
    behavior_config: { system_prompt: 'Answer briefly.' },
  });
  const { agents } = await client.listAgents({ type: 'chat' });
  assert.deepEqual(
    agents.map((a) => a.agent_id),
    [agent_id],
  );
  // The fake keeps SATURN's defect on by default: chat answers 500, which the client explains.
  await assert.rejects(
    client.chat(agent_id, 'Hello!'),
    (error) => error instanceof SaturnInternalError && error.message.includes('chat'),
  );
  console.log(
    'agent-client: createAgent, listAgents and chat (SaturnInternalError) against the fake SATURN',
  );
} finally {
  await client.close();
  await saturn.close();
}
