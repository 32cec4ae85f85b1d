#!/usr/bin/env node
import { internalErrorLine, runCli } from './run.js';

const debug = process.argv.includes('--debug');
const label = process.argv.slice(2).filter((a) => a !== '--debug' && !a.startsWith('-')).slice(0, 1).join(' ') || 'command';

/** Anything escaping runCli (a rejection or an error thrown later by a timer or stream): one line, exit 1. */
function fatal(err: unknown): void {
  process.stderr.write(`${internalErrorLine(label, err)}\n${debug && err instanceof Error && err.stack ? `${err.stack}\n` : ''}`);
  process.exit(1);
}
process.on('uncaughtException', fatal);
// A reader that stops early (`paretonas show RUN 3 --json | head`) closes the pipe: the rest of
// the output is not wanted, which is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => (err.code === 'EPIPE' ? process.exit(process.exitCode ?? 0) : fatal(err)));
process.on('unhandledRejection', fatal);

runCli(process.argv.slice(2)).then((result) => {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
  // A refused command has said its one line: nothing left pending (e.g. undici's WebAssembly
  // parser failing later under a memory ulimit) may add a second one.
  if (result.code !== 0) process.exit(result.code);
  // The command has said its result: a client left reconnecting (ioredis to a Redis that is gone)
  // must not hold the process open. Output to pipes, files and terminals is written synchronously on Linux.
  setTimeout(() => process.exit(result.code), 500).unref();
}, fatal);
