#!/usr/bin/env node
// The repository explains itself: this check (run by `pnpm lint`) fails when
//   1. a file cites a document that is not in the repository (the upstream wire references, the
//      design notes, planning documents and issue trackers the project grew from), or
//   2. a `docs/protocols/<note>.md §N` citation names a note or a section that does not exist
//      (every section heading of a note starts with its number: `## 5.3 Queue behaviour`), or
//   3. a relative link in a Markdown file points at nothing, or
//   4. a link in a package README would break on npm: it must be absolute or point at a file
//      the package's tarball ships (`files` in its package.json).
//
//   node scripts/check-docs.mjs [root]     prints `file:line: problem` lines; exit 1 if any
//
// A bare `§N` (no note named before it) belongs to the note the file cites last before it, or,
// when none comes before, to the only note the file cites; inside a note it is the note itself.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const REPOSITORY_URL = 'https://github.com/uplink-sdk/uplink';
const NOTES_DIR = 'docs/protocols';

/**
 * Files never scanned: the lockfile, and this checker with its test and test trees (they spell
 * out the very citations the check rejects).
 */
const IGNORED = [
  /^pnpm-lock\.yaml$/,
  /^scripts\/check-docs\.mjs$/,
  /^scripts\/test\/check-docs\.test\.mjs$/,
  /^scripts\/test\/fixtures\/check-docs\//,
];
const SKIPPED_DIRS = new Set([
  '.git',
  'node_modules',
  'dist',
  'coverage',
  '.tools',
  '.turbo',
  '.uplink-state',
]);
const TEXT_FILE = /\.(?:[cm]?[jt]sx?|json|md|ya?ml|sh|txt|html)$|(?:^|\/)[^./]+$/;

/**
 * Citations of documents outside the repository. Each pattern is written so that it does not
 * match its own source line.
 */
