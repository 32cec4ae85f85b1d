#!/usr/bin/env node
import { runCli } from './run.js';

void runCli(process.argv.slice(2)).then((result) => {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.code;
});
