// Parses every llama-orch fixture (the examples of docs/protocols/llama-orch.md) with its
// schema and rejects the malformed corpus.
import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { GenericSchema } from 'valibot';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../errors/index.js';
import { parseWire } from '../parse.js';
import * as schemas from './index.js';

const dir = resolve(import.meta.dirname, '../../../../fixtures/llama-orch');

interface Fixture {
  meta: { name: string; sse?: boolean; requestSchema?: string; responseSchema?: string | null };
  request: { body: unknown };
  response: { status: number; body: unknown };
}

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(resolve(dir, f), 'utf8')) as Fixture);

const schemaNamed = (name: string): GenericSchema => {
  const schema = (schemas as Record<string, unknown>)[name];
  if (!schema) throw new Error(`fixture names an unknown schema ${name}`);
  return schema as GenericSchema;
};

/**
 * The tolerant framing of §6.6 item 5: an `event:` name is kept across blank lines until a
 * `data:` line uses it; LF, CRLF and CR are accepted.
 */
function splitFrames(body: string): { event: string; data: unknown }[] {
  const frames: { event: string; data: unknown }[] = [];
  let event = 'token';
  let data: string[] = [];
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length) frames.push({ event, data: JSON.parse(data.join('\n')) });
      data = [];
    } else if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  return frames;
}

describe('llama-orch fixtures parse with their schemas', () => {
  it('found the fixtures', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(60);
  });

  for (const fixture of fixtures) {
    const { meta, request, response } = fixture;
    if (meta.requestSchema && typeof request.body === 'object' && request.body !== null) {
      it(`${meta.name}: request body is a valid ${meta.requestSchema}`, () => {
        expect(() => parseWire(schemaNamed(meta.requestSchema!), request.body)).not.toThrow();
      });
    }
    if (meta.responseSchema) {
      it(`${meta.name}: response body is a valid ${meta.responseSchema}`, () => {
        expect(() => parseWire(schemaNamed(meta.responseSchema!), response.body)).not.toThrow();
      });
    }
    if (meta.sse) {
      it(`${meta.name}: every SSE frame parses with its event schema`, () => {
        const frames = splitFrames(response.body as string);
        expect(frames.length).toBeGreaterThanOrEqual(2);
        expect(frames[0]?.event).toBe('started');
        for (const frame of frames) {
          expect(schemas.SSE_EVENT_NAMES).toContain(frame.event);
          const schema = schemas.SSE_EVENT_SCHEMAS[frame.event as schemas.SseEventName];
          expect(() => parseWire(schema, frame.data, `SSE ${frame.event}`)).not.toThrow();
        }
        const terminal = frames.filter((f) =>
          (schemas.SSE_TERMINAL_EVENTS as readonly string[]).includes(f.event),
        );
        expect(terminal.length).toBeGreaterThanOrEqual(1);
      });
    }
  }

  it('parses the Pact blank-line body into started, token and end', () => {
    const pact = fixtures.find((f) => f.meta.name === 'pact-05-stream-sse-placeholder')!;
    expect(splitFrames(pact.response.body as string).map((f) => f.event)).toEqual([
      'started',
      'token',
      'end',
    ]);
  });
});

describe('malformed corpus', () => {
  const corpus = JSON.parse(readFileSync(resolve(dir, 'malformed/corpus.json'), 'utf8')) as {
    cases: { name: string; schema: string; input: unknown; path: string }[];
  };

  it('has cases for every kind of defect', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of corpus.cases) {
    it(`${c.name} is rejected at "${c.path}"`, () => {
      let error: unknown;
      try {
        parseWire(schemaNamed(c.schema), c.input, c.schema);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ResponseValidationError);
      const rve = error as ResponseValidationError;
      expect(rve.path).toBe(c.path);
      expect(rve.message).toContain(c.schema);
      expect(rve.message).toMatch(/expected/);
    });
  }
});
