import type { QueryParams } from './http-types.js';

/**
 * Resolve `path` against `baseUrl`, keeping the base's own path as a prefix
 * (`http://h/api` + `/v1/x` = `http://h/api/v1/x`), and append the query. An absolute
 * `path` is used as it is. `null` and `undefined` query values are left out.
 */
export function buildUrl(baseUrl: string, path: string, query?: QueryParams): string {
  let url: string;
  // Most paths start with `/`, which no absolute URL does: skip the regex for them.
  if (path.charCodeAt(0) !== SLASH && /^https?:\/\//i.test(path)) url = path;
  else {
    const base = baseUrl.endsWith('/') ? baseUrl.slice(0, -1) : baseUrl;
    url = `${base}${path.startsWith('/') ? '' : '/'}${path}`;
  }
  if (!query) return url;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.append(key, String(value));
  }
  const search = params.toString();
  if (!search) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${search}`;
}

const SLASH = 47;

/** The path of a URL, for short messages (no host, no query). */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}
