#!/usr/bin/env node
// Scores the detector on a gold corpus (JSONL lines {id, text, spans:[{start,end,type}], known?}).
// Usage: node packages/phi/scripts/eval.mjs <corpus.jsonl> [--misses N] [--fp N] [--no-known]
//        node packages/phi/scripts/eval.mjs [--misses N] [--fp N] [--no-known]
// A document's `known` field, when present, is passed to detect() as the task's known identifiers.
// Without a file it scores four sets in turn and ends with a summary (one row per set):
//   the generated corpus (generateCorpus(600, 20240722), as `npm run corpus:deid`),
//   ../shared/data/presidio-synth-v2.jsonl, ../shared/data/physionet-dev.jsonl and
//   packages/phi/src/eval/fixtures/handwritten-bh.jsonl, paths resolved from this script's location.
// evaluate() ignores DATE_YEAR gold spans (physionet's bare years, allowed by Safe Harbor): not
// required, and a prediction on one is not a false positive.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { detect, evaluate, generateCorpus } from '../dist/index.js';

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && !['--misses', '--fp'].includes(args[i - 1] ?? ''));
const count = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? Number(args[i + 1] ?? 20) : 0;
};
const useKnown = !args.includes('--no-known');
const readJsonl = (path) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
const pct = (x) => (Number.isNaN(x) ? '   n/a' : `${(x * 100).toFixed(2).padStart(6)}%`);

function score(gold) {
  const started = process.hrtime.bigint();
  let bytes = 0;
  const predicted = gold.map((d) => {
    bytes += Buffer.byteLength(d.text);
    return { id: d.id, spans: detect(d.text, useKnown && d.known ? { known: d.known } : {}) };
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { r: evaluate(gold, predicted), mbps: bytes / 1e6 / seconds };
}

function report(title, { r, mbps }, speedNote) {
  console.log(title);
  console.log(
    `documents: ${r.documents}   gold spans: ${r.goldSpans}   ${mbps.toFixed(2)} MB/s ${speedNote}`,
  );
  console.log('');
  console.log('type            gold   caught   recall   typed');
  for (const t of r.perType) {
    console.log(
      `${t.type.padEnd(14)} ${String(t.gold).padStart(5)}  ${String(t.caught).padStart(7)}  ${pct(t.recall)}  ${pct(t.typedRecall)}`,
    );
  }
  console.log('');
  console.log(`leak recall (all alphanumerics covered): ${pct(r.leakRecall)}`);
  console.log(
    `character precision:                     ${pct(r.charPrecision)}   (${r.predictedChars} predicted chars)`,
  );
  console.log(
    `PHI-free texts left untouched:           ${pct(r.phiFreeUntouched)}   (${r.phiFreeDocuments} texts)`,
  );
  console.log(`known-identifier recall:                 ${pct(r.knownRecall)}   (${r.knownSpans} spans)`);
  const misses = count('--misses');
  if (misses) {
    console.log(`\nmissed (${r.missed.length}):`);
    for (const m of r.missed.slice(0, misses)) console.log(`  ${m.type.padEnd(12)} ${m.id}  ${m.context}`);
  }
  const fps = count('--fp');
  if (fps) {
    console.log(`\nfalse positives (${r.falsePositives.length}):`);
    for (const m of r.falsePositives.slice(0, fps))
      console.log(`  ${m.type.padEnd(12)} ${m.id}  ${m.context}`);
  }
}

if (file) {
  report(
    `corpus: ${file}`,
    score(readJsonl(file)),
    'single pass incl. lexicon load and warm-up (scripts/throughput.mjs measures speed)',
  );
} else {
  const fromScript = (rel) => fileURLToPath(new URL(rel, import.meta.url));
  const SEED = 20240722;
  const sets = [
    { name: 'generated', label: `generateCorpus(600, ${SEED})`, load: () => generateCorpus(600, SEED) },
    {
      name: 'presidio-synth-v2',
      label: '../shared/data/presidio-synth-v2.jsonl',
      path: fromScript('../../../../shared/data/presidio-synth-v2.jsonl'),
    },
    {
      name: 'physionet-dev',
      label: '../shared/data/physionet-dev.jsonl',
      path: fromScript('../../../../shared/data/physionet-dev.jsonl'),
    },
    {
      name: 'handwritten-bh',
      label: 'packages/phi/src/eval/fixtures/handwritten-bh.jsonl',
      path: fromScript('../src/eval/fixtures/handwritten-bh.jsonl'),
    },
  ];
  detect('warm-up Maria 7/22'); // lexicon load, so the first set's MB/s is comparable with the others
  const rows = [];
  for (const set of sets) {
    if (set.path && !existsSync(set.path)) {
      console.log(`corpus: ${set.name} (${set.label})\nskipped: ${set.path} not found\n`);
      rows.push({ name: set.name });
      process.exitCode = 1;
      continue;
    }
    const gold = set.load ? set.load() : readJsonl(set.path);
    const result = score(gold);
    report(
      `corpus: ${set.name} (${set.label})`,
      result,
      'single pass after warm-up (scripts/throughput.mjs measures speed)',
    );
    console.log('');
    rows.push({ name: set.name, ...result });
  }
  console.log('summary');
  console.log(
    'set                   docs   spans   leak recall   char precision   PHI-free untouched    MB/s',
  );
  for (const { name, r, mbps } of rows) {
    if (!r) {
      console.log(`${name.padEnd(18)}  skipped (file not found)`);
      continue;
    }
    const freeDocs = `${pct(r.phiFreeUntouched)} (${r.phiFreeDocuments})`;
    console.log(
      `${name.padEnd(18)} ${String(r.documents).padStart(7)} ${String(r.goldSpans).padStart(7)}   ${pct(r.leakRecall).padStart(11)}   ${pct(r.charPrecision).padStart(14)}   ${freeDocs.padStart(18)}  ${mbps.toFixed(2).padStart(6)}`,
    );
  }
}
