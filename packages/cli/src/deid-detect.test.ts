import { PassThrough, Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { deidDetect, MAX_LINE_BYTES, type DeidDetectOptions } from './deid-detect.js';

interface OutLine {
  id: string | null;
  spans: Array<{ start: number; end: number; type: string }>;
  error?: string;
}

/** Runs the command on the raw bytes or strings given, as a stream of those chunks. */
async function runOn(
  chunks: Iterable<string | Buffer> | AsyncIterable<string | Buffer>,
  options?: DeidDetectOptions,
): Promise<{ code: number; out: OutLine[]; err: string }> {
  const output = new PassThrough();
  const errors = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  output.on('data', (c: Buffer) => outChunks.push(c));
  errors.on('data', (c: Buffer) => errChunks.push(c));
  const code = await deidDetect(Readable.from(chunks), output, errors, options);
  const text = Buffer.concat(outChunks).toString('utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  const out =
    text === ''
      ? []
      : text
          .slice(0, -1)
          .split('\n')
          .map((l) => JSON.parse(l) as OutLine);
  return { code, out, err: Buffer.concat(errChunks).toString('utf8') };
}

const run = (lines: string[], options?: DeidDetectOptions): ReturnType<typeof runOn> =>
  runOn(
    lines.map((l) => `${l}\n`),
    options,
  );

const note = (id: string, text: string): string => JSON.stringify({ id, text });
const shown = (text: string, line: OutLine | undefined): Array<[string, string]> =>
  (line?.spans ?? []).map((s) => [text.slice(s.start, s.end), s.type]);

/** A garbage collector for the memory test (vitest does not start Node with --expose-gc). */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('carerelay deid detect', () => {
  it('writes one {id, spans} line per input line, with JavaScript string offsets', async () => {
    const text = 'Pt seen 3/14/2026, call 503-555-0199.';
    const { code, out } = await run([note('a', text)]);
    expect(code).toBe(0);
    expect(out[0]?.id).toBe('a');
    expect(shown(text, out[0])).toEqual([
      ['3/14/2026', 'DATE'],
      ['503-555-0199', 'PHONE'],
    ]);
    expect(Object.keys(out[0] ?? {}).sort()).toEqual(['id', 'spans']);
    expect(Object.keys(out[0]?.spans[0] ?? {}).sort()).toEqual(['end', 'start', 'type']);
  });

  it('keeps outputs aligned with inputs when a line is malformed, and exits 1', async () => {
    const { code, out, err } = await run([
      note('x', 'no phi here'),
      '{not json',
      '{"id":"z","text":42}',
      'null',
      '{"id":7,"text":"call 503-555-0199"}',
    ]);
    expect(code).toBe(1);
    expect(out).toEqual([
      { id: 'x', spans: [] },
      { id: null, spans: [], error: 'INVALID_JSON: line is not valid JSON' },
      { id: 'z', spans: [], error: 'INVALID_INPUT: "text" must be a string' },
      { id: null, spans: [], error: 'INVALID_INPUT: line must be a JSON object {"id","text"}' },
      { id: null, spans: [], error: 'INVALID_INPUT: "id" must be a string' },
    ]);
    expect(err.split('\n').filter(Boolean)).toEqual([
      'line 2: INVALID_JSON: line is not valid JSON',
      'line 3: INVALID_INPUT: "text" must be a string',
      'line 4: INVALID_INPUT: line must be a JSON object {"id","text"}',
      'line 5: INVALID_INPUT: "id" must be a string',
    ]);
  });

  it('never repeats the text of a line it cannot parse in its error', async () => {
    const { out, err } = await run(['{"id":"p","text":"Jane Okafor, 503-555-0199"']);
    expect(out[0]?.error).toBe('INVALID_JSON: line is not valid JSON');
    expect(err).not.toContain('Okafor');
  });

  it('answers an empty or blank line with its own EMPTY_LINE line, and exits 1', async () => {
    const { code, out } = await run([note('a', 'no phi'), '', '   \t', note('b', 'call 503-555-0199')]);
    expect(code).toBe(1);
    expect(out.map((l) => [l.id, l.error])).toEqual([
      ['a', undefined],
      [null, 'EMPTY_LINE: expected one {"id","text"} object per line'],
      [null, 'EMPTY_LINE: expected one {"id","text"} object per line'],
      ['b', undefined],
    ]);
    expect(out[3]?.spans).toHaveLength(1);
  });

  it('reads a last line without a newline, CRLF line ends, and no input at all', async () => {
    const crlf = await runOn([`${note('a', 'call 503-555-0199')}\r\n${note('b', 'no phi')}`]);
    expect(crlf.code).toBe(0);
    expect(crlf.out.map((l) => [l.id, l.spans.length])).toEqual([
      ['a', 1],
      ['b', 0],
    ]);
    expect(await runOn([])).toEqual({ code: 0, out: [], err: '' });
  });

  it('counts offsets in UTF-16 code units, as JavaScript strings do', async () => {
    const text = '😀 Seen by Dr. Okafor on 7/22.';
    const { out } = await run([note('u', text)]);
    expect(shown(text, out[0])).toContainEqual(['7/22', 'DATE']);
  });

  it('runs detection on text with lone surrogates, counting each as one code unit', async () => {
    const text = '\ud800 call 503-555-0199 \udfff email jo@example.org \ud83d';
    const line = note('s', text);
    expect(line).toContain('\\ud800'); // escaped in the JSON, as JSON.stringify writes it
    const { code, out } = await run([line]);
    expect(code).toBe(0);
    expect(shown(text, out[0])).toEqual([
      ['503-555-0199', 'PHONE'],
      ['jo@example.org', 'EMAIL'],
    ]);
  });

  it('refuses bytes that are not UTF-8 (binary, CESU-8 surrogates) and NUL bytes, line by line', async () => {
    let seed = 7;
    const noise = Buffer.alloc(4096, 0).map(() => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const byte = seed >>> 24;
      return byte === 0x0a ? 0 : byte;
    });
    const { code, out, err } = await runOn([
      Buffer.concat([noise, Buffer.from('\n')]),
      Buffer.from('\0\0\0\0\n'),
      Buffer.concat([
        Buffer.from('{"id":"c","text":"'),
        Buffer.from([0xed, 0xa0, 0x80]),
        Buffer.from('"}\n'),
      ]),
      Buffer.from('{"id":"n","text":"a\0b"}\n'),
      `${note('ok', 'call 503-555-0199')}\n`,
    ]);
    expect(code).toBe(1);
    expect(out.map((l) => [l.id, l.error])).toEqual([
      [null, 'INVALID_UTF8: line is not valid UTF-8'],
      [null, 'INVALID_JSON: line is not valid JSON'],
      [null, 'INVALID_UTF8: line is not valid UTF-8'],
      [null, 'INVALID_JSON: line is not valid JSON'],
      ['ok', undefined],
    ]);
    expect(out[4]?.spans).toHaveLength(1);
    expect(err).toContain('line 1: INVALID_UTF8');
  });

  it('refuses a 10 MB line with LINE_TOO_LONG, keeping its id, and goes on with the next line', async () => {
    const big = note('big', `call 503-555-0199 ${'x'.repeat(10_000_000)}`);
    const { code, out, err } = await run([note('a', 'no phi'), big, note('b', 'call 503-555-0199')]);
    expect(code).toBe(1);
    expect(out).toHaveLength(3);
    expect(out[1]).toEqual({
      id: 'big',
      spans: [],
      error: `LINE_TOO_LONG: line is ${big.length} bytes; the limit is ${MAX_LINE_BYTES}`,
    });
    expect(out[2]?.spans).toHaveLength(1);
    expect(err).toContain('line 2: LINE_TOO_LONG');
  });

  it('accepts a line of exactly maxLineBytes (CR not counted) and refuses one byte more', async () => {
    const at = note('a', 'call 503-555-0199');
    const over = note('b', 'call 503-555-01999');
    const { out } = await runOn([`${at}\r\n${at}\n${over}\n`], { maxLineBytes: at.length });
    expect(out.map((l) => l.error ?? l.spans.length)).toEqual([
      1,
      1,
      `LINE_TOO_LONG: line is ${over.length} bytes; the limit is ${at.length}`,
    ]);
  });

  it('holds no more than the limit of a line however long it is (64 MB streamed)', async () => {
    const gc = collector();
    const chunk = 64 * 1024;
    let heldAtEnd = Number.POSITIVE_INFINITY;
    const open = '{"id":"endless","text":"';
    const close = '"}';
    async function* endlessLine(): AsyncGenerator<Buffer> {
      yield Buffer.from(open);
      for (let i = 0; i < 1024; i++) yield Buffer.alloc(chunk, 0x61); // fresh buffers, 64 MB
      gc();
      const { arrayBuffers, heapUsed } = process.memoryUsage();
      heldAtEnd = arrayBuffers + heapUsed;
      yield Buffer.from(`${close}\n`);
    }
    gc();
    const before = process.memoryUsage();
    const { out } = await runOn(endlessLine());
    const bytes = open.length + 1024 * chunk + close.length;
    expect(out).toEqual([
      {
        id: 'endless',
        spans: [],
        error: `LINE_TOO_LONG: line is ${bytes} bytes; the limit is ${MAX_LINE_BYTES}`,
      },
    ]);
    expect(heldAtEnd - before.arrayBuffers - before.heapUsed).toBeLessThan(MAX_LINE_BYTES * 8);
  });
});
