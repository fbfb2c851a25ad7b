// Path matching as Starlette does it for the FastAPI servers the fakes stand in for (AI Spine,
// SATURN): `{name}` takes one non-empty segment, percent-decoded when it decodes.

/**
 * The path parameters when `parts` (a request path split on `/`) fits the route `segments`
 * (its template split the same way), or `undefined` when it does not.
 */
export function matchFastApiPath(
  segments: readonly string[],
  parts: readonly string[],
): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, segment] of segments.entries()) {
    const part = parts[i] ?? '';
    if (segment.startsWith('{')) {
      if (part === '') return undefined;
      try {
        params[segment.slice(1, -1)] = decodeURIComponent(part);
      } catch {
        // A malformed escape (`%E0%A4%A`) stays as sent, as Starlette leaves it.
        params[segment.slice(1, -1)] = part;
      }
    } else if (segment !== part) return undefined;
  }
  return params;
}
