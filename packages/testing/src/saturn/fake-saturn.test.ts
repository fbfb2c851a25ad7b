import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { roleHasPermission } from '@uplink/core-schemas/saturn';
import { describe, expect, it } from 'vitest';
import { agentBody, call, fakeFor } from './test-helpers.js';

describe('fake SATURN: mount point and request ids (docs/protocols/saturn.md §2.1)', () => {
  it('mounts at the root by default; /api/v1 is the plain 404 with a request id header', async () => {
    const fake = await fakeFor();
    const token = fake.userToken();
    expect((await call(fake, 'GET', '/agents', { token })).status).toBe(200);
    const v1 = await call(fake, 'GET', '/api/v1/agents', { token });
    expect(v1).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    expect(v1.headers.get('x-request-id')).toMatch(/^[\da-f-]{36}$/);
  });

  it('serves /api/v1 when asked, and then the root is the plain 404', async () => {
    const fake = await fakeFor({ apiPrefix: '/api/v1' });
    const token = fake.userToken();
    expect(fake.apiPrefix).toBe('/api/v1');
    expect((await call(fake, 'GET', '/health')).body.data).toEqual({ status: 'ok' });
    expect((await call(fake, 'GET', '/agents', { token })).status).toBe(200);
    expect((await call(fake, 'GET', '/agents', { token, raw: true })).body).toEqual({
      detail: 'Not Found',
    });
  });

  it('echoes a sent X-Request-Id in the header and meta, and generates a UUID otherwise', async () => {
    const fake = await fakeFor();
    const sent = await call(fake, 'GET', '/health', { headers: { 'x-request-id': 'trace-42' } });
    expect(sent.headers.get('x-request-id')).toBe('trace-42');
    expect(sent.body.meta).toEqual({ request_id: 'trace-42' });
    const generated = await call(fake, 'GET', '/ready');
    expect(generated.body).toEqual({
      data: { status: 'ready' },
      meta: { request_id: generated.headers.get('x-request-id') },
    });
    expect(generated.body.meta.request_id).toMatch(/^[\da-f]{8}-[\da-f]{4}-4[\da-f]{3}-/);
  });

  it('answers a wrong method with 405 and Allow, and a trailing slash with a 307', async () => {
    const fake = await fakeFor();
    const wrong = await call(fake, 'PUT', '/tools', { token: fake.userToken() });
    expect(wrong).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
    expect(wrong.headers.get('allow')).toBe('POST');
    const slash = await fetch(`${fake.url}/agents/`, { redirect: 'manual' });
    expect(slash.status).toBe(307);
    expect(slash.headers.get('location')).toBe('/agents');
  });
});

