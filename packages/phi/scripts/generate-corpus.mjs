#!/usr/bin/env node
// Writes the synthetic behavioural-health corpus as JSONL:
//   {id, kind, text, spans: [{start, end, type, known?}], known?}
// Usage: node packages/phi/scripts/generate-corpus.mjs [out.jsonl] [--count 600] [--seed 20240722]
// Needs a build first (npm run build -w @carerelay/phi).
import { createWriteStream } from 'node:fs';
import { generateCorpus } from '../dist/index.js';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? Number(args[i + 1]) : fallback;
};
const outPath = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const docs = generateCorpus(flag('--count', 600), flag('--seed', 20240722));
const out = outPath ? createWriteStream(outPath) : process.stdout;
for (const d of docs) out.write(JSON.stringify(d) + '\n');
if (outPath) {
  out.end();
  const spans = docs.reduce((n, d) => n + d.spans.length, 0);
  console.error(`wrote ${docs.length} documents, ${spans} gold spans to ${outPath}`);
}
