import { ConfigurationError } from '@uplink/core-schemas';
import { describe, expect, it } from 'vitest';
import { resolveInferenceUrl } from '../src/inference-url.js';

const ID = '0199c4a2-3d18-7b6e-a1c4-5f2e8d90b713';

describe('resolveInferenceUrl', () => {
  it('resolves the relative inference_url against the normalised base_url', () => {
    expect(resolveInferenceUrl('http://localhost/', `/deployments/${ID}`)).toBe(
      `http://localhost/deployments/${ID}`,
    );
  });

  it('keeps a path prefix of the base, with or without a trailing slash', () => {
    expect(resolveInferenceUrl('https://edge.example/sat', `/deployments/${ID}`)).toBe(
      `https://edge.example/sat/deployments/${ID}`,
    );
    expect(resolveInferenceUrl('https://edge.example/sat/', `deployments/${ID}`)).toBe(
      `https://edge.example/sat/deployments/${ID}`,
    );
  });

  it('returns an absolute inference_url unchanged', () => {
    expect(resolveInferenceUrl('http://localhost/', 'https://other.example/x')).toBe(
      'https://other.example/x',
    );
  });

  it('rejects a base that is not a URL with a ConfigurationError', () => {
    expect(() => resolveInferenceUrl('localhost', '/deployments/x')).toThrow(ConfigurationError);
  });
});
