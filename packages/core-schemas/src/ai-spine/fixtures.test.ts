import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import * as spine from './index.js';

// Every example payload of docs/protocols/ai-spine.md lives in fixtures/ai-spine/*.json, as a
// request/response pair naming the schema of each body.
const dir = resolve(import.meta.dirname, '../../../../fixtures/ai-spine');
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));

interface Fixture {
  description: string;
  schemas: { request?: string; response?: string };
  request: { method: string; path: string; headers?: Record<string, string>; body?: unknown };
  response: { status: number; headers: Record<string, string>; body: unknown };
}

function schemaFor(name: string): v.GenericSchema {
  const schema = (spine as Record<string, unknown>)[name];
  if (!schema || typeof schema !== 'object' || !('~standard' in schema)) {
    throw new Error(`fixture names unknown schema ${name}`);
  }
  return schema as v.GenericSchema;
}

function load(file: string): Fixture {
  return JSON.parse(readFileSync(resolve(dir, file), 'utf8')) as Fixture;
}

function problems(schema: v.GenericSchema, input: unknown): string[] {
  const result = v.safeParse(schema, input);
  return (result.issues ?? []).map((i) => `${v.getDotPath(i) ?? ''}: ${i.message}`);
}

describe('AI Spine wire fixtures', () => {
  it('has a fixture for every example of docs/protocols/ai-spine.md', () => {
    expect(files.length).toBeGreaterThanOrEqual(35);
  });

  it.each(files)('%s parses with its schemas', (file) => {
    const fixture = load(file);
    expect(fixture.description).toMatch(/^docs\/protocols\/ai-spine\.md §\d/);
    expect(fixture.request.method).toMatch(/^(GET|POST|DELETE)$/);
    expect(fixture.request.path.startsWith('/')).toBe(true);
    expect(fixture.schemas.response).toBeDefined();
    if (fixture.schemas.request) {
      expect(problems(schemaFor(fixture.schemas.request), fixture.request.body)).toEqual([]);
    }
    const response = schemaFor(fixture.schemas.response ?? '');
    expect(problems(response, fixture.response.body)).toEqual([]);
    // Error bodies are always FastAPI's `{"detail": ...}` and success bodies never are.
    const isError = fixture.response.status >= 400;
    expect(fixture.schemas.response === 'ErrorDetailSchema').toBe(isError);
  });

  it('reads the execute answers the way a client must interpret them', () => {
    const ok = v.parse(spine.ExecutionResponseSchema, load('execute-flow.json').response.body);
    expect(ok.status).toBe('pending');
    const unknown = v.parse(
      spine.ExecutionResponseSchema,
      load('execute-unknown-flow.json').response.body,
    );
    expect(unknown.execution_id).toBe(spine.ZERO_EXECUTION_ID);
    expect(unknown.error).toBe("Flow 'nope' not found");
  });

  it('applies defaults and keeps the flow graph rules', () => {
    const flow = v.parse(spine.FlowDefinitionSchema, load('get-flow.json').response.body);
    expect(spine.validateFlowGraph(flow)).toEqual([]);
    expect(spine.topologicalOrder(flow)?.map((n) => n.id)).toEqual(['zoe', 'eddie', 'result']);
    expect(flow.nodes[2]?.agent_id).toBeNull();
    const listed = v.parse(spine.FlowListSchema, load('list-flows.json').response.body);
    expect(listed.flows[0]?.version).toBe('1.0.0');
  });

  it('parses database-mode timestamps and treats naive ones as UTC', () => {
    const db = v.parse(
      spine.ExecutionContextSchema,
      load('get-execution-database-mode.json').response.body,
    );
    expect(db.completed_at).toBeNull();
    expect(spine.parseSpineTimestamp(db.created_at)?.toISOString()).toBe(
      '2025-08-15T21:03:11.123Z',
    );
    const naive = v.parse(
      spine.ExecutionContextSchema,
      load('get-execution-completed.json').response.body,
    );
    expect(spine.parseSpineTimestamp(naive.completed_at)?.toISOString()).toBe(
      '2025-08-15T21:03:14.456Z',
    );
  });
});
