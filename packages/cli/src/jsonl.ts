import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

/**
 * The line discipline of the CLI's JSONL commands (`deid detect`, `risk scan`): external
 * contracts, so one implementation. Every input line gets exactly one output line (lines end
 * at "\n"; a "\r" before it is dropped); a line that is not valid input gets an `error`
 * ("CODE: message", never the line's text), its `id` when it can be read (else null), and a
 * "line N: ..." message on `errors`; the exit code is then 1.
 *
 * Longest input line accepted, in UTF-8 bytes (newline excluded): a note is a few KB (the
 * longest PhysioNet ICU note is 3 KB, a long intake assessment some tens of KB), so a line past
 * 1 MiB is not a note but a concatenated file or a blob: refused with LINE_TOO_LONG, and the
 * reader never holds more than this many bytes of it, whatever its size.
 */
export const MAX_LINE_BYTES = 1 << 20;

/** Why a line was not processed, before the command's own step. */
export type JsonlErrorCode =
  'EMPTY_LINE' | 'LINE_TOO_LONG' | 'INVALID_UTF8' | 'INVALID_JSON' | 'INVALID_INPUT';

/** One `{"id", "text"}` line, read; or why it cannot be. */
export type TextLine =
  | { readonly ok: true; readonly id: string; readonly text: string }
  | {
      readonly ok: false;
      readonly id: string | null;
      readonly code: JsonlErrorCode;
      readonly message: string;
    };

/** One input line: its first bytes (all of them unless it is too long) and its full length. */
interface RawLine {
  head: Buffer;
  bytes: number;
}

const NEWLINE = 0x0a;
const CR = 0x0d;
// fatal: bytes that are not UTF-8 (binary, or a surrogate encoded as CESU-8) are an error,
// not silently replaced with U+FFFD, which would shift the offsets the caller gets back.
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Runs `handle` on every `{"id": string, "text": string}` line of `input`, writing its result
 * as one JSON line with backpressure, in memory bounded by `maxLineBytes`. `handle` returns
 * the output object; one with an `error` counts as a failed line.
 */
export async function runTextJsonl<R extends { readonly error?: string }>(
  input: Readable,
  output: Writable,
  errors: Writable,
  maxLineBytes: number,
  handle: (line: TextLine) => R,
): Promise<number> {
  let lineNo = 0;
  let failed = 0;
  for await (const line of rawLines(input, maxLineBytes)) {
    lineNo += 1;
    const result = handle(readTextLine(line, maxLineBytes));
    if (result.error !== undefined) {
      failed += 1;
      errors.write(`line ${lineNo}: ${result.error}\n`);
    }
    if (!output.write(`${JSON.stringify(result)}\n`)) await once(output, 'drain');
  }
  return failed > 0 ? 1 : 0;
}

function readTextLine(line: RawLine, maxLineBytes: number): TextLine {
  const bad = (id: string | null, code: JsonlErrorCode, message: string): TextLine => ({
    ok: false,
    id,
    code,
    message,
  });
  if (line.bytes > maxLineBytes) {
    return bad(
      idFromHead(line.head),
      'LINE_TOO_LONG',
      `line is ${line.bytes} bytes; the limit is ${maxLineBytes}`,
    );
  }
  let json: string;
  try {
    json = utf8.decode(line.head);
  } catch {
    return bad(null, 'INVALID_UTF8', 'line is not valid UTF-8');
  }
  if (json.trim() === '') return bad(null, 'EMPTY_LINE', 'expected one {"id","text"} object per line');
  let doc: unknown;
  try {
    doc = JSON.parse(json);
  } catch {
    // JSON.parse's message quotes the line, which may be PHI: say only what is wrong.
    return bad(null, 'INVALID_JSON', 'line is not valid JSON');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    return bad(null, 'INVALID_INPUT', 'line must be a JSON object {"id","text"}');
  }
  const { id, text } = doc as { id?: unknown; text?: unknown };
  if (typeof id !== 'string') return bad(null, 'INVALID_INPUT', '"id" must be a string');
  if (typeof text !== 'string') return bad(id, 'INVALID_INPUT', '"text" must be a string');
  return { ok: true, id, text };
}

/**
 * Splits a byte stream at "\n". Keeps at most `maxBytes` of a line (its head); beyond that it
 * only counts, so an endless line costs no more memory than a long one.
 */
async function* rawLines(input: Readable, maxBytes: number): AsyncGenerator<RawLine> {
  let parts: Buffer[] = [];
  let kept = 0;
  let bytes = 0;
  const take = (piece: Buffer): void => {
    bytes += piece.length;
    const room = maxBytes + 1 - kept; // one byte over the limit tells "too long" from "at the limit"
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

/** The id of a line too long to parse, when it is the object's first key (the usual writer order). */
function idFromHead(head: Buffer): string | null {
  const quoted = LEADING_ID.exec(head.toString('utf8', 0, 4096))?.[1];
  if (quoted === undefined) return null;
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return null;
  }
}
