import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ResponseValidationError } from '../errors/response-validation-error.js';
import { parseWire } from '../parse.js';
import * as saturn from './index.js';

const readme = readFileSync(resolve(import.meta.dirname, '../../README.md'), 'utf8');
const section = readme.slice(readme.indexOf('## `@uplink/core-schemas/saturn`'));

describe('README: @uplink/core-schemas/saturn', () => {
  it('names every runtime export of the subpath', () => {
    const names = Object.keys(saturn);
    expect(names.length).toBeGreaterThanOrEqual(60);
    expect(names.filter((name) => !new RegExp(`\\b${name}\\b`).test(section))).toEqual([]);
  });

  it('shows what its example really does', () => {
    const { data, meta } = parseWire(saturn.saturnEnvelope(saturn.AgentListSchema), {
      data: { agents: [] },
      meta: { request_id: '6f1c2a9e-7b8d-4e3f-a1b2-c3d4e5f6a7b8' },
    });
    const line = `${data.agents.length} ${meta?.request_id} ${saturn.isSaturnErrorCode('QUOTA_EXCEEDED')}`;
    expect(section).toContain(`// ${line}`);
    expect(() => parseWire(saturn.AgentUpdateRequestSchema, { rag_config: null })).toThrow(
      ResponseValidationError,
    );
  });
});