describe('fake SATURN: credentials (docs/protocols/saturn.md §2.2, §2.3, §2.6)', () => {
  it('fails every bad credential in the middleware with a 500 and no header, on any path', async () => {
    const fake = await fakeFor();
    const inactive = fake.addApiKey({ status: 'revoked' });
    const bad = [
      'sk_unknown',
      inactive,
      fake.userToken({ expiresInSeconds: -1 }),
      fake.userToken({ secret: 'other' }),
      fake.mintJwt({ role: 'admin' }),
      fake.mintJwt({ company_id: 'c', nbf: Math.floor(Date.now() / 1000) + 600 }),
      `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"company_id":"c"}').toString('base64url')}.`,
      'not-a-jwt',
    ];
    for (const token of bad) {
      for (const path of ['/health', '/agents', '/no/such/route']) {
        const answer = await call(fake, 'GET', path, { token, headers: { 'x-request-id': 'r-1' } });
        expect(answer.status, `${path}`).toBe(500);
        expect(answer.body).toEqual({
          error: { code: 'INTERNAL_ERROR', message: 'Internal server error', details: {} },
          meta: { request_id: 'r-1' },
        });
        expect(answer.headers.get('x-request-id')).toBeNull();
      }
    }
  });

  it('treats a missing, empty or non-Bearer credential as none (401 on protected routes only)', async () => {
    const fake = await fakeFor();
    for (const authorization of ['Basic YTpi', 'Bearer ', 'Bearer', 'Token abc']) {
      const answer = await call(fake, 'GET', '/agents', { headers: { authorization } });
      expect(answer.status, authorization).toBe(401);
      expect(answer.body.error).toEqual({
        code: 'AUTH_INVALID',
        message: 'Authentication failed',
        details: {},
      });
      expect((await call(fake, 'GET', '/health', { headers: { authorization } })).status).toBe(200);
    }
    expect(
      (
        await call(fake, 'GET', '/agents', {
          headers: { authorization: `bearer   ${fake.userToken()}` },
        })
      ).status,
    ).toBe(200);
  });

  it('keeps management routes JWT-only and /auth/api-key key-only', async () => {
    const fake = await fakeFor();
    const key = fake.addApiKey({ scopes: ['*'] });
    const jwt = fake.userToken();
    expect((await call(fake, 'GET', '/agents', { token: key })).status).toBe(401);
    expect((await call(fake, 'GET', '/auth/me', { token: key })).status).toBe(401);
    expect((await call(fake, 'GET', '/auth/api-key', { token: jwt })).status).toBe(401);
    expect((await call(fake, 'GET', '/auth/api-key', { token: key })).body.data).toEqual({
      company_id: fake.companyId,
      scopes: ['*'],
    });
    expect((await call(fake, 'GET', '/auth/me', { token: jwt })).body.data).toEqual({
      user_id: 'user-admin',
      role: 'admin',
      company_id: fake.companyId,
    });
  });

  it('lets a JWT without role act as viewer, and reports role null as sent', async () => {
    const fake = await fakeFor();
    const noRole = fake.userToken({ role: undefined });
    const nullRole = fake.mintJwt({ company_id: fake.companyId, role: null });
    for (const token of [noRole, nullRole]) {
      expect((await call(fake, 'GET', '/agents', { token })).status).toBe(200);
      expect((await call(fake, 'POST', '/agents', { token, body: agentBody })).status).toBe(403);
    }
    const admin = fake.mintJwt({ company_id: fake.companyId, role: 'admin' });
    expect((await call(fake, 'GET', '/auth/me', { token: admin })).body.data.user_id).toBeNull();
  });

  it('checks the credential before the body and the role after it; bad JSON comes first', async () => {
    const fake = await fakeFor();
    const viewer = fake.userToken({ role: 'viewer' });
    expect((await call(fake, 'POST', '/agents', { body: { name: 1 } })).status).toBe(401);
    expect((await call(fake, 'POST', '/agents', { token: viewer, body: { name: 1 } })).status).toBe(
      422,
    );
    expect((await call(fake, 'POST', '/agents', { token: viewer, body: agentBody })).status).toBe(
      403,
    );
    const malformed = await call(fake, 'POST', '/agents', { body: '{"name": x}' });
    expect(malformed.status).toBe(422);
    expect(malformed.body.detail[0]).toMatchObject({ type: 'json_invalid', loc: ['body', 9] });
  });

  it('applies the role table of docs/protocols/saturn.md §2.3 on every route', async () => {
    const fake = await fakeFor({ detachedRowDefect: false });
    const agent = fake.addAgent();
    const tool = fake.addTool();
    const routes: [string, string, string, unknown?][] = [
      ['GET', '/auth/me', 'users:read'],
      ['POST', '/agents', 'agents:write', agentBody],
      ['GET', '/agents', 'agents:read'],
      ['GET', `/agents/${agent.agent_id}`, 'agents:read'],
      ['PATCH', `/agents/${agent.agent_id}`, 'agents:write', {}],
      ['POST', `/agents/${agent.agent_id}/chat`, 'chat:write', { message: 'hi' }],
      [
        'POST',
        '/tools',
        'tools:write',
        {
          name: 't',
          type: 'builtin',
          description: 'd',
          input_schema: { type: 'object' },
          config: {},
        },
      ],
      ['GET', '/tools', 'tools:read'],
      ['POST', `/tools/${tool.tool_id}/test`, 'tools:write', { input: {} }],
      ['POST', `/agents/${agent.agent_id}/tools/attach`, 'tools:write', { tool_id: tool.tool_id }],
      ['POST', `/agents/${agent.agent_id}/tools/detach`, 'tools:write', { tool_id: tool.tool_id }],
      ['POST', `/agents/${agent.agent_id}/kb/upload`, 'kb:write', { filename: 'a', content: 'b' }],
      ['GET', `/agents/${agent.agent_id}/kb`, 'kb:read'],
      ['GET', '/usage/summary?period=2025-12', 'billing:read'],
      ['GET', '/invoices', 'billing:read'],
      ['POST', '/invoices/generate?period=2025-12', 'billing:write'],
      ['POST', `/agents/${agent.agent_id}/disable`, 'agents:write'],
    ];
    for (const role of ['viewer', 'operator', 'admin', 'auditor']) {
      const token = fake.userToken({ role });
      for (const [method, path, permission, body] of routes) {
        const { status } = await call(fake, method, path, { token, body });
        expect(status, `${role} ${method} ${path}`).toBe(
          roleHasPermission(role, permission) ? 200 : 403,
        );
      }
    }
  });

  it('lets chat through with a key holding chat:write or *, and refuses other keys with 403', async () => {
    const fake = await fakeFor({ detachedRowDefect: false });
    const { agent_id } = fake.addAgent();
    const body = { message: 'hi' };
    for (const [scopes, status] of [
      [['chat:write'], 200],
      [['*'], 200],
      [['agents:read'], 403],
      [[], 403],
    ] as const) {
      const token = fake.addApiKey({ scopes: [...scopes] });
      expect((await call(fake, 'POST', `/agents/${agent_id}/chat`, { token, body })).status).toBe(
        status,
      );
    }
  });
});

