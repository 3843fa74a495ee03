#!/usr/bin/env node
// The `carerelay` command as npm links it. npm links (and marks executable) a workspace's bins
// before the root `prepare` script has built dist/, so the bin is this committed, executable
// file, present whatever the build state. It runs the build, or says how to make one.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const built = new URL('../dist/bin.js', import.meta.url);
if (existsSync(fileURLToPath(built))) {
  await import(built.href);
} else {
  process.stderr.write(
    `carerelay: the CLI is not built (${fileURLToPath(built)} is missing); run \`npm run build\` in the repository root\n`,
  );
  process.exitCode = 1;
}
