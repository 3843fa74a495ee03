// The detectors under comparison, each loaded only inside its own measuring process so one's
// lexicons or dependencies never count against the other's memory.
import type { BenchNote } from './corpus.js';
import { redactedSpans, type AlignedSpan } from './redact-pii-spans.js';

export const DETECTORS = ['carerelay', 'carerelay-known', 'redact-pii'] as const;
export type DetectorName = (typeof DETECTORS)[number];

export const DETECTOR_LABELS: Readonly<Record<DetectorName, string>> = {
  carerelay: 'CareRelay detect',
  'carerelay-known': 'CareRelay detect + known ids',
  'redact-pii': 'redact-pii SyncRedactor',
};

/** One detector as the measuring process drives it: `run` is timed, `spans` is not. */
export interface LoadedDetector<R> {
  /** Whether `run` reads the note's known identifiers (each task brings a fresh object). */
  readonly usesKnown: boolean;
  run(note: BenchNote): R;
  /** The spans `result` stands for; `undefined` when they cannot be recovered. */
  spans(note: BenchNote, result: R): AlignedSpan[] | undefined;
}

export function isDetectorName(value: string | undefined): value is DetectorName {
  return DETECTORS.some((d) => d === value);
}

/** Imports the detector's package and builds it; the caller times this as load time. */
export async function loadDetector(name: DetectorName): Promise<LoadedDetector<unknown>> {
  switch (name) {
    case 'carerelay':
    case 'carerelay-known': {
      const { detect } = await import('@carerelay/phi');
      const usesKnown = name === 'carerelay-known';
      const detector: LoadedDetector<ReturnType<typeof detect>> = {
        usesKnown,
        run: (note) => detect(note.text, usesKnown && note.known ? { known: note.known } : {}),
        spans: (_note, found) => found.map(({ start, end, type }) => ({ start, end, type })),
      };
      return detector;
    }
    case 'redact-pii': {
      // The package entry also loads the Google DLP client; users importing SyncRedactor get
      // that too, so it stays in the load time and memory.
      const { SyncRedactor } = await import('redact-pii');
      const redactor = new SyncRedactor();
      const detector: LoadedDetector<string> = {
        usesKnown: false,
        run: (note) => redactor.redact(note.text),
        spans: (note, redacted) => redactedSpans(note.text, redacted),
      };
      return detector;
    }
  }
}