describe('fake SATURN: agents (docs/protocols/saturn.md §2.4, §2.6)', () => {
  it('bumps the version on every PATCH, ignores type and null, and disables once', async () => {
    const fake = await fakeFor();
    const token = fake.userToken();
    const created = await call(fake, 'POST', '/agents', {
      token,
      body: { ...agentBody, extra: 'ignored' },
    });
    const id = created.body.data.agent_id;
    expect(created.body.data.version).toBe(1);
    const patch = (body: unknown) => call(fake, 'PATCH', `/agents/${id}`, { token, body });
    expect((await patch({})).body.data.version).toBe(2);
    expect((await patch({ type: 'voice' })).body.data.version).toBe(3);
    expect((await patch({ name: null, rag_config: { enabled: true } })).body.data.version).toBe(4);
    const agent = (await call(fake, 'GET', `/agents/${id}`, { token })).body.data;
    expect(agent).toMatchObject({
      type: 'chat',
      name: 'Support bot',
      rag_config: { enabled: true },
      version: 4,
    });
    expect(agent).not.toHaveProperty('extra');
    const disable = () => call(fake, 'POST', `/agents/${id}/disable`, { token });
    expect((await disable()).body.data.version).toBe(5);
    expect((await disable()).body.data.version).toBe(5);
    expect(
      (await call(fake, 'GET', '/agents?status=disabled', { token })).body.data.agents,
    ).toHaveLength(1);
    expect(
      (await call(fake, 'GET', '/agents?status=active', { token })).body.data.agents,
    ).toHaveLength(0);
    expect((await patch({ status: 'paused' })).body.detail[0].type).toBe('string_pattern_mismatch');
  });

  it("hides another company's agents", async () => {
    const fake = await fakeFor();
    const other = fake.addAgent({ company_id: 'another-company' });
    const token = fake.userToken();
    expect((await call(fake, 'GET', '/agents', { token })).body.data.agents).toEqual([]);
    const answer = await call(fake, 'GET', `/agents/${other.agent_id}`, { token });
    expect(answer.body.error.code).toBe('AGENT_NOT_FOUND');
    expect(
      (await call(fake, 'PATCH', `/agents/${other.agent_id}`, { token, body: {} })).status,
    ).toBe(404);
  });
});

