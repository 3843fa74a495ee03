// De-identification throughput, latency, memory and quality: CareRelay's detect() beside
// redact-pii (a general-purpose npm redactor) on the same notes. Each detector runs in
// its own Node process (measure.ts), one thread, so their peaks do not mix. Prints figures;
// never passes or fails.
// Corpora: the generated behavioural-health notes, presidio-synth-v2 (general text) and the
// PhysioNet ICU nursing notes (real clinical shorthand), the last two when their files exist.
//   node bench/dist/deid/run.js      env: BENCH_RUNS (5) BENCH_PASSES (10) BENCH_DOCS (600)
//                                         BENCH_PRESIDIO (../shared/data/presidio-synth-v2.jsonl)
//                                         BENCH_PHYSIONET (../shared/data/physionet-dev.jsonl)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluate } from '@carerelay/phi';
import { median, percentile } from '../lib/infra.js';
import { behavioralHealthCorpus, physionetCorpus, presidioCorpus, type BenchCorpus } from './corpus.js';
import { DETECTOR_LABELS, type DetectorName } from './detectors.js';
import type { MeasureResult } from './measure.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PASSES = Number(process.env.BENCH_PASSES ?? 10);
const DOCS = Number(process.env.BENCH_DOCS ?? 600);
const SEED = 20240722; // the corpus:deid default, so figures line up with eval:deid
const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, '..', '..', '..');
const PRESIDIO = process.env.BENCH_PRESIDIO ?? join(REPO, '..', 'shared', 'data', 'presidio-synth-v2.jsonl');
const PHYSIONET = process.env.BENCH_PHYSIONET ?? join(REPO, '..', 'shared', 'data', 'physionet-dev.jsonl');

interface Row {
  detector: DetectorName;
  mbPerSec: number;
  cpuMbPerSec: number;
  notesPerSec: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  peakHeapMb: number;
  baselineRssMb: number;
  leakRecall: number;
  charPrecision: number;
  knownRecall: number;
  loadMs: number;
  unaligned: number;
}

function measureInChild(detector: DetectorName, notesFile: string): Promise<MeasureResult> {
  const script = join(HERE, 'measure.js');
  const args = ['--expose-gc', script, detector, notesFile, String(RUNS), String(PASSES)];
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', fail);
    child.on('close', (code) => {
      if (code === 0) done(JSON.parse(Buffer.concat(chunks).toString('utf8')) as MeasureResult);
      else fail(new Error(`bench/deid: measuring ${detector} exited with code ${String(code)}`));
    });
  });
}

async function measureRow(corpus: BenchCorpus, detector: DetectorName, notesFile: string): Promise<Row> {
  const m = await measureInChild(detector, notesFile);
  const perRun = m.runs.map(({ latenciesMs: latencies, cpuMs }) => {
    const seconds = latencies.reduce((a, b) => a + b, 0) / 1000;
    return {
      mbPerSec: (corpus.bytes * m.passes) / 1e6 / seconds,
      cpuMbPerSec: (corpus.bytes * m.passes) / 1e6 / (cpuMs / 1000),
      notesPerSec: (corpus.notes.length * m.passes) / seconds,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
    };
  });
  const runFigures = perRun.map((r) => `${r.mbPerSec.toFixed(2)}/${r.cpuMbPerSec.toFixed(2)}`).join(' ');
  console.log(`  ${corpus.name} · ${DETECTOR_LABELS[detector]}: MB/s / MB/cpu-s per run ${runFigures}`);
  const quality = evaluate(corpus.gold, m.predicted);
  return {
    detector,
    mbPerSec: median(perRun.map((r) => r.mbPerSec)),
    cpuMbPerSec: median(perRun.map((r) => r.cpuMbPerSec)),
    notesPerSec: median(perRun.map((r) => r.notesPerSec)),
    p50Ms: median(perRun.map((r) => r.p50Ms)),
    p99Ms: median(perRun.map((r) => r.p99Ms)),
    peakRssMb: m.peakRssMb,
    peakHeapMb: m.peakHeapMb,
    baselineRssMb: m.baselineRssMb,
    leakRecall: quality.leakRecall,
    charPrecision: quality.charPrecision,
    knownRecall: quality.knownRecall,
    loadMs: m.loadMs,
    unaligned: m.unaligned,
  };
}

