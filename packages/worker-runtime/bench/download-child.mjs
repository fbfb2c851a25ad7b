// Downloads one URL with downloadFile and prints {wallMs, cpuMs, bytes, sha256} as JSON. Run by
// download.ts with plain `node` on the built package (dist/), as a satellite runs it, so the
// peak RSS measured around it is that of a production process (no TypeScript loader). Plain
// JavaScript, because even Node's own type stripping loads a compiler into the process.
const { downloadFile } = await import(new URL('../dist/index.js', import.meta.url).href);

const [url, dest, sha256] = process.argv.slice(2);
if (!url || !dest) throw new Error('usage: download-child.mjs <url> <dest> [sha256]');
const cpu = process.cpuUsage();
const started = performance.now();
const result = await downloadFile(url, dest, sha256 ? { sha256 } : {});
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(
  `${JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000, bytes: result.bytes, sha256: result.sha256 })}\n`,
);