describe('fake SATURN: the detached-row defect (docs/protocols/saturn.md §2.6)', () => {
  it('fails chat after storing the session and message; an unknown session is still a 404', async () => {
    const fake = await fakeFor();
    const { agent_id } = fake.addAgent();
    const token = fake.userToken({ role: 'operator' });
    const failed = await call(fake, 'POST', `/agents/${agent_id}/chat`, {
      token,
      body: { message: 'hello' },
    });
    expect(failed.status).toBe(500);
    expect(fake.state.sessions.size).toBe(1);
    expect(fake.state.messages.map((m) => m.content)).toEqual(['hello']);
    expect(fake.state.usageEvents).toEqual([]);
    const unknown = await call(fake, 'POST', `/agents/${agent_id}/chat`, {
      token,
      body: { message: 'hello', session_id: 'nope' },
    });
    expect(unknown.body.error.code).toBe('SESSION_NOT_FOUND');
  });

  it('stores and indexes an upload, marks a delete and reindexes, all while answering 500', async () => {
    const fake = await fakeFor();
    const { agent_id } = fake.addAgent();
    const token = fake.userToken({ role: 'operator' });
    const kb = `/agents/${agent_id}/kb`;
    expect((await call(fake, 'GET', kb, { token })).body.data).toEqual({ documents: [] });
    const upload = await call(fake, 'POST', `${kb}/upload`, {
      token,
      body: { filename: 'a.md', content: 'one\n\ntwo' },
    });
    expect(upload.status).toBe(500);
    const [doc] = [...fake.state.documents.values()];
    expect(doc).toMatchObject({
      status: 'ready',
      chunks: ['one', 'two'],
      history: ['indexing', 'ready'],
    });
    expect((await call(fake, 'GET', kb, { token })).status).toBe(500);
    expect((await call(fake, 'POST', `${kb}/${doc?.doc_id}/reindex`, { token })).status).toBe(500);
    expect((await call(fake, 'DELETE', `${kb}/${doc?.doc_id}`, { token })).status).toBe(500);
    expect(doc?.history).toEqual(['indexing', 'ready', 'indexing', 'ready', 'deleted']);
    // With every document deleted there is no row to read: the list works again.
    expect((await call(fake, 'GET', kb, { token })).body.data).toEqual({ documents: [] });
    const empty = await call(fake, 'POST', `${kb}/upload`, {
      token,
      body: { filename: 'e.md', content: '\n\n ' },
    });
    expect(empty.body.error).toEqual({
      code: 'KB_INDEXING_FAILED',
      message: 'Empty document',
      details: {},
    });
    expect(empty.headers.get('x-request-id')).not.toBeNull();
  });

  it('inserts a draft invoice on every usage summary and generate, even when answering 500', async () => {
    const fake = await fakeFor();
    const viewer = fake.userToken({ role: 'viewer' });
    const admin = fake.userToken();
    expect((await call(fake, 'GET', '/invoices', { token: viewer })).body.data).toEqual({
      invoices: [],
    });
    expect(
      (await call(fake, 'GET', '/usage/summary?period=2025-12', { token: viewer })).status,
    ).toBe(500);
    expect(
      (await call(fake, 'GET', '/usage/summary?period=2025-12', { token: viewer })).status,
    ).toBe(500);
    expect(
      (await call(fake, 'POST', '/invoices/generate?period=2026-02', { token: admin })).status,
    ).toBe(500);
    const invoices = [...fake.state.invoices.values()];
    expect(invoices.map((i) => [i.period_start, i.period_end, i.status])).toEqual([
      ['2025-12-01', '2026-01-01', 'draft'],
      ['2025-12-01', '2026-01-01', 'draft'],
      ['2026-02-01', '2026-03-01', 'draft'],
    ]);
    expect((await call(fake, 'GET', '/invoices', { token: viewer })).status).toBe(500);
    expect(
      (await call(fake, 'GET', `/invoices/${invoices[0]?.invoice_id}`, { token: viewer })).status,
    ).toBe(500);
    expect((await call(fake, 'GET', '/invoices/nope', { token: viewer })).body.error.message).toBe(
      'Invoice not found',
    );
    expect(
      (await call(fake, 'GET', '/usage/summary?period=2025-13', { token: viewer })).status,
    ).toBe(400);
  });

  it('leaves GET /tools working while the company has no tool', async () => {
    const fake = await fakeFor();
    const token = fake.userToken();
    expect((await call(fake, 'GET', '/tools', { token })).body.data).toEqual({ tools: [] });
    fake.addTool();
    expect((await call(fake, 'GET', '/tools', { token })).status).toBe(500);
    fake.detachedRowDefect = false;
    expect((await call(fake, 'GET', '/tools', { token })).body.data.tools).toHaveLength(1);
  });
});

