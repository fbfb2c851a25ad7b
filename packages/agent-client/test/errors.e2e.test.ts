// SATURN's error shapes against the fake: envelopes, plain FastAPI bodies, the 500s of bad
// credentials and of the upstream detached-row defect, and the dropped connection after them.
import {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
} from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { SaturnInternalError } from '../src/index.js';
import { agentBody, clientFor, fakeSaturn, rejection } from './helpers.js';

describe('enveloped errors carry code, details and request id', () => {
  it('maps each status to its class, with the id that was sent', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken());
    const agent = fake.addAgent();
    const tool = fake.addTool({
      input_schema: { type: 'object', required: ['name'] },
    });

    const notFound = (await rejection(
      client.getAgent('missing', { requestId: 'trace-1' }),
    )) as NotFoundError;
    expect(notFound).toBeInstanceOf(NotFoundError);
    expect(notFound).toMatchObject({
      status: 404,
      code: 'AGENT_NOT_FOUND',
      details: {},
      requestId: 'trace-1',
    });
    expect(notFound.message).toBe(
      'SATURN 404 AGENT_NOT_FOUND on GET /agents/missing: Agent not found (request id trace-1)',
    );

    const schema = (await rejection(client.testTool(tool.tool_id, {}))) as BadRequestError;
    expect(schema).toBeInstanceOf(BadRequestError);
    expect(schema).toMatchObject({ code: 'TOOL_SCHEMA_INVALID' });
    expect(schema.message).toContain('Missing required field: name');

    const unknownTool = (await rejection(
      client.attachTool(agent.agent_id, 'nope'),
    )) as PermissionDeniedError;
    expect(unknownTool).toBeInstanceOf(PermissionDeniedError);
    expect(unknownTool.code).toBe('TOOL_NOT_ALLOWED');
    expect(unknownTool.message).toContain('does not exist in this company or is disabled');

    const noDoc = (await rejection(
      client.deleteDocument(agent.agent_id, 'nope'),
    )) as InternalServerError;
    expect(noDoc).toBeInstanceOf(InternalServerError);
    expect(noDoc).not.toBeInstanceOf(SaturnInternalError);
    expect(noDoc.code).toBe('KB_INDEXING_FAILED');
    expect(noDoc.message).toContain('SATURN reports an unknown document this way, not as 404');
    const empty = (await rejection(
      client.uploadDocument(agent.agent_id, { filename: 'e', content: ' ' }),
    )) as InternalServerError;
    expect(empty.message).toContain('the content has no text');
    expect(empty.requestId).toBe(fake.requests.at(-1)?.headers['x-request-id']);

    const invoice = (await rejection(client.getInvoice('nope'))) as NotFoundError;
    expect(invoice).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('Invoice not found'),
    });
    // None of these is retried: one request each.
    expect(fake.calls['GET /agents/{agent_id}']).toBe(1);
    expect(fake.calls['DELETE /agents/{agent_id}/kb/{doc_id}']).toBe(1);
  });

  it('explains 401s: no credential, a key on a JWT route, a JWT on the key route', async () => {
    const fake = await fakeSaturn();
    const none = await rejection(clientFor(fake, undefined).listAgents());
    expect(none).toBeInstanceOf(AuthenticationError);
    expect((none as Error).message).toContain('no credential was sent: pass `token`');
    const keyClient = clientFor(fake, fake.addApiKey({ scopes: ['*'] }));
    const key = await rejection(keyClient.createAgent(agentBody));
    expect(key).toMatchObject({ status: 401, code: 'AUTH_INVALID' });
    expect((key as Error).message).toContain('createAgent takes a user JWT only');
    const jwt = await rejection(clientFor(fake, fake.userToken()).getApiKeyInfo());
    expect((jwt as Error).message).toContain('getApiKeyInfo takes an sk_ API key only');
    const scope = await rejection(
      clientFor(fake, fake.addApiKey({ scopes: ['agents:read'] })).chat(
        fake.addAgent().agent_id,
        'hi',
      ),
    );
    expect((scope as Error).message).toContain("the API key's scopes lack chat:write");
  });
});

describe('plain FastAPI bodies', () => {
  it('explains the 404 of the /api/v1 prefix SATURN does not serve', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken(), { apiPrefix: '/api/v1' });
    const error = (await rejection(client.listAgents())) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code).toBeUndefined();
    expect(error.body).toEqual({ detail: 'Not Found' });
    expect(error.requestId).toBe(fake.requests.at(-1)?.headers['x-request-id']);
    expect(error.message).toContain(
      "SATURN mounts its routes at the root; its API document's /api/v1 prefix is not served, so set apiPrefix: ''",
    );
  });

  it('explains a route the server lacks (sessions turned on against the real server)', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken(), { capabilities: { sessions: true } });
    const error = await rejection(client.listSessions());
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as Error).message).toContain('this server has no such route');
  });
});

