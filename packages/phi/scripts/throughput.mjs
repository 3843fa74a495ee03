#!/usr/bin/env node
// Detection throughput on one core: joins corpus documents into ~2 KB notes and times detect().
// Usage: node packages/phi/scripts/throughput.mjs <corpus.jsonl> [--known] [--rounds 5]
// Prints figures only; it never passes or fails on time (STYLE.md rule 11).
import { readFileSync } from 'node:fs';
import { detect } from '../dist/index.js';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--rounds');
if (!file) {
  console.error('usage: throughput.mjs <corpus.jsonl> [--known] [--rounds 5]');
  process.exit(2);
}
const useKnown = args.includes('--known');
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? 5) || 5;
const docs = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));

const notes = [];
let cur;
for (const d of docs) {
  if (!cur) cur = { text: d.text, known: d.known };
  else cur.text += `\n\n${d.text}`;
  if (cur.text.length >= 2000) {
    notes.push(cur);
    cur = undefined;
  }
}
const t0 = performance.now();
detect('warm-up Maria 7/22');
const loadMs = performance.now() - t0;
const opts = (n) => (useKnown && n.known ? { known: n.known } : {});
for (const n of notes) detect(n.text, opts(n));

let bytes = 0;
for (const n of notes) bytes += Buffer.byteLength(n.text);
const latencies = [];
const start = performance.now();
for (let r = 0; r < rounds; r++) {
  for (const n of notes) {
    const a = performance.now();
    detect(n.text, opts(n));
    latencies.push(performance.now() - a);
  }
}
const seconds = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))].toFixed(3);
console.log(`notes: ${notes.length} x ${rounds} rounds, mean ${(bytes / notes.length).toFixed(0)} bytes, known identifiers: ${useKnown}`);
console.log(`throughput: ${((bytes * rounds) / 1e6 / seconds).toFixed(2)} MB/s, ${((notes.length * rounds) / seconds).toFixed(0)} notes/s (one core)`);
console.log(`latency per note: p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms; lexicon load ${loadMs.toFixed(0)} ms`);
console.log(`memory: rss ${(process.memoryUsage().rss / 1e6).toFixed(0)} MB, heap used ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