describe('fake SATURN: with the defect off (docs/protocols/saturn.md §2.4)', () => {
  it('chats with retrieval, continues a session and records usage that the invoice prices', async () => {
    const fake = await fakeFor({ detachedRowDefect: false });
    const agent = fake.addAgent({ rag_config: { enabled: true, top_k: 1 } });
    fake.addDocument({
      agent_id: agent.agent_id,
      filename: 'hours.md',
      content: 'Open 9 to 5.\n\nopen on Sundays',
    });
    const token = fake.userToken({ role: 'operator' });
    const chat = (body: object) =>
      call(fake, 'POST', `/agents/${agent.agent_id}/chat`, { token, body });
    const first = (await chat({ message: 'OPEN', metadata: { user_external_id: 'u-1' } })).body
      .data;
    expect(first).toMatchObject({
      reply: 'Echo: OPEN',
      citations: [{ title: 'hours.md', snippet: 'Open 9 to 5.' }],
      usage: { tokens_in: 1, tokens_out: 2, tool_calls: 0, kb_queries: 1 },
    });
    const second = (await chat({ message: 'and later?', session_id: first.session_id })).body.data;
    expect(second.session_id).toBe(first.session_id);
    expect(fake.state.sessions.get(first.session_id)?.user_external_id).toBe('u-1');
    const other = fake.addAgent();
    const foreign = await call(fake, 'POST', `/agents/${other.agent_id}/chat`, {
      token,
      body: { message: 'x', session_id: first.session_id },
    });
    expect(foreign.body.error.code).toBe('SESSION_NOT_FOUND');
    const period = new Date().toISOString().slice(0, 7);
    const summary = (await call(fake, 'GET', `/usage/summary?period=${period}`, { token })).body
      .data;
    expect(summary).toMatchObject({
      period,
      tokens_in: 3,
      tokens_out: 5,
      kb_queries: 2,
      tool_calls: 0,
    });
    expect(summary.estimated_cost).toBe(0.02);
    const [invoice] = [...fake.state.invoices.values()];
    const full = (await call(fake, 'GET', `/invoices/${invoice?.invoice_id}`, { token })).body.data;
    expect(full.line_items).toEqual([
      { item: 'tokens', quantity: '8', unit_price: '2e-06' },
      { item: 'calls', quantity: '2', unit_price: '0.01' },
      { item: 'seconds', quantity: '0', unit_price: '0.02' },
    ]);
    // With usage recorded, the defect now fails the aggregation before any invoice is written.
    fake.detachedRowDefect = true;
    expect((await call(fake, 'GET', `/usage/summary?period=${period}`, { token })).status).toBe(
      500,
    );
    expect(fake.state.invoices.size).toBe(1);
  });

  it('tests tools by type, validates input like the server and keeps one attachment', async () => {
    const fake = await fakeFor({ detachedRowDefect: false });
    const token = fake.userToken();
    const schema = {
      type: 'object',
      properties: { n: { type: 'integer' }, s: {} },
      required: ['n'],
    };
    const http = fake.addTool({ type: 'http', input_schema: schema });
    const disabled = fake.addTool({ status: 'disabled', input_schema: schema });
    const flat = fake.addTool({ input_schema: { type: 'string' } });
    const run = (id: string, input: unknown) =>
      call(fake, 'POST', `/tools/${id}/test`, { token, body: { input } });
    expect((await run(http.tool_id, { n: 1, s: [1] })).body.data.result).toEqual({
      status: 'ok',
      echo: { n: 1, s: [1] },
    });
    expect((await run(http.tool_id, { n: true })).status).toBe(200);
    expect((await run(http.tool_id, { n: 1.5 })).body.error.message).toBe(
      'Invalid type for field: n',
    );
    expect((await run(disabled.tool_id, {})).body.error.message).toBe('Missing required field: n');
    expect((await run(disabled.tool_id, { n: 1 })).body.error.code).toBe('TOOL_NOT_ALLOWED');
    expect((await run(flat.tool_id, {})).body.error.message).toBe('Only object schema supported');
    expect(fake.calls['POST /tools/{tool_id}/test']).toBe(6);
    const agent = fake.addAgent();
    const attach = () =>
      call(fake, 'POST', `/agents/${agent.agent_id}/tools/attach`, {
        token,
        body: { tool_id: http.tool_id },
      });
    await attach();
    await attach();
    expect(fake.state.attachments).toHaveLength(1);
    await call(fake, 'POST', `/agents/${agent.agent_id}/tools/detach`, {
      token,
      body: { tool_id: http.tool_id },
    });
    expect(fake.state.attachments).toHaveLength(0);
  });

  it('reindexes a document from any status back to ready', async () => {
    const fake = await fakeFor({ detachedRowDefect: false });
    const agent = fake.addAgent();
    const token = fake.userToken();
    const uploaded = fake.addDocument({
      agent_id: agent.agent_id,
      status: 'uploaded',
      content: 'text',
    });
    const failed = fake.addDocument({
      agent_id: agent.agent_id,
      status: 'failed',
      error_message: 'Empty document',
    });
    for (const doc of [uploaded, failed]) {
      const answer = await call(
        fake,
        'POST',
        `/agents/${agent.agent_id}/kb/${doc.doc_id}/reindex`,
        { token },
      );
      expect(answer.body.data).toEqual({ doc_id: doc.doc_id, status: 'ready' });
    }
    expect(uploaded.history).toEqual(['uploaded', 'indexing', 'ready']);
    expect(failed.chunks).toEqual(['Reindexed content']);
    expect(failed.error_message).toBeNull();
  });
});

