// Runs docs/examples/saturn-agent.ts: through main() against the fake with its defect on (as the
// real server) and off, and as a program with no SATURN_BASE_URL, so the docs never show code
// that does not work.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { main, setUpSupportAgent } from '../../../docs/examples/saturn-agent.js';
import { clientFor, fakeSaturn } from './helpers.js';

const root = resolve(import.meta.dirname, '../../..');

describe('docs/examples/saturn-agent.ts', () => {
  it('sets the agent up on a server with the upstream defect, and reports it honestly', async () => {
    const fake = await fakeSaturn();
    const lines: string[] = [];
    const report = await setUpSupportAgent(clientFor(fake, fake.userToken()), (l) => lines.push(l));
    expect(report).toMatchObject({ document: 'unconfirmed', reply: undefined });
    expect(lines[2]).toBe('tool attached');
    expect(lines[3]).toMatch(
      /^document upload answered 500 \(request [\da-f-]{36}\); SATURN stores it anyway, not retrying$/,
    );
    expect(lines[4]).toMatch(/chat answered 500 .* a known SATURN defect; the message was stored$/);
    // What the server really holds: one agent with the tool attached, one indexed document.
    expect(fake.state.attachments).toMatchObject([
      { agent_id: report.agentId, tool_id: report.toolId, policy: { daily_limit: 50 } },
    ]);
    expect([...fake.state.documents.values()].map((d) => [d.filename, d.status])).toEqual([
      ['faq.md', 'ready'],
    ]);
    expect(fake.calls['POST /agents/{agent_id}/kb/upload']).toBe(1);
  });

  it('gets a cited answer where the defect is fixed', async () => {
    const fake = await fakeSaturn({ detachedRowDefect: false });
    const lines: string[] = [];
    const report = await setUpSupportAgent(clientFor(fake, fake.userToken()), (l) => lines.push(l));
    expect(report).toMatchObject({ document: 'ready', reply: 'Echo: opening hours' });
    expect(lines).toContain('chat reply: Echo: opening hours');
  });

  it('main() uses SATURN_BASE_URL and SATURN_TOKEN when set', async () => {
    const fake = await fakeSaturn({ detachedRowDefect: false });
    const report = await main({ SATURN_BASE_URL: fake.url, SATURN_TOKEN: fake.userToken() });
    expect(report.reply).toBe('Echo: opening hours');
    expect(fake.state.agents.has(report.agentId)).toBe(true);
  });

  it('runs as a program, starting its own fake SATURN when SATURN_BASE_URL is unset', async () => {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', 'docs/examples/saturn-agent.ts'],
      {
        cwd: root,
        env: { PATH: process.env.PATH ?? '', TSX_TSCONFIG_PATH: 'docs/examples/tsconfig.json' },
      },
    );
    expect(stderr).toBe('');
    expect(stdout).toMatch(
      /^no SATURN_BASE_URL: using a local fake SATURN at http:\/\/127\.0\.0\.1:\d+\n/,
    );
    expect(stdout).toContain('tool attached');
    expect(stdout).toContain('a known SATURN defect; the message was stored');
  });
});
