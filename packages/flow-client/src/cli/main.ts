#!/usr/bin/env node
// The `ai-spine` bin (Node only). Everything testable lives in run-cli.ts.
import { EXIT_CODES } from './help.js';
import { runCli } from './run-cli.js';

const interrupt = new AbortController();
process.once('SIGINT', () => interrupt.abort(new Error('interrupted')));

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
