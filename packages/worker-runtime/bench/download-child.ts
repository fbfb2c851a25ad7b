// Downloads one URL with downloadFile and prints {seconds, bytes, sha256} as JSON. Run under
// /usr/bin/time by run.ts so its peak RSS can be compared with curl's.
import { downloadFile } from '../src/index.ts';

const [url, dest, sha256] = process.argv.slice(2);
if (!url || !dest) throw new Error('usage: download-child.ts <url> <dest> [sha256]');
const started = performance.now();
const result = await downloadFile(url, dest, sha256 ? { sha256 } : {});
process.stdout.write(
  `${JSON.stringify({ seconds: (performance.now() - started) / 1000, bytes: result.bytes, sha256: result.sha256 })}\n`,
);
