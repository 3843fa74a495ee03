#!/usr/bin/env node
// Evaluates the built risk scanner (dist) on the labeled sentence sets: precision and recall of
// "current risk" (positive = level != NONE), by category and overall, and level accuracy.
// Usage: node packages/clinical/scripts/eval-risk.mjs [--errors] [--set NAME ...] [file.jsonl ...]
// --set NAME reads data/risk-sentences.NAME.jsonl (e.g. --set blind-a --set blind-b: two blind sets
// written without seeing the scanner or the other sets, in clinicians' and clients' voices).
// Without files: data/risk-sentences.jsonl (development), data/risk-sentences.heldout.jsonl
// (written with it, evaluated once at the end) and data/risk-sentences.probes.jsonl (blind probes
// written later to find gaps; the rules were widened after each was seen, so it is a regression
// set, not a measure of unseen text). Exits 0.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const { scanRisk } = await import(join(here, '..', 'dist', 'risk', 'index.js'));

const args = process.argv.slice(2);
const showErrors = args.includes('--errors');
const sets = args.flatMap((a, i) => (args[i - 1] === '--set' ? [a] : []));
const files = [
  ...args.filter((a, i) => !a.startsWith('--') && args[i - 1] !== '--set'),
  ...sets.map((s) => join(here, '..', 'data', `risk-sentences.${s}.jsonl`)),
];
const defaults = ['risk-sentences.jsonl', 'risk-sentences.heldout.jsonl', 'risk-sentences.probes.jsonl'].map(
  (f) => join(here, '..', 'data', f),
);

const fmt = (num, den) => (den === 0 ? '   -  ' : (num / den).toFixed(3).padStart(6));

function evaluate(file) {
  const rows = readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l));
  const byCategory = new Map();
  const total = { n: 0, tp: 0, fp: 0, fn: 0, tn: 0, levelOk: 0 };
  const errors = [];
  for (const row of rows) {
    const { level } = scanRisk(row.text);
    const predicted = level !== 'NONE';
    const c = byCategory.get(row.category) ?? { n: 0, tp: 0, fp: 0, fn: 0, tn: 0, levelOk: 0 };
    byCategory.set(row.category, c);
    for (const t of [c, total]) {
      t.n += 1;
      if (predicted && row.current) t.tp += 1;
      else if (predicted) t.fp += 1;
      else if (row.current) t.fn += 1;
      else t.tn += 1;
      if (level === row.level) t.levelOk += 1;
    }
    if (predicted !== row.current || level !== row.level) errors.push({ ...row, got: level });
  }
  console.log(`\n${relative(process.cwd(), file)} (${rows.length} sentences)`);
  console.log('category        n   TP   FP   FN   TN  precision  recall  level-acc');
  const line = (name, t) =>
    console.log(
      `${name.padEnd(13)}${String(t.n).padStart(4)}${String(t.tp).padStart(5)}${String(t.fp).padStart(5)}${String(t.fn).padStart(5)}${String(t.tn).padStart(5)}   ${fmt(t.tp, t.tp + t.fp)}  ${fmt(t.tp, t.tp + t.fn)}  ${fmt(t.levelOk, t.n)}`,
    );
  for (const [name, t] of [...byCategory].sort(([a], [b]) => a.localeCompare(b))) line(name, t);
  line('OVERALL', total);
  if (showErrors) {
    for (const e of errors) console.log(`  ${e.id} [${e.category}] want ${e.level} got ${e.got}: ${e.text}`);
  }
}

for (const file of files.length > 0 ? files : defaults) evaluate(file);
