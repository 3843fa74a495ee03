import type { Readable, Writable } from 'node:stream';
import { detect } from '@carerelay/phi';
import { MAX_LINE_BYTES, runTextJsonl, type JsonlErrorCode } from './jsonl.js';

export { MAX_LINE_BYTES } from './jsonl.js';

/** Why a line has no spans; the output's `error` is `CODE: message`, never the line's text. */
export type DeidLineErrorCode = JsonlErrorCode | 'DETECT_FAILED';

export interface DeidDetectOptions {
  maxLineBytes?: number;
}

interface DetectedLine {
  id: string | null;
  spans: Array<{ start: number; end: number; type: string }>;
  error?: string;
}

/**
 * `carerelay deid detect` (an external contract: keep it exactly). Reads JSONL
 * `{"id": string, "text": string}` and writes, per input line,
 * `{"id": string, "spans": [{"start", "end", "type"}]}` with JavaScript string
 * offsets (UTF-16 code units), in the line discipline of `jsonl.ts`: a line that is not valid
 * input gets `spans: []` and an `error`. A lone surrogate escaped in the JSON ("\ud800") is a
 * valid JavaScript string: detection runs on it and offsets count it as one code unit.
 */
export function deidDetect(
  input: Readable,
  output: Writable,
  errors: Writable,
  { maxLineBytes = MAX_LINE_BYTES }: DeidDetectOptions = {},
): Promise<number> {
  return runTextJsonl(input, output, errors, maxLineBytes, (line): DetectedLine => {
    if (!line.ok) return failure(line.id, line.code, line.message);
    try {
      return { id: line.id, spans: detect(line.text).map(({ start, end, type }) => ({ start, end, type })) };
    } catch (err) {
      return failure(
        line.id,
        'DETECT_FAILED',
        `detection failed (${err instanceof Error ? err.name : 'unknown'})`,
      );
    }
  });
}

function failure(id: string | null, code: DeidLineErrorCode, message: string): DetectedLine {
  return { id, spans: [], error: `${code}: ${message}` };
}
