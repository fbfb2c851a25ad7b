// A SATURN support agent with a tool and a knowledge-base document, set up with @uplink/agent-client.
// Against $SATURN_BASE_URL with $SATURN_TOKEN (an admin user JWT), or a local fake SATURN when unset:
//   TSX_TSCONFIG_PATH=docs/examples/tsconfig.json node --import tsx docs/examples/saturn-agent.ts
import { pathToFileURL } from 'node:url';
import { AgentClient, SaturnInternalError } from '@uplink/agent-client';
import { startFakeSaturn } from '@uplink/testing';

/** What the run found out, for callers (and the test) to check. */
export interface SetupReport {
  agentId: string;
  toolId: string;
  /** `ready`, or `unconfirmed` when the server's defect hid the upload's answer. */
  document: string;
  /** The agent's answer, or `undefined` when the server failed the chat. */
  reply: string | undefined;
}

/** SATURN's upstream defect (docs/protocols/saturn.md §2.6): a 500 after the write happened. */
const isServerDefect = (error: unknown): error is SaturnInternalError =>
  error instanceof SaturnInternalError && error.possibleCauses.includes('server-defect');

/** Set up the agent through `client`, printing each step with `log`. */
export async function setUpSupportAgent(
  client: AgentClient,
  log: (line: string) => void = console.log,
): Promise<SetupReport> {
  const agent = await client.createAgent({
    name: 'Clinic receptionist',
    type: 'chat',
    model_config: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2 },
    behavior_config: { system_prompt: 'You book appointments. Be brief.', rules: [] },
    rag_config: { enabled: true, top_k: 3 },
  });
  log(`agent ${agent.agent_id} created (version ${agent.version})`);

  const tool = await client.createTool({
    name: 'calendar.create_event',
    type: 'http',
    description: 'Book an appointment',
    input_schema: {
      type: 'object',
      properties: { patient: { type: 'string' }, slot: { type: 'string' } },
      required: ['patient', 'slot'],
    },
    config: { method: 'POST', url: 'https://calendar.example.com/events' },
  });
  const test = await client.testTool(tool.tool_id, { patient: 'Ada', slot: '2026-01-05T09:00' });
  log(`tool ${tool.tool_id} created; test answered ${test.result.status}`);
  await client.attachTool(agent.agent_id, tool.tool_id, { policy: { daily_limit: 50 } });
  log('tool attached');

  let document = 'unconfirmed';
  const content =
    'Opening hours: Monday to Friday, 9:00 to 17:00.\n\nWe are closed on public holidays.';
  try {
    const uploaded = await client.uploadDocument(agent.agent_id, { filename: 'faq.md', content });
    document = uploaded.status;
    log(`document ${uploaded.doc_id} uploaded: ${uploaded.status}`);
  } catch (error) {
    // Do not upload again: on this server the first upload was stored and indexed anyway, and a
    // second one would store a second copy. The list call fails the same way, so it cannot be
    // confirmed through the API; the request id lets an operator find it in the server's logs.
    if (!isServerDefect(error)) throw error;
    log(
      `document upload answered 500 (request ${error.requestId}); SATURN stores it anyway, not retrying`,
    );
  }

  let reply: string | undefined;
  try {
    reply = (await client.chat(agent.agent_id, 'opening hours')).reply;
    log(`chat reply: ${reply}`);
  } catch (error) {
    if (!isServerDefect(error)) throw error;
    log(
      `chat answered 500 (request ${error.requestId}): a known SATURN defect; the message was stored`,
    );
  }
  return { agentId: agent.agent_id, toolId: tool.tool_id, document, reply };
}

/** Run against `$SATURN_BASE_URL`, or start a fake SATURN (with its defect, like the real one). */
export async function main(
  env: Record<string, string | undefined> = process.env,
): Promise<SetupReport> {
  if (env.SATURN_BASE_URL) {
    await using client = new AgentClient({ env });
    // `return await`, not `return`: the client must stay open until the setup has finished.
    return await setUpSupportAgent(client);
  }
  await using fake = await startFakeSaturn();
  console.log(`no SATURN_BASE_URL: using a local fake SATURN at ${fake.url}`);
  await using client = new AgentClient({
    baseUrl: fake.url,
    token: fake.userToken({ role: 'admin' }),
    env: {},
  });
  return await setUpSupportAgent(client);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