const OUTSIDE_CITATIONS = [
  {
    pattern: /\b(?:luml-satellite|llama-orch|ai-spine|agent-platforms)-protocol\b/i,
    hint: 'cite docs/protocols/<platform>.md instead',
  },
  { pattern: /\bprotocol[ ]reference\b/i, hint: 'cite docs/protocols/<platform>.md instead' },
  { pattern: /\breference[ ](?:sections?[ ]\d|§)/i, hint: 'cite docs/protocols/<platform>.md §N' },
  { pattern: /\bthe[ ]reference(?:'s)\b/i, hint: 'name the protocol note (docs/protocols/…)' },
  { pattern: /\bsdk-practice[s]\b/i, hint: 'say the practice itself' },
  { pattern: /\bdesign[.]md\b/i, hint: 'say the rule itself' },
  { pattern: /(?:\/work\/|\.\.\/)shared\b|\bshared\/reference\b/i, hint: 'not in the repository' },
  { pattern: /\bseeds\/\d/i, hint: 'say the fact itself' },
  { pattern: /\bthe[ ]plan(?:'s)?\b/i, hint: 'say the fact itself' },
  { pattern: /\bissue[ ]item\b|\bissue[ ]#?\d+\b/i, hint: 'say the fact itself' },
];

const NOTE_MENTION = /docs\/protocols\/([a-z0-9-]+)\.md/g;
// `§6.6`, `§4.1-4.3`, `§1-§8`, `§18.8–9`; an `RFC 9110 §15` belongs to the RFC.
const SECTION = /(RFC[ ]?\d+[ ,]*)?§[ ]?(\d+(?:\.\d+)*)(?:[ ]?[-–][ ]?§?[ ]?(\d+(?:\.\d+)*))?/g;
const HEADING = /^#{1,6}[ ]+(\d+(?:\.\d+)*)\.?(?:[ ]|$)/;
const FENCE = /^\s*(```|~~~)/;
const LINK =
  /!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|^\s*\[[^\]]+\]:\s*(\S+)/g;

/** Files of the tree: git's view (tracked plus untracked, not ignored) when available. */
export function listFiles(root) {
  try {
    const out = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return out
      .split('\0')
      .filter(Boolean)
      .filter((f) => existsSync(join(root, f)));
  } catch {
    return walk(root, '');
  }
}

function walk(root, dir) {
  const out = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    if (SKIPPED_DIRS.has(entry.name)) continue;
    const rel = dir ? `${dir}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...walk(root, rel));
    else out.push(rel);
  }
  return out;
}

/** `4.1` + `4.3` → `4.3`; `18.8` + `9` → `18.9`: a short range end keeps the start's prefix. */
function rangeEnd(start, end) {
  const a = start.split('.');
  const b = end.split('.');
  return b.length >= a.length ? end : [...a.slice(0, a.length - b.length), ...b].join('.');
}

function lineOf(text, index) {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Section numbers of a note, from headings outside code blocks; duplicates are problems. */
function readNote(root, file, problems) {
  const sections = new Set();
  let fenced = false;
  readFileSync(join(root, file), 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (FENCE.test(line)) fenced = !fenced;
      if (fenced || !/^#{2,6} /.test(line)) return;
      const match = HEADING.exec(line);
      if (!match) {
        problems.push(`${file}:${i + 1}: heading does not start with its section number`);
      } else if (sections.has(match[1])) {
        problems.push(`${file}:${i + 1}: section ${match[1]} is numbered twice`);
      } else {
        sections.add(match[1]);
      }
    });
  return sections;
}

/** Which files `npm pack` puts in a package's tarball, from its `files` field. */
function shippedMatcher(root, packageDir) {
  const pkgPath = join(root, packageDir, 'package.json');
  const pkg = existsSync(pkgPath) ? JSON.parse(readFileSync(pkgPath, 'utf8')) : {};
  const entries = (pkg.files ?? []).filter((f) => !f.startsWith('!'));
  return (relPath) =>
    /^(?:package\.json|README(?:\.md)?|LICENSE(?:\.md)?|CHANGELOG\.md)$/i.test(relPath) ||
    entries.some((entry) => {
      const clean = entry.replace(/^\.\//, '').replace(/\/$/, '');
      return relPath === clean || relPath.startsWith(`${clean}/`);
    });
}

function checkCitations(file, text, notes, problems) {
  const lines = text.split('\n');
  lines.forEach((line, i) => {
    for (const { pattern, hint } of OUTSIDE_CITATIONS) {
      const match = pattern.exec(line);
      if (match)
        problems.push(`${file}:${i + 1}: "${match[0]}" cites outside the repository; ${hint}`);
    }
  });

  const mentions = [...text.matchAll(NOTE_MENTION)].map((m) => ({ index: m.index, note: m[1] }));
  for (const { index, note } of mentions) {
    if (!notes.has(note)) {
      problems.push(`${file}:${lineOf(text, index)}: ${NOTES_DIR}/${note}.md does not exist`);
    }
  }
  const name = file.startsWith(`${NOTES_DIR}/`) ? /([^/]+)\.md$/.exec(file)?.[1] : undefined;
  const own = name !== undefined && notes.has(name) ? name : undefined;
  const cited = new Set(mentions.map((m) => m.note));
  for (const match of text.matchAll(SECTION)) {
    if (match[1]) continue;
    const before = mentions.filter((m) => m.index < match.index).at(-1)?.note;
    const note = before ?? own ?? (cited.size === 1 ? [...cited][0] : undefined);
    const where = `${file}:${lineOf(text, match.index)}`;
    if (note === undefined) {
      problems.push(
        `${where}: "${match[0]}" names no protocol note; write docs/protocols/<note>.md §N`,
      );
      continue;
    }
    const sections = notes.get(note);
    if (!sections) continue; // the missing note is reported above
    const wanted = [match[2]];
    if (match[3]) wanted.push(rangeEnd(match[2], match[3]));
    for (const section of wanted) {
      if (!sections.has(section)) {
        problems.push(`${where}: ${NOTES_DIR}/${note}.md has no section ${section}`);
      }
    }
  }
}

function checkLinks(root, file, text, problems) {
  const packageDir = /^packages\/[^/]+\/README\.md$/.test(file) ? dirname(file) : undefined;
  const shipped = packageDir ? shippedMatcher(root, packageDir) : undefined;
  let fenced = false;
  text.split('\n').forEach((line, i) => {
    if (FENCE.test(line)) fenced = !fenced;
    if (fenced) return;
    for (const match of line.matchAll(LINK)) {
      const target = match[1] ?? match[2];
      const where = `${file}:${i + 1}`;
      const own = target.startsWith(`${REPOSITORY_URL}/`)
        ? /^\/(?:blob|tree)\/[^/]+\/([^#?]*)/.exec(target.slice(REPOSITORY_URL.length))
        : undefined;
      if (own) {
        if (!existsSync(join(root, decodeURIComponent(own[1])))) {
          problems.push(`${where}: ${target} points at ${own[1]}, which does not exist`);
        }
        continue;
      }
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
      const path = decodeURIComponent(target.replace(/[#?].*$/, ''));
      const resolved = posix.normalize(posix.join(posix.dirname(file), path));
      if (resolved.startsWith('..') || !existsSync(join(root, resolved))) {
        problems.push(`${where}: link ${target} points at nothing`);
        continue;
      }
      if (shipped) {
        const inPackage = posix.relative(packageDir, resolved);
        if (inPackage.startsWith('..') || !shipped(inPackage)) {
          problems.push(
            `${where}: link ${target} breaks on npm (not in the tarball); use ${REPOSITORY_URL}/blob/main/${resolved}`,
          );
        }
      }
    }
  });
}

/** Every problem in the tree at `root`, as `file:line: message`, in file order. */
export function checkDocs(root) {
  const problems = [];
  const files = listFiles(root)
    .map((f) => f.split('\\').join('/'))
    .filter((f) => !IGNORED.some((re) => re.test(f)))
    .sort();
  const notes = new Map();
  for (const file of files) {
    const match = new RegExp(`^${NOTES_DIR}/([a-z0-9-]+)\\.md$`).exec(file);
    if (match && match[1] !== 'README') notes.set(match[1], readNote(root, file, problems));
  }
  for (const file of files) {
    if (!TEXT_FILE.test(file) || statSync(join(root, file)).size > 2_000_000) continue;
    const text = readFileSync(join(root, file), 'utf8');
    checkCitations(file, text, notes, problems);
    if (file.endsWith('.md')) checkLinks(root, file, text, problems);
  }
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
  const problems = checkDocs(root);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(
      `check-docs: ${problems.length} problem(s) in ${relative(process.cwd(), root) || '.'}`,
    );
    process.exit(1);
  }
  console.log('check-docs: every citation and link resolves');
}
