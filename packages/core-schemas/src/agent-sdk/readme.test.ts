import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWire } from '../parse.js';
import * as sdk from './index.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const start = readme.indexOf('## `@uplink/core-schemas/agent-sdk`');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));

describe('README: @uplink/core-schemas/agent-sdk', () => {
  it('names every runtime export of the subpath', () => {
    const names = Object.keys(sdk);
    expect(names.length).toBeGreaterThanOrEqual(50);
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(section))).toEqual([]);
  });

  it('shows what its example really does', () => {
    const envelope = parseWire(
      sdk.StreamEnvelopeSchema,
      JSON.parse(
        '{"run_id": "run_1", "session_id": "sess_1", "stream": "assistant", "event": "assistant.message", "payload": {"text": "hello"}, "timestamp": "2025-01-01T00:00:02+00:00"}',
      ),
    );
    const line = `${sdk.assistantMessageText(envelope)} ${envelope.seq} ${sdk.isTerminalEnvelope(envelope)}`;
    expect(section).toContain(`// ${line}`);
    expect(
      sdk.describeAgentSdkError({ detail: 'Invalid input: x Hint: Check the payload.' }),
    ).toEqual({
      message: 'Invalid input: x',
      hint: 'Check the payload.',
    });
    expect(section).toContain("// { message: 'Invalid input: x', hint: 'Check the payload.' }");
  });
});
