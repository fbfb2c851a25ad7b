// Download of one large artifact from the fake platform's presigned URL: downloadFile (which
// always hashes) against curl alone and against curl then `openssl dgst -sha256` (the same
// work, done one after the other), each a separate process, interleaved run by run.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDirectory } from '../src/index.ts';
import type { RemotePlatform } from './remote-platform.ts';
import { type CommandSample, runCommand } from './stats.ts';

export interface DownloadRun {
  ours: CommandSample;
  curl?: CommandSample | undefined;
  curlSha256?: CommandSample | undefined;
}

const hasCurl = existsSync('/usr/bin/curl');
const hasOpenssl = existsSync('/usr/bin/openssl');

/** An artifact of `sizeMiB` on a fresh fake platform; returns its URL and sha256. */
export async function prepareArtifact(remote: RemotePlatform, sizeMiB: number) {
  await remote.fresh();
  return remote.call({ cmd: 'uploadArtifact', sizeMiB });
}

/** One run of each contender on the same URL, the file removed after each. */
export async function downloadRun(
  artifact: { url: string; sha256: string; bytes: number },
  timeoutMs: number,
  child = join(import.meta.dirname, 'download-child.mjs'),
): Promise<DownloadRun> {
  await using dir = await tempDirectory({ prefix: 'uplink-bench-' });
  const file = (name: string) => join(dir.path, name);
  const run = await runCommand(
    process.execPath,
    [
      '--disable-warning=ExperimentalWarning',
      child,
      artifact.url,
      file('ours.bin'),
      artifact.sha256,
    ],
    timeoutMs,
  );
  const reported = JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as {
    wallMs: number;
    cpuMs: number;
    bytes: number;
  };
  if (reported.bytes !== artifact.bytes) throw new Error('downloadFile wrote the wrong size');
  // The download itself, without Node's start-up; peak RSS is the whole process's.
  const ours = { ...run, wallMs: reported.wallMs, cpuMs: reported.cpuMs };
  await rm(file('ours.bin'));
  const curl = hasCurl
    ? await runCommand('curl', ['-sS', '-o', file('curl.bin'), artifact.url], timeoutMs)
    : undefined;
  await rm(file('curl.bin'), { force: true });
  const curlSha256 =
    hasCurl && hasOpenssl
      ? await runCommand(
          'sh',
          [
            '-c',
            'curl -sS -o "$2" "$1" && openssl dgst -sha256 "$2" > "$2.sha256"',
            'sh',
            artifact.url,
            file('hashed.bin'),
          ],
          timeoutMs,
        )
      : undefined;
  return { ours, curl, curlSha256 };
}
