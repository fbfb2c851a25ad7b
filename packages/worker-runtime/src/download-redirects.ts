import { isSecretHeader } from '@uplink/core-schemas';
import type { DownloadGet, DownloadResponse } from './download-response.js';
import { describeUrl } from './download-target.js';
import { DownloadError } from './errors.js';

/** Redirects followed before giving up (browsers follow 20; object stores need one or two). */
export const MAX_REDIRECTS = 10;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

/** The final response and the URL it came from. */
export interface FollowedResponse {
  response: DownloadResponse;
  /** Every URL requested, first to last (for scrubbing their query values from errors). */
  urls: string[];
}

/**
 * GET `url`, following redirects by hand, whichever transport `get` uses (`fetch` left to itself
 * keeps custom credential headers (`x-api-key`, `api-key`) on a hop to another origin, and turns
 * a redirect to `file:` into a network error that looks worth retrying). Every credential header
 * (`Authorization`, `Proxy-Authorization`, `Cookie`, `X-Api-Key`, `Api-Key`, as
 * `isSecretHeader` lists them) is dropped on a cross-origin hop, and a redirect to anything but
 * http(s), or the 11th redirect, is a `DownloadError` that is not retried.
 */
export async function getFollowingRedirects(
  get: DownloadGet,
  url: string,
  headers: Record<string, string>,
  signal: AbortSignal | undefined,
): Promise<FollowedResponse> {
  let current = url;
  let sent = headers;
  const urls = [url];
  for (let hop = 0; ; hop++) {
    const response = await get(current, sent, signal);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return { response, urls };
    await response.cancel();
    if (hop >= MAX_REDIRECTS) {
      throw new DownloadError(
        `Download of ${describeUrl(url)} was redirected more than ${MAX_REDIRECTS} times; last hop to ${describeUrl(current)}`,
        { code: 'too_many_redirects', url: describeUrl(url) },
      );
    }
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new DownloadError(
        `Refusing the redirect from ${describeUrl(current)}: its Location is not a URL`,
        { code: 'unsafe_redirect', url: describeUrl(url) },
      );
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new DownloadError(
        `Refusing the redirect from ${describeUrl(current)} to a ${next.protocol} URL: only http(s) redirects are followed`,
        { code: 'unsafe_redirect', url: describeUrl(url) },
      );
    }
    if (next.origin !== new URL(current).origin) sent = withoutCredentials(sent);
    current = next.href;
    urls.push(current);
  }
}

/** Every header the shared redaction deems a credential, and `Proxy-Authorization` whatever it says. */
const isCredential = (name: string): boolean =>
  isSecretHeader(name) || name.toLowerCase() === 'proxy-authorization';

function withoutCredentials(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !isCredential(name)));
}