describe('fake SATURN: the dropped connection after an unhandled 500 (docs/protocols/saturn.md §2.6)', () => {
  /** Two requests over one keep-alive socket; resolves with what each got. */
  async function twoOnOneSocket(url: string, token: string) {
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    const send = (path: string) =>
      new Promise<string>((resolve) => {
        const req = httpRequest(
          `${url}${path}`,
          { agent, headers: { authorization: `Bearer ${token}` } },
          (res) => {
            res.resume();
            res.on('end', () =>
              resolve(`${res.statusCode} ${res.headers.connection ?? ''}`.trim()),
            );
          },
        );
        req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
        req.end();
      });
    try {
      const first = await send('/health');
      const second = await send('/agents');
      return [first, second];
    } finally {
      agent.destroy();
    }
  }

  it('resets the next request on that connection, without ever sending Connection: close', async () => {
    const fake = await fakeFor();
    const bad = fake.userToken({ expiresInSeconds: -1 });
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    const results: string[] = [];
    for (const token of [bad, fake.userToken()]) {
      results.push(
        await new Promise<string>((resolve) => {
          const req = httpRequest(
            `${fake.url}/agents`,
            { agent, headers: { authorization: `Bearer ${token}` } },
            (res) => {
              res.resume();
              res.on('end', () => resolve(`${res.statusCode} ${res.headers.connection}`));
            },
          );
          req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
          req.end();
        }),
      );
    }
    agent.destroy();
    expect(results).toEqual(['500 keep-alive', 'ECONNRESET']);
    expect(fake.droppedConnections).toEqual({ connections: 1, requests: 1 });
  });

  it('keeps the connection when the drop is turned off, and after an ordinary SATURN error', async () => {
    const fake = await fakeFor({ dropConnectionAfterUnhandledError: false });
    expect(await twoOnOneSocket(fake.url, fake.userToken({ expiresInSeconds: -1 }))).toEqual([
      '500 keep-alive',
      '500 keep-alive',
    ]);
    fake.dropConnectionAfterUnhandledError = true;
    expect(await twoOnOneSocket(fake.url, fake.userToken({ role: 'nobody' }))).toEqual([
      '200 keep-alive',
      '403 keep-alive',
    ]);
    expect(fake.droppedConnections.connections).toBe(0);
  });
});

describe('fake SATURN: faults and guards', () => {
  it('injects seeded faults through the shared injector, reproducibly', async () => {
    const run = async () => {
      const fake = await fakeFor({ faults: { seed: 11, global: { serverError: 0.5 } } });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) statuses.push((await call(fake, 'GET', '/health')).status);
      return { statuses, injected: fake.faults.stats.serverError };
    };
    const first = await run();
    expect(first).toEqual(await run());
    expect(first.injected).toBeGreaterThan(3);
    expect(first.injected).toBeLessThan(17);
    expect(first.statuses.filter((s) => s === 503)).toHaveLength(first.injected);
  });

  it('refuses bodies over 16 MiB with a 413 instead of buffering them', async () => {
    const fake = await fakeFor();
    const huge = 'x'.repeat(16 * 1024 * 1024 + 1);
    const answer = await call(fake, 'POST', '/agents', { token: fake.userToken(), body: huge });
    expect(answer.status).toBe(413);
  });
});
