// docs/protocols/luml.md §14 (inference_url resolves against the satellite's base_url)
import { ConfigurationError } from '@uplink/core-schemas';

/**
 * Turn a deployment's RELATIVE `inference_url` (`/deployments/{id}`) into an absolute URL
 * under the satellite's paired `base_url`, keeping any path prefix of the base
 * (`https://edge.example/sat/` + `/deployments/x` -> `https://edge.example/sat/deployments/x`).
 * An already absolute `inference_url` is returned unchanged.
 */
export function resolveInferenceUrl(baseUrl: string, inferenceUrl: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//iu.test(inferenceUrl)) return inferenceUrl;
  let base: URL;
  try {
    base = new URL(baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new ConfigurationError([
      { setting: 'baseUrl', message: `expected an absolute http(s) URL, got "${baseUrl}"` },
    ]);
  }
  return new URL(inferenceUrl.replace(/^\/+/u, ''), base).toString();
}