describe('500 INTERNAL_ERROR (docs/protocols/saturn.md §2.2, §2.6)', () => {
  it('names a bad credential as the likely cause, precisely where the client can tell', async () => {
    const fake = await fakeSaturn();
    const cases: [string, string][] = [
      [fake.userToken({ expiresInSeconds: -120 }), 'the JWT expired at '],
      [fake.mintJwt({ role: 'admin' }), 'the JWT has no company_id claim, which SATURN requires'],
      [
        fake.userToken({ secret: 'other' }),
        'possibly a bad credential: SATURN answers a JWT that is expired, signed with another secret or lacks company_id with 500 INTERNAL_ERROR, not 401',
      ],
      [
        'sk_live_0123456789abcdef',
        'possibly a bad credential: SATURN answers an unknown or revoked sk_ API key with 500',
      ],
    ];
    for (const [token, text] of cases) {
      const client = clientFor(fake, token);
      const error = (await rejection(
        client.listAgents({ requestId: 'r-bad' }),
      )) as SaturnInternalError;
      expect(error).toBeInstanceOf(SaturnInternalError);
      expect(error).toBeInstanceOf(InternalServerError);
      expect(error).toMatchObject({
        status: 500,
        code: 'INTERNAL_ERROR',
        requestId: 'r-bad',
        possibleCauses: ['credential'],
        mayHaveApplied: false,
      });
      expect(error.headers['x-request-id']).toBeUndefined();
      expect(error.message).toContain(text);
    }
    // Never retried, though listAgents is a GET: one request per case.
    expect(fake.requests).toHaveLength(cases.length);
  });

  it('surfaces the detached-row defect with code and request id, once, and says the write happened', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken({ role: 'operator' }));
    const agent = await client.createAgent(agentBody);
    const error = (await rejection(
      client.uploadDocument(
        agent.agent_id,
        { filename: 'a.md', content: 'text' },
        { requestId: 'up-1' },
      ),
    )) as SaturnInternalError;
    expect(error).toMatchObject({
      code: 'INTERNAL_ERROR',
      requestId: 'up-1',
      possibleCauses: ['server-defect'],
      mayHaveApplied: true,
    });
    expect(error.message).toContain(
      'uploadDocument fails on SATURN e401c5e because of a server defect',
    );
    expect(error.message).toContain('the document was most likely stored and indexed');
    expect([...fake.state.documents.values()].map((d) => d.status)).toEqual(['ready']);
    expect(fake.calls['POST /agents/{agent_id}/kb/upload']).toBe(1);

    const list = (await rejection(client.listDocuments(agent.agent_id))) as SaturnInternalError;
    expect(list.mayHaveApplied).toBe(false);
    expect(list.message).toContain('whenever the agent has a document that is not deleted');
    expect(fake.calls['GET /agents/{agent_id}/kb']).toBe(1);

    for (const call of [
      () => client.chat(agent.agent_id, 'hi'),
      () => client.getUsageSummary('2025-12'),
      () => client.listInvoices(),
    ]) {
      expect(await rejection(call())).toBeInstanceOf(SaturnInternalError);
    }
    expect(fake.state.invoices.size).toBe(1);
  });

  it('names both causes while the credential has not yet worked', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken());
    // With no tool, GET /tools has no row to read and works: that also proves the credential.
    expect((await client.listTools()).tools).toEqual([]);
    fake.addTool();
    const proven = (await rejection(client.listTools())) as SaturnInternalError;
    expect(proven.possibleCauses).toEqual(['server-defect']);
    const fresh = clientFor(fake, fake.userToken({ userId: 'someone-else' }));
    const unproven = (await rejection(fresh.listTools())) as SaturnInternalError;
    expect(unproven).toMatchObject({
      possibleCauses: ['credential', 'server-defect'],
      mayHaveApplied: false,
    });
    expect(unproven.message).toContain('possibly a bad credential');
    expect(unproven.message).toContain(
      'whenever the company has at least one tool; retrying gives the same 500',
    );
  });
});

describe('the dropped connection after an unhandled 500 (docs/protocols/saturn.md §2.6)', () => {
  it('does not break the calls that follow, and never runs a write twice', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken());
    const { agent_id } = await client.createAgent(agentBody);
    for (let round = 0; round < 5; round++) {
      await rejection(client.chat(agent_id, `round ${round}`));
      for (let i = 0; i < 3; i++)
        await client.createAgent({ ...agentBody, name: `r${round}-${i}` });
    }
    // The fake really reset requests on dropped connections, and every one was sent again.
    expect(fake.droppedConnections.connections).toBe(5);
    expect(fake.droppedConnections.requests).toBeGreaterThan(0);
    expect(fake.state.agents.size).toBe(16);
    expect(fake.state.messages.map((m) => m.content)).toEqual(
      [0, 1, 2, 3, 4].map((r) => `round ${r}`),
    );
  });

  it('survives several dead connections at once, under concurrent calls', async () => {
    const fake = await fakeSaturn();
    const client = clientFor(fake, fake.userToken());
    const { agent_id } = await client.createAgent(agentBody);
    // Three unhandled 500s in parallel leave three dead connections in the pool.
    await Promise.all([1, 2, 3].map((i) => rejection(client.chat(agent_id, `m${i}`))));
    const created = await Promise.all(
      [1, 2, 3, 4, 5, 6].map((i) => client.createAgent({ ...agentBody, name: `c${i}` })),
    );
    expect(created.map((a) => a.version)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(fake.droppedConnections.connections).toBe(3);
    expect(fake.state.agents.size).toBe(7);
  });
});
