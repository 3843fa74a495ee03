import type { Readable, Writable } from 'node:stream';
import { scanRisk, type RiskLevel } from '@carerelay/clinical';
import { MAX_LINE_BYTES, runTextJsonl, type JsonlErrorCode } from './jsonl.js';

export { MAX_LINE_BYTES } from './jsonl.js';

/** Why a line has no level; the output's `error` is `CODE: message`, never the line's text. */
export type RiskLineErrorCode = JsonlErrorCode | 'SCAN_FAILED';

export interface RiskScanOptions {
  maxLineBytes?: number;
}

interface ScannedLine {
  id: string | null;
  level: RiskLevel;
  signals: Array<{ start: number; end: number; kind: string }>;
  error?: string;
}

/**
 * `carerelay risk scan` (an external contract: keep it exactly). Reads JSONL
 * `{"id": string, "text": string}` and writes, per input line,
 * `{"id": string, "level": "NONE"|"LOW"|"MODERATE"|"HIGH"|"IMMINENT", "signals": [{"start", "end", "kind"}]}`
 * with JavaScript string offsets (UTF-16 code units), in the line discipline of `jsonl.ts`
 * (as `deid detect`): a line that is not valid input gets `level: "NONE"`, `signals: []` and
 * an `error`.
 */
export function riskScan(
  input: Readable,
  output: Writable,
  errors: Writable,
  { maxLineBytes = MAX_LINE_BYTES }: RiskScanOptions = {},
): Promise<number> {
  return runTextJsonl(input, output, errors, maxLineBytes, (line): ScannedLine => {
    if (!line.ok) return failure(line.id, line.code, line.message);
    try {
      const { level, signals } = scanRisk(line.text);
      return { id: line.id, level, signals: signals.map(({ start, end, kind }) => ({ start, end, kind })) };
    } catch (err) {
      return failure(line.id, 'SCAN_FAILED', `scan failed (${err instanceof Error ? err.name : 'unknown'})`);
    }
  });
}

function failure(id: string | null, code: RiskLineErrorCode, message: string): ScannedLine {
  return { id, level: 'NONE', signals: [], error: `${code}: ${message}` };
}
