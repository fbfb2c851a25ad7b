// docs/protocols/saturn.md §2.3 (credential and permission per route), §2.4 and §2.6 (the
// routes the detached-row defect breaks, and what their failing writes leave behind)

/** What the client knows about one SATURN call: its rules, retry safety and known defect. */
export interface Operation {
  /** The client method. */
  name: string;
  /** Which credential the route takes. */
  credential: 'jwt' | 'api_key' | 'any' | 'none';
  /** The role permission the route checks (for chat with a key: the scope). */
  permission?: string | undefined;
  /** Safe to repeat without an idempotency key (reads, and writes idempotent by nature). */
  idempotent: boolean;
  /** The detached-row defect: what a 500 `INTERNAL_ERROR` here means on SATURN e401c5e. */
  defect?: { effect?: string | undefined; when?: string | undefined } | undefined;
}

const op = (name: string, rest: Omit<Operation, 'name'>): Operation => ({ name, ...rest });

/** Every operation of the client, by method name. */
export const OPERATIONS = {
  getHealth: op('getHealth', { credential: 'none', idempotent: true }),
  getMe: op('getMe', { credential: 'jwt', permission: 'users:read', idempotent: true }),
  getApiKeyInfo: op('getApiKeyInfo', { credential: 'api_key', idempotent: true }),
  createAgent: op('createAgent', {
    credential: 'jwt',
    permission: 'agents:write',
    idempotent: false,
  }),
  listAgents: op('listAgents', { credential: 'jwt', permission: 'agents:read', idempotent: true }),
  getAgent: op('getAgent', { credential: 'jwt', permission: 'agents:read', idempotent: true }),
  // Every PATCH bumps the version, so a repeated one is not the same request.
  updateAgent: op('updateAgent', {
    credential: 'jwt',
    permission: 'agents:write',
    idempotent: false,
  }),
  // Disabling twice answers the same version.
  disableAgent: op('disableAgent', {
    credential: 'jwt',
    permission: 'agents:write',
    idempotent: true,
  }),
  chat: op('chat', {
    credential: 'any',
    permission: 'chat:write',
    idempotent: false,
    defect: { effect: 'the session and your message were stored, but the reply is lost' },
  }),
  createTool: op('createTool', { credential: 'jwt', permission: 'tools:write', idempotent: false }),
  listTools: op('listTools', {
    credential: 'jwt',
    permission: 'tools:read',
    idempotent: true,
    defect: { when: 'whenever the company has at least one tool' },
  }),
  testTool: op('testTool', { credential: 'jwt', permission: 'tools:write', idempotent: false }),
  // Attaching twice keeps one attachment; detach never fails.
  attachTool: op('attachTool', { credential: 'jwt', permission: 'tools:write', idempotent: true }),
  detachTool: op('detachTool', { credential: 'jwt', permission: 'tools:write', idempotent: true }),
  uploadDocument: op('uploadDocument', {
    credential: 'jwt',
    permission: 'kb:write',
    idempotent: false,
    defect: {
      effect:
        'the document was most likely stored and indexed (ready, or failed when it has no text); uploading again stores a second copy',
    },
  }),
  listDocuments: op('listDocuments', {
    credential: 'jwt',
    permission: 'kb:read',
    idempotent: true,
    defect: { when: 'whenever the agent has a document that is not deleted' },
  }),
  deleteDocument: op('deleteDocument', {
    credential: 'jwt',
    permission: 'kb:write',
    idempotent: true,
    defect: { effect: 'the document was most likely marked deleted' },
  }),
  reindexDocument: op('reindexDocument', {
    credential: 'jwt',
    permission: 'kb:write',
    idempotent: true,
    defect: { effect: 'the document was most likely re-indexed' },
  }),
  // A GET that inserts a draft invoice on every call: never repeated behind your back.
  getUsageSummary: op('getUsageSummary', {
    credential: 'jwt',
    permission: 'billing:read',
    idempotent: false,
    defect: { effect: 'a draft invoice for the period was most likely inserted' },
  }),
  listInvoices: op('listInvoices', {
    credential: 'jwt',
    permission: 'billing:read',
    idempotent: true,
    defect: { when: 'whenever the company has an invoice' },
  }),
  getInvoice: op('getInvoice', {
    credential: 'jwt',
    permission: 'billing:read',
    idempotent: true,
    defect: { when: 'for every existing invoice' },
  }),
  generateInvoice: op('generateInvoice', {
    credential: 'jwt',
    permission: 'billing:write',
    idempotent: false,
    defect: {
      effect: 'the draft invoice was most likely inserted; generating again inserts another',
    },
  }),
  listSessions: op('listSessions', {
    credential: 'jwt',
    permission: 'sessions:read',
    idempotent: true,
  }),
  getSession: op('getSession', {
    credential: 'jwt',
    permission: 'sessions:read',
    idempotent: true,
  }),
  listSessionMessages: op('listSessionMessages', {
    credential: 'jwt',
    permission: 'sessions:read',
    idempotent: true,
  }),
  closeSession: op('closeSession', { credential: 'jwt', idempotent: true }),
} as const satisfies Record<string, Operation>;

/** The name of one operation. */
export type OperationName = keyof typeof OPERATIONS;
