import { mkdtemp, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { DownloadError } from './errors.js';

/**
 * Check a file name chosen by a server (or taken from a URL) before joining it to a directory.
 * @throws DownloadError `unsafe_file_name` for empty names, `.`/`..`, separators, control
 *   characters, absolute paths, or names longer than 255 bytes.
 */
export function assertSafeFileName(name: string): string {
  if (
    !name ||
    name === '.' ||
    name === '..' ||
    /[/\\\0]/.test(name) ||
    isAbsolute(name) ||
    /^[a-zA-Z]:/.test(name) ||
    // Longer than a file name may be on common file systems (ENAMETOOLONG otherwise).
    new TextEncoder().encode(name).length > 255 ||
    // Control characters (CR, LF, ESC …) have no business in a file name and confuse logs.
    hasControlCharacter(name)
  ) {
    throw new DownloadError(
      `Refusing file name ${JSON.stringify(name.slice(0, 100))}: expected a plain file name (at most 255 bytes) without path separators, control characters or ".."`,
      { code: 'unsafe_file_name' },
    );
  }
  return name;
}

/**
 * Join a file name from an untrusted source (a server, a platform record any user can edit)
 * onto a directory: the name must pass {@link assertSafeFileName}, and the joined path must
 * resolve to a direct child of `directory`. Returns the absolute path.
 * @throws DownloadError `unsafe_file_name` otherwise.
 */
export function safeFilePath(directory: string, name: string): string {
  assertSafeFileName(name);
  const root = resolve(directory);
  const path = resolve(root, name);
  if (dirname(path) !== root) {
    throw new DownloadError(
      `Refusing file name ${JSON.stringify(name.slice(0, 100))}: it resolves outside ${root}`,
      { code: 'unsafe_file_name' },
    );
  }
  return path;
}

function hasControlCharacter(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

export async function resolveTarget(
  dest: string | undefined,
  response: { readonly headers: Headers },
  url: string,
): Promise<string> {
  const isDirectory =
    dest === undefined ||
    dest.endsWith('/') ||
    dest.endsWith('\\') ||
    (await stat(dest).then(
      (s) => s.isDirectory(),
      () => false,
    ));
  if (!isDirectory) return dest as string;
  const directory = dest ?? (await mkdtemp(join(tmpdir(), 'uplink-download-')));
  return safeFilePath(directory, serverFileName(response, url));
}

/** The file name from `Content-Disposition` (RFC 6266, `filename*` first) or the URL's last segment. */
function serverFileName(response: { readonly headers: Headers }, url: string): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)?'[^']*'([^;]+)/.exec(disposition);
  if (extended?.[1]) return safeDecode(extended[1].trim());
  const plain = /filename\s*=\s*(?:"([^"]*)"|([^;]+))/.exec(disposition);
  const fromHeader = plain?.[1] ?? plain?.[2]?.trim();
  if (fromHeader !== undefined) return fromHeader;
  const path = new URL(url).pathname;
  const last = path.slice(path.lastIndexOf('/') + 1);
  return last ? safeDecode(last) : 'download';
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The URL without query or fragment: presigned URLs carry signatures. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return basename(url.split('?')[0] ?? '');
  }
}