const COLUMNS: ReadonlyArray<readonly [string, number, (r: Row) => string]> = [
  ['MB/s', 7, (r) => r.mbPerSec.toFixed(2)],
  ['MB/cpu-s', 9, (r) => r.cpuMbPerSec.toFixed(2)],
  ['notes/s', 8, (r) => r.notesPerSec.toFixed(0)],
  ['p50 ms', 7, (r) => r.p50Ms.toFixed(3)],
  ['p99 ms', 7, (r) => r.p99Ms.toFixed(3)],
  ['peak RSS MB', 12, (r) => r.peakRssMb.toFixed(0)],
  ['peak heap MB', 13, (r) => r.peakHeapMb.toFixed(0)],
  ['leak recall', 12, (r) => pct(r.leakRecall)],
  ['char precision', 15, (r) => pct(r.charPrecision)],
  ['known recall', 13, (r) => pct(r.knownRecall)],
  ['load ms', 8, (r) => r.loadMs.toFixed(0)],
];
const LABEL_WIDTH = 30;

function pct(x: number): string {
  return Number.isNaN(x) ? 'n/a' : `${(x * 100).toFixed(2)}%`;
}

function printTable(corpus: BenchCorpus, rows: readonly Row[]): void {
  const meanBytes = corpus.bytes / corpus.notes.length;
  const goldSpans = corpus.gold.reduce((n, d) => n + d.spans.length, 0);
  console.log(
    `\ncorpus ${corpus.name}: ${corpus.description} → ${corpus.notes.length} notes, mean ${meanBytes.toFixed(0)} bytes, ${goldSpans} gold spans`,
  );
  console.log(['detector'.padEnd(LABEL_WIDTH), ...COLUMNS.map(([h, w]) => h.padStart(w))].join(' '));
  for (const r of rows) {
    console.log(
      [DETECTOR_LABELS[r.detector].padEnd(LABEL_WIDTH), ...COLUMNS.map(([, w, f]) => f(r).padStart(w))].join(
        ' ',
      ),
    );
  }
  const baseline = median(rows.map((r) => r.baselineRssMb));
  console.log(
    `  peak RSS includes a Node baseline of ~${baseline.toFixed(0)} MB (notes loaded, detector not yet imported)`,
  );
  for (const r of rows.filter((row) => row.detector === 'redact-pii')) {
    console.log(
      `  redact-pii spans recovered by aligning its output to the input: ${corpus.notes.length - r.unaligned} of ${corpus.notes.length} notes aligned` +
        (r.unaligned > 0 ? ` (${r.unaligned} scored as no spans)` : ''),
    );
  }
}

const LEGEND = [
  'MB/s, per core (detection runs on one thread): bytes over the summed wall time of the detector calls.',
  'MB/cpu-s: bytes over the process CPU time (all threads, GC helpers included) of the timed passes: it leaves',
  '  out time spent waiting for a core on a busy host, and counts GC work on other cores (MB/cpu-s below MB/s).',
  'leak recall: a gold span is caught only if every letter and digit in it is covered; char precision over',
  '  predicted letters and digits.',
  'known recall: gold spans from the note\'s structured fields; only the "+ known ids" row is given those fields,',
  "  one client's per note (a note joins ~4 documents; the others' identifiers count as ordinary PHI), each task",
  "  a fresh object so the per-task compilation of those fields is timed. eval:deid passes every document's fields.",
];

async function main(): Promise<void> {
  const corpora = [
    behavioralHealthCorpus(DOCS, SEED),
    presidioCorpus(PRESIDIO),
    physionetCorpus(PHYSIONET),
  ].filter((c) => c !== undefined);
  const scratch = mkdtempSync(join(tmpdir(), 'bench-deid-'));
  const tables: Array<{ corpus: BenchCorpus; rows: Row[] }> = [];
  try {
    console.log(
      `bench/deid: ${RUNS} runs × ${PASSES} passes per detector and corpus, each detector in its own process`,
    );
    for (const corpus of corpora) {
      const notesFile = join(scratch, `${corpus.name}.json`);
      writeFileSync(notesFile, JSON.stringify(corpus.notes));
      const detectors: DetectorName[] = corpus.notes.some((n) => n.known)
        ? ['carerelay', 'carerelay-known', 'redact-pii']
        : ['carerelay', 'redact-pii'];
      const rows: Row[] = [];
      for (const d of detectors) rows.push(await measureRow(corpus, d, notesFile));
      tables.push({ corpus, rows });
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  console.log(
    `\nbench/deid: median of ${RUNS} runs; detection on one thread, one process per detector; MB = 10^6 UTF-8 bytes; latency is per note`,
  );
  for (const { corpus, rows } of tables) printTable(corpus, rows);
  console.log(`\n${LEGEND.join('\n')}`);
  if (!tables.some((t) => t.corpus.name === 'presidio'))
    console.log(`(no general-text corpus: ${PRESIDIO} not found)`);
  if (!tables.some((t) => t.corpus.name === 'physionet'))
    console.log(`(no ICU nursing notes: ${PHYSIONET} not found)`);
}

await main();
