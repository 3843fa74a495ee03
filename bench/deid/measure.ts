// Child process of bench/deid/run: measures one detector on one set of notes and writes a
// MeasureResult as JSON to stdout. Run alone, one detector per process, so peak memory is
// that detector's own (plus the same Node baseline and notes for all).
//   node --expose-gc bench/dist/deid/measure.js <detector> <notes.json> <runs> <passes>
import { readFileSync } from 'node:fs';
import { getHeapStatistics } from 'node:v8';
import type { BenchNote } from './corpus.js';
import { DETECTORS, isDetectorName, loadDetector } from './detectors.js';
import type { AlignedSpan } from './redact-pii-spans.js';

export interface MeasureResult {
  /** Import, construction and the first call (lexicon load, regex compilation). */
  loadMs: number;
  /** Per timed run: the latency of every note over all passes, and the CPU time they took. */
  runs: Array<{ latenciesMs: number[]; cpuMs: number }>;
  passes: number;
  baselineRssMb: number;
  baselineHeapMb: number;
  /** Process peak resident set (getrusage maxrss). */
  peakRssMb: number;
  /** Largest used heap seen between notes. */
  peakHeapMb: number;
  predicted: Array<{ id: string; spans: AlignedSpan[] }>;
  /** Notes whose spans could not be recovered from the detector's output. */
  unaligned: number;
}

const MB = 1e6;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});

function freshTasks(notes: readonly BenchNote[]): BenchNote[] {
  // detect() compiles known identifiers once per object; a new task brings a new object.
  return notes.map((n) => (n.known ? { ...n, known: structuredClone(n.known) } : n));
}

async function main(): Promise<void> {
  const [name, notesFile, runsArg, passesArg] = process.argv.slice(2);
  if (!isDetectorName(name) || !notesFile) {
    throw new TypeError(`usage: measure.js <${DETECTORS.join('|')}> <notes.json> <runs> <passes>`);
  }
  const runs = Number(runsArg ?? 5);
  const passes = Number(passesArg ?? 10);
  const notes = JSON.parse(readFileSync(notesFile, 'utf8')) as BenchNote[];
  gc();
  const baseline = process.memoryUsage();
  let peakHeap = baseline.heapUsed;

  const loadStart = performance.now();
  const detector = await loadDetector(name);
  detector.run({ id: 'warm-up', text: 'Seen by Dr. Maria Lopez on 7/22 at 555-201-3344.' });
  const loadMs = performance.now() - loadStart;

  // Warm-up pass: JIT and inline caches settle before anything is timed.
  for (const note of freshTasks(notes)) detector.run(note);

  const results: unknown[] = new Array<unknown>(notes.length);
  const timed: MeasureResult['runs'] = [];
  for (let r = 0; r < runs; r++) {
    gc();
    const latenciesMs: number[] = [];
    let cpuMicros = 0;
    for (let p = 0; p < passes; p++) {
      const tasks = detector.usesKnown ? freshTasks(notes) : notes;
      // CPU time of all threads (GC helpers too): it leaves out time spent waiting for a core.
      const cpu = process.cpuUsage();
      for (let i = 0; i < tasks.length; i++) {
        const started = performance.now();
        results[i] = detector.run(tasks[i]!);
        latenciesMs.push(performance.now() - started);
        peakHeap = Math.max(peakHeap, getHeapStatistics().used_heap_size);
      }
      const spent = process.cpuUsage(cpu);
      cpuMicros += spent.user + spent.system;
    }
    timed.push({ latenciesMs, cpuMs: cpuMicros / 1000 });
  }

  let unaligned = 0;
  const predicted = notes.map((note, i) => {
    const spans = detector.spans(note, results[i]);
    if (!spans) unaligned++;
    return { id: note.id, spans: spans ?? [] };
  });
  const result: MeasureResult = {
    loadMs,
    runs: timed,
    passes,
    baselineRssMb: baseline.rss / MB,
    baselineHeapMb: baseline.heapUsed / MB,
    peakRssMb: (process.resourceUsage().maxRSS * 1024) / MB,
    peakHeapMb: peakHeap / MB,
    predicted,
    unaligned,
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

await main();
