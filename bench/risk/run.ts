// Risk scanner throughput: sentences per second on one core (the scanner must keep up with
// the text the deidentifier emits), over the project's labeled sentences and over note-sized
// texts built from them; median of several runs, with p50/p99 latency. Prints figures; never
// passes or fails. Pure CPU: no infrastructure is involved.
//   node bench/dist/risk/run.js      env: BENCH_RUNS (7) BENCH_PASSES (20)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanRisk } from '@carerelay/clinical';
import { median, percentile } from '../lib/infra.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PASSES = Number(process.env.BENCH_PASSES ?? 20);
const HERE = dirname(fileURLToPath(import.meta.url));
const DATA = resolve(HERE, '..', '..', '..', 'packages', 'clinical', 'data');

function sentences(): string[] {
  return ['risk-sentences.jsonl', 'risk-sentences.heldout.jsonl', 'risk-sentences.probes.jsonl'].flatMap(
    (f) =>
      readFileSync(join(DATA, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => (JSON.parse(l) as { text: string }).text),
  );
}

/** One run: every text scanned PASSES times; per-text latencies in ms and texts per second. */
function run(texts: readonly string[]): { perSec: number; latencies: number[] } {
  const latencies: number[] = [];
  const started = process.hrtime.bigint();
  for (let pass = 0; pass < PASSES; pass++) {
    for (const text of texts) {
      const t0 = process.hrtime.bigint();
      scanRisk(text);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { perSec: (texts.length * PASSES) / seconds, latencies };
}

function report(label: string, texts: readonly string[], unit: string): void {
  run(texts.slice(0, 50)); // warm-up: JIT, regex compilation
  const runs = Array.from({ length: RUNS }, () => run(texts));
  const rates = runs.map((r) => r.perSec);
  const all = runs.flatMap((r) => r.latencies);
  const chars = texts.reduce((n, t) => n + t.length, 0) / texts.length;
  console.log(
    `${label.padEnd(28)} ${texts.length.toString().padStart(5)} texts, ${chars.toFixed(0).padStart(5)} chars avg: ` +
      `${median(rates).toFixed(0)} ${unit}/s (median of ${RUNS}, min ${Math.min(...rates).toFixed(0)}), ` +
      `p50 ${percentile(all, 50).toFixed(3)} ms, p99 ${percentile(all, 99).toFixed(3)} ms`,
  );
}

const all = sentences();
// Note-sized texts: 20 sentences each (about a progress note's length).
const notes: string[] = [];
for (let i = 0; i + 20 <= all.length; i += 20) notes.push(all.slice(i, i + 20).join(' '));

console.log(`risk scanner, one core (node ${process.version}), ${RUNS} runs x ${PASSES} passes`);
report('labeled sentences', all, 'sentences');
report('note-sized texts (20 sent.)', notes, 'notes');
