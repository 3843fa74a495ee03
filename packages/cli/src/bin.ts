#!/usr/bin/env node
import { runCli } from './cli.js';

// `carerelay policy show | head`: a reader that stops early is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});

runCli(process.argv.slice(2)).then(
  (code) => {
    if (code !== undefined) process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`carerelay: ${(err as Error).message}\n`);
    process.exitCode = 1;
  },
);
