import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildUserAgent, detectRuntime } from './user-agent.js';

describe('User-Agent', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('names the SDK and the runtime, plus a suffix', () => {
    expect(buildUserAgent({ name: 'orch-client', version: '2.0.0' }, 'app/1')).toBe(
      `uplink-orch-client/2.0.0 (node/${process.versions.node}) app/1`,
    );
    expect(buildUserAgent(undefined, undefined)).toMatch(/^uplink-http\/\S+ \(node\/[\d.]+\)$/);
  });

  it('detects Deno and Bun', () => {
    vi.stubGlobal('Deno', { version: { deno: '2.1.0' } });
    expect(detectRuntime()).toBe('deno/2.1.0');
    vi.unstubAllGlobals();
    vi.stubGlobal('Bun', { version: '1.2.0' });
    expect(detectRuntime()).toBe('bun/1.2.0');
  });

  it('sets nothing in a browser, and names other runtimes by their navigator', () => {
    vi.stubGlobal('process', undefined);
    vi.stubGlobal('document', {});
    expect(buildUserAgent(undefined, 'x')).toBeUndefined();
    vi.stubGlobal('document', undefined);
    vi.stubGlobal('navigator', { userAgent: 'Cloudflare-Workers extra' });
    expect(detectRuntime()).toBe('Cloudflare-Workers');
    vi.stubGlobal('navigator', undefined);
    expect(detectRuntime()).toBe('unknown/0');
  });
});
