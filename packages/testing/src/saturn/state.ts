// docs/protocols/saturn.md §2.4 (what the server stores, per company)

/** An API key as the server holds it: the SHA-256 of the plaintext, never the plaintext. */
export interface FakeApiKeyRecord {
  key_hash: string;
  company_id: string;
  scopes: string[];
  /** Only `active` keys authenticate. */
  status: string;
}

/** A stored agent (the wire fields). */
export interface FakeSaturnAgent {
  agent_id: string;
  company_id: string;
  name: string;
  type: string;
  status: string;
  model_config: Record<string, unknown>;
  behavior_config: Record<string, unknown>;
  memory_config: Record<string, unknown> | null;
  rag_config: Record<string, unknown> | null;
  tool_policy: Record<string, unknown> | null;
  channel_config: Record<string, unknown> | null;
  version: number;
}

/** A stored tool. */
export interface FakeSaturnTool {
  tool_id: string;
  company_id: string;
  name: string;
  type: string;
  description: string;
  input_schema: Record<string, unknown>;
  output_schema: Record<string, unknown> | null;
  config: Record<string, unknown>;
  status: string;
}

/** A tool attached to an agent (the agent is never checked, §2.6). */
export interface FakeToolAttachment {
  company_id: string;
  agent_id: string;
  tool_id: string;
  policy: Record<string, unknown> | null;
}

/** A knowledge-base document with its chunks and every status it went through. */
export interface FakeKbDocument {
  doc_id: string;
  company_id: string;
  agent_id: string;
  filename: string;
  status: string;
  error_message: string | null;
  /** The text chunks (split at blank lines) retrieval searches. */
  chunks: string[];
  /** Every status the document had, in order (`['indexing', 'ready']` after an upload). */
  history: string[];
}

/** A chat session. */
export interface FakeChatSession {
  session_id: string;
  company_id: string;
  agent_id: string;
  user_external_id: string | null;
  channel: string;
  state: string;
}

/** A stored chat message. */
export interface FakeChatMessage {
  company_id: string;
  session_id: string;
  role: 'user' | 'assistant';
  content: string;
  created_at: Date;
}

/** One usage event (`llm_tokens_in`, `llm_tokens_out`, `kb_query`, ...). */
export interface FakeUsageEvent {
  company_id: string;
  agent_id: string;
  session_id: string | null;
  event_type: string;
  quantity: number;
  /** `tokens`, `calls` or `seconds`: the unit decides the price. */
  unit: string;
  created_at: Date;
}

/** A stored invoice (always created as a `draft`). */
export interface FakeInvoice {
  invoice_id: string;
  company_id: string;
  /** `YYYY-MM-DD`, the first day of the period. */
  period_start: string;
  /** `YYYY-MM-DD`, the first day after the period. */
  period_end: string;
  currency: string;
  total: number;
  status: string;
  line_items: { item: string; quantity: string; unit_price: string }[];
}

/** Everything the fake stores. Maps are keyed by id; every record carries its `company_id`. */
export interface SaturnState {
  apiKeys: Map<string, FakeApiKeyRecord>;
  agents: Map<string, FakeSaturnAgent>;
  tools: Map<string, FakeSaturnTool>;
  attachments: FakeToolAttachment[];
  documents: Map<string, FakeKbDocument>;
  sessions: Map<string, FakeChatSession>;
  messages: FakeChatMessage[];
  usageEvents: FakeUsageEvent[];
  invoices: Map<string, FakeInvoice>;
}

/** An empty store. */
export function emptyState(): SaturnState {
  return {
    apiKeys: new Map(),
    agents: new Map(),
    tools: new Map(),
    attachments: [],
    documents: new Map(),
    sessions: new Map(),
    messages: [],
    usageEvents: [],
    invoices: new Map(),
  };
}
