#!/usr/bin/env node
// Scores the detector on a gold corpus (JSONL lines {id, text, spans:[{start,end,type}], known?}).
// Usage: node packages/phi/scripts/eval.mjs <corpus.jsonl> [--misses N] [--fp N] [--no-known]
// A document's `known` field, when present, is passed to detect() as the task's known identifiers.
import { readFileSync } from 'node:fs';
import { detect, evaluate } from '../dist/index.js';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && !['--misses', '--fp'].includes(args[i - 1] ?? ''));
if (!file) {
  console.error('usage: eval.mjs <corpus.jsonl> [--misses N] [--fp N] [--no-known]');
  process.exit(2);
}
const count = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1] ?? 20) : 0;
};
const useKnown = !args.includes('--no-known');
const gold = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
const started = process.hrtime.bigint();
let bytes = 0;
const predicted = gold.map((d) => {
  bytes += Buffer.byteLength(d.text);
  return { id: d.id, spans: detect(d.text, useKnown && d.known ? { known: d.known } : {}) };
});
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const r = evaluate(gold, predicted);

const pct = (x) => (Number.isNaN(x) ? '   n/a' : `${(x * 100).toFixed(2).padStart(6)}%`);
console.log(`corpus: ${file}`);
console.log(`documents: ${r.documents}   gold spans: ${r.goldSpans}   ${(bytes / 1e6 / seconds).toFixed(2)} MB/s single pass incl. lexicon load and warm-up (scripts/throughput.mjs measures speed)`);
console.log('');
console.log('type            gold   caught   recall   typed');
for (const t of r.perType) {
  console.log(`${t.type.padEnd(14)} ${String(t.gold).padStart(5)}  ${String(t.caught).padStart(7)}  ${pct(t.recall)}  ${pct(t.typedRecall)}`);
}
console.log('');
console.log(`leak recall (all alphanumerics covered): ${pct(r.leakRecall)}`);
console.log(`character precision:                     ${pct(r.charPrecision)}   (${r.predictedChars} predicted chars)`);
console.log(`PHI-free texts left untouched:           ${pct(r.phiFreeUntouched)}   (${r.phiFreeDocuments} texts)`);
console.log(`known-identifier recall:                 ${pct(r.knownRecall)}   (${r.knownSpans} spans)`);
const misses = count('--misses');
if (misses) {
  console.log(`\nmissed (${r.missed.length}):`);
  for (const m of r.missed.slice(0, misses)) console.log(`  ${m.type.padEnd(12)} ${m.id}  ${m.context}`);
}
const fps = count('--fp');
if (fps) {
  console.log(`\nfalse positives (${r.falsePositives.length}):`);
  for (const m of r.falsePositives.slice(0, fps)) console.log(`  ${m.type.padEnd(12)} ${m.id}  ${m.context}`);
}
