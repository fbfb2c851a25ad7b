// docs/protocols/saturn.md §2.4 (chat) and §2.6 (the turn is stored, then the defect fails it)
import { findAgent } from './agent-routes.js';
import { requireChat } from './auth.js';
import { SaturnFailure } from './http-io.js';
import type { SaturnContext, SaturnRoute } from './router.js';
import { detachedRead, type SaturnRuntime } from './runtime.js';
import type { FakeChatSession } from './state.js';
import { CHAT } from './validation.js';

const words = (text: string): number => text.split(/\s+/).filter(Boolean).length;

/** Ready documents of the agent whose chunks contain the whole message (case-insensitive). */
function retrieve(
  runtime: SaturnRuntime,
  companyId: string,
  agentId: string,
  message: string,
  topK: number,
) {
  const results: { doc_id: string; title: string; snippet: string }[] = [];
  const needle = message.toLowerCase();
  for (const doc of runtime.state.documents.values()) {
    if (doc.company_id !== companyId || doc.agent_id !== agentId || doc.status !== 'ready')
      continue;
    for (const chunk of doc.chunks) {
      if (results.length >= topK) break;
      if (chunk.toLowerCase().includes(needle)) {
        results.push({
          doc_id: doc.doc_id,
          title: doc.filename,
          snippet: [...chunk].slice(0, 200).join(''),
        });
      }
    }
    if (results.length >= topK) break;
  }
  return results;
}

function chat({ auth, body, params, runtime }: SaturnContext) {
  requireChat(auth, runtime.rolePermissions);
  const { state } = runtime;
  const agentId = params.agent_id ?? '';
  const agent = findAgent(runtime, auth.company_id, agentId);
  const metadata = (body.metadata as Record<string, unknown> | null | undefined) ?? {};
  const message = body.message as string;
  let session: FakeChatSession | undefined;
  const sessionId = body.session_id as string | null | undefined;
  if (sessionId) {
    session = state.sessions.get(sessionId);
    if (!session || session.company_id !== auth.company_id || session.agent_id !== agentId) {
      throw new SaturnFailure('SESSION_NOT_FOUND');
    }
  } else {
    const external = metadata.user_external_id;
    session = {
      session_id: crypto.randomUUID(),
      company_id: auth.company_id,
      agent_id: agentId,
      user_external_id: typeof external === 'string' ? external : null,
      channel: 'api',
      state: 'open',
    };
    state.sessions.set(session.session_id, session);
  }
  const now = runtime.now();
  state.messages.push({
    company_id: auth.company_id,
    session_id: session.session_id,
    role: 'user',
    content: message,
    created_at: now,
  });
  // Loading the history is the first read of a closed session's rows.
  detachedRead(runtime, 'messages');
  let citations: ReturnType<typeof retrieve> = [];
  let kbQueries = 0;
  const rag = agent.rag_config;
  if (rag?.enabled) {
    const topK = Number.parseInt(String(rag.top_k ?? 3), 10);
    citations = retrieve(runtime, auth.company_id, agentId, message, Number.isNaN(topK) ? 3 : topK);
    state.usageEvents.push({
      company_id: auth.company_id,
      agent_id: agentId,
      session_id: session.session_id,
      event_type: 'kb_query',
      quantity: 1,
      unit: 'calls',
      created_at: now,
    });
    kbQueries = 1;
  }
  const reply = `Echo: ${message}`;
  runtime.metrics.llm_calls++;
  const usage = {
    tokens_in: Math.max(1, words(message)),
    tokens_out: Math.max(1, words(reply)),
    tool_calls: 0,
    kb_queries: kbQueries,
  };
  state.messages.push({
    company_id: auth.company_id,
    session_id: session.session_id,
    role: 'assistant',
    content: reply,
    created_at: now,
  });
  for (const [type, quantity] of [
    ['llm_tokens_in', usage.tokens_in],
    ['llm_tokens_out', usage.tokens_out],
  ] as const) {
    state.usageEvents.push({
      company_id: auth.company_id,
      agent_id: agentId,
      session_id: session.session_id,
      event_type: type,
      quantity,
      unit: 'tokens',
      created_at: now,
    });
  }
  return { session_id: session.session_id, reply, citations, usage };
}

/** `POST /agents/{agent_id}/chat`: a JWT with `chat:write` or an API key with that scope. */
export const chatRoutes: SaturnRoute[] = [
  { method: 'POST', path: '/agents/{agent_id}/chat', credential: 'any', body: CHAT, handler: chat },
];
