// docs/protocols/llama-orch.md §12.2-§12.3: the generator must reproduce the reference exactly.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { engineSalt, generateSseBody, generateTokens, sseFrame } from './token-generator.js';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

const REFERENCE_BODY = [
  'event: started\ndata: {"queue_position":0,"predicted_start_ms":955}\n\n',
  'event: token\ndata: {"t":"T0b92","i":0}\n\n',
  'event: token\ndata: {"t":"Tb5c9","i":1}\n\n',
  'event: token\ndata: {"t":"T4494","i":2}\n\n',
  'event: token\ndata: {"t":"T66e3","i":3}\n\n',
  'event: end\ndata: {"tokens_out":4,"decode_ms":310}\n\n',
].join('');

describe('deterministic token generator (§12)', () => {
  it('has the check salts', () => {
    expect(engineSalt('llamacpp:v1.0.0')).toBe(0x5986f4d6b5582715n);
    expect(engineSalt('tgi:v2.3.0')).toBe(0xfb4a9567a30b2a8cn);
  });

  it('reproduces the 279-byte reference body and its sha256', () => {
    const body = generateSseBody('llamacpp:v1.0.0', 42, 4);
    expect(body).toBe(REFERENCE_BODY);
    expect(new TextEncoder().encode(body).length).toBe(279);
    expect(sha256(body)).toBe('ec6b49d759eb1981fbb769fffea66b2d865959ca696b9f2a2c35bb2fb8c1e04a');
  });

  it.each([
    ['llamacpp:v1.0.0', 42, 4, 955, ['T0b92', 'Tb5c9', 'T4494', 'T66e3'], 310],
    ['tgi:v2.3.0', 1, 4, 681, ['T4a88', 'Tec47', 'T3cfa', 'Ta811'], 1784],
    ['tgi:v2.3.0', 2, 4, 682, ['Tb095', 'T48f0', 'T478f', 'T8fa2'], 1607],
    ['llamacpp:v1.0.0', 1001, 0, 272, [], 781],
  ] as const)('reference row (%s, %i, %i)', (engine, seed, n, start, tokens, decode) => {
    const g = generateTokens(engine, seed, n);
    expect(g).toEqual({
      queuePosition: 0,
      predictedStartMs: start,
      tokens: [...tokens],
      decodeMs: decode,
      tokensOut: n,
    });
  });

  it('gives byte-identical bodies for the same seed and different tokens for another seed', () => {
    const a = generateSseBody('llamacpp:v1.0.0', 7, 32);
    const b = generateSseBody('llamacpp:v1.0.0', 7, 32);
    const c = generateSseBody('llamacpp:v1.0.0', 8, 32);
    expect(a).toBe(b);
    expect(generateTokens('llamacpp:v1.0.0', 8, 32).tokens).not.toEqual(
      generateTokens('llamacpp:v1.0.0', 7, 32).tokens,
    );
    expect(c).not.toBe(a);
  });

  it('differs across engine versions', () => {
    expect(generateTokens('llamacpp:v1.0.1', 42, 4).tokens).not.toEqual(
      generateTokens('llamacpp:v1.0.0', 42, 4).tokens,
    );
  });

  it('runs the 64 determinism seeds (1001..1064) twice with identical output', () => {
    const seeds = Array.from({ length: 64 }, (_, k) => 1001 + k);
    expect(seeds).toHaveLength(64);
    const first = seeds.map((s) => sha256(generateSseBody('llamacpp:v1.0.0', s, 32)));
    const second = seeds.map((s) => sha256(generateSseBody('llamacpp:v1.0.0', s, 32)));
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(64);
  });

  it('takes a negative seed as its two’s-complement u64 and accepts bigint seeds', () => {
    expect(generateTokens('llamacpp:v1.0.0', -1, 3)).toEqual(
      generateTokens('llamacpp:v1.0.0', 0xffffffffffffffffn, 3),
    );
    expect(generateTokens('llamacpp:v1.0.0', 42n, 4).tokens).toEqual([
      'T0b92',
      'Tb5c9',
      'T4494',
      'T66e3',
    ]);
  });

  it('keeps every value in its documented range', () => {
    for (let seed = 0; seed < 200; seed++) {
      const g = generateTokens('vllm:v1.0.0', seed, 3);
      expect(g.predictedStartMs).toBeGreaterThanOrEqual(100);
      expect(g.predictedStartMs).toBeLessThanOrEqual(1099);
      expect(g.decodeMs).toBeGreaterThanOrEqual(10);
      expect(g.decodeMs).toBeLessThanOrEqual(2009);
      for (const t of g.tokens) expect(t).toMatch(/^T[0-9a-f]{4}$/);
    }
  });

  it('rejects bad inputs with a clear RangeError', () => {
    expect(() => generateTokens('llamacpp:v1.0.0', 1, -1)).toThrow(/non-negative integer/);
    expect(() => generateTokens('llamacpp:v1.0.0', 1, 1.5)).toThrow(RangeError);
    expect(() => generateTokens('llamacpp:v1.0.0', 2 ** 60, 1)).toThrow(/safe integer/);
  });

  it('frames compactly', () => {
    expect(sseFrame('end', { tokens_out: 0, decode_ms: 10 })).toBe(
      'event: end\ndata: {"tokens_out":0,"decode_ms":10}\n\n',
    );
  });
});
