import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { scanRisk, type RiskLevel } from '@carerelay/clinical';

/**
 * Longest input line accepted, in UTF-8 bytes (newline excluded), as for `deid detect`: a note
 * is a few KB, so a line past 1 MiB is a concatenated file or a blob, refused with
 * LINE_TOO_LONG; the reader never holds more than this many bytes of it.
 */
export const MAX_LINE_BYTES = 1 << 20;

/** Why a line has no level; the output's `error` is `CODE: message`, never the line's text. */
export type RiskLineErrorCode =
  'EMPTY_LINE' | 'LINE_TOO_LONG' | 'INVALID_UTF8' | 'INVALID_JSON' | 'INVALID_INPUT' | 'SCAN_FAILED';

export interface RiskScanOptions {
  maxLineBytes?: number;
}

interface ScannedLine {
  id: string | null;
  level: RiskLevel;
  signals: Array<{ start: number; end: number; kind: string }>;
  error?: string;
}

interface RawLine {
  head: Buffer;
  bytes: number;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
// fatal: bytes that are not UTF-8 are an error, not U+FFFD, which would shift the offsets.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * `carerelay risk scan` (an external contract: keep it exactly). Reads JSONL
 * `{"id": string, "text": string}` and writes, per input line,
 * `{"id": string, "level": "NONE"|"LOW"|"MODERATE"|"HIGH"|"IMMINENT", "signals": [{"start", "end", "kind"}]}`
 * with JavaScript string offsets (UTF-16 code units). Same line discipline as `deid detect`:
 * every input line gets exactly one output line; a line that is not valid input gets
 * `level: "NONE"`, `signals: []`, an `error` ("CODE: message"), its `id` when it can be read
 * (else null), and a "line N: ..." message on `errors`; the exit code is then 1.
 */
export async function riskScan(
  input: Readable,
  output: Writable,
  errors: Writable,
  { maxLineBytes = MAX_LINE_BYTES }: RiskScanOptions = {},
): Promise<number> {
  let lineNo = 0;
  let failed = 0;
  for await (const line of rawLines(input, maxLineBytes)) {
    lineNo += 1;
    const result = scanLine(line, maxLineBytes);
    if (result.error !== undefined) {
      failed += 1;
      errors.write(`line ${lineNo}: ${result.error}\n`);
    }
    if (!output.write(`${JSON.stringify(result)}\n`)) await once(output, 'drain');
  }
  return failed > 0 ? 1 : 0;
}

function scanLine(line: RawLine, maxLineBytes: number): ScannedLine {
  if (line.bytes > maxLineBytes) {
    return failure(idFromHead(line.head), 'LINE_TOO_LONG', `line is ${line.bytes} bytes; the limit is ${maxLineBytes}`);
  }
  let json: string;
  try {
    json = utf8.decode(line.head);
  } catch {
    return failure(null, 'INVALID_UTF8', 'line is not valid UTF-8');
  }
  if (json.trim() === '') return failure(null, 'EMPTY_LINE', 'expected one {"id","text"} object per line');
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    // JSON.parse's message quotes the line, which may be PHI: say only what is wrong.
    return failure(null, 'INVALID_JSON', 'line is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return failure(null, 'INVALID_INPUT', 'line must be a JSON object {"id","text"}');
  }
  const { id, text } = doc as { id?: unknown; text?: unknown };
  if (typeof id !== 'string') return failure(null, 'INVALID_INPUT', '"id" must be a string');
  if (typeof text !== 'string') return failure(id, 'INVALID_INPUT', '"text" must be a string');
  try {
    const { level, signals } = scanRisk(text);
    return { id, level, signals: signals.map(({ start, end, kind }) => ({ start, end, kind })) };
  } catch (err) {
    return failure(id, 'SCAN_FAILED', `scan failed (${err instanceof Error ? err.name : 'unknown'})`);
  }
}

function failure(id: string | null, code: RiskLineErrorCode, message: string): ScannedLine {
  return { id, level: 'NONE', signals: [], error: `${code}: ${message}` };
}

/**
 * Splits a byte stream at "\n", keeping at most `maxBytes` of a line (a copy of deid-detect's
 * reader, which is not exported; see the report).
 */
async function* rawLines(input: Readable, maxBytes: number): AsyncGenerator<RawLine> {
  let parts: Buffer[] = [];
  let kept = 0;
  let bytes = 0;
  const take = (piece: Buffer): void => {
    bytes += piece.length;
    const room = maxBytes + 1 - kept;
    if (room <= 0 || piece.length === 0) return;
    const part = piece.length <= room ? piece : piece.subarray(0, room);
    parts.push(part);
    kept += part.length;
  };
  const end = (): RawLine => {
    let head = parts.length === 1 ? parts[0]! : Buffer.concat(parts, kept);
    let length = bytes;
    if (kept === bytes && head.at(-1) === CR) {
      head = head.subarray(0, -1);
      length -= 1;
    }
    parts = [];
    kept = 0;
    bytes = 0;
    return { head, bytes: length };
  };
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    const buf =
      typeof chunk === 'string'
        ? Buffer.from(chunk, 'utf8')
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    let from = 0;
    for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, from)) {
      take(buf.subarray(from, nl));
      yield end();
      from = nl + 1;
    }
    take(buf.subarray(from));
  }
  if (bytes > 0) yield end();
}

const LEADING_ID = /^\s*\{\s*"id"\s*:\s*("(?:[^"\\\n]|\\.){0,1000}")/;

function idFromHead(head: Buffer): string | null {
  const quoted = LEADING_ID.exec(head.toString('utf8', 0, 4096))?.[1];
  if (quoted === undefined) return null;
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return null;
  }
}
