import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { detect } from '@carerelay/phi';

/**
 * `carerelay deid detect` (an external contract: keep it exactly). Reads JSONL
 * `{"id": string, "text": string}` and writes, per input line,
 * `{"id": string, "spans": [{"start", "end", "type"}]}` with JavaScript string
 * offsets. Streams one line at a time with backpressure: constant memory.
 * A line that is not valid input still gets an output line (`spans: []` and an
 * `error`), so outputs stay aligned with inputs; the exit code is then 1.
 */
export async function deidDetect(input: Readable, output: Writable, errors: Writable): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let failed = 0;
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    let out: string;
    try {
      const doc = JSON.parse(line) as { id?: unknown; text?: unknown };
      if (typeof doc.text !== 'string') throw new Error('"text" must be a string');
      const spans = detect(doc.text).map(({ start, end, type }) => ({ start, end, type }));
      out = JSON.stringify({ id: doc.id, spans });
    } catch (err) {
      failed += 1;
      errors.write(`line ${lineNo}: ${(err as Error).message}\n`);
      out = JSON.stringify({ id: idOf(line), spans: [], error: (err as Error).message });
    }
    if (!output.write(`${out}\n`)) await once(output, 'drain');
  }
  return failed > 0 ? 1 : 0;
}

function idOf(line: string): unknown {
  try {
    return (JSON.parse(line) as { id?: unknown }).id ?? null;
  } catch {
    return null;
  }
}
