#!/usr/bin/env node
// The `ai-spine` bin (Node only). Everything testable lives in run-cli.ts.
import { EXIT_CODES } from './help.js';
import { runCli } from './run-cli.js';

const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort(new Error('interrupted')));

// A reader that went away (`ai-spine flows list | head -1`) makes the next write fail with
// EPIPE; without a listener Node prints a stack trace. Stop quietly instead.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    interrupt.abort(error);
    process.exit(error.code === 'EPIPE' ? (process.exitCode ?? EXIT_CODES.ok) : EXIT_CODES.error);
  });
}

runCli(process.argv.slice(2), {
  env: process.env,
  stdout: process.stdout,
  stderr: process.stderr,
  signal: interrupt.signal,
}).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    // runCli never rejects; this keeps a stack trace off the terminal if it ever did.
    process.exitCode = EXIT_CODES.error;
  },
);
