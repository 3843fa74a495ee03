import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { deidDetect } from './deid-detect.js';

async function run(lines: string[]): Promise<{ code: number; out: unknown[]; err: string }> {
  const output = new PassThrough();
  const errors = new PassThrough();
  const chunks: string[] = [];
  const errChunks: string[] = [];
  output.on('data', (c: Buffer) => chunks.push(c.toString()));
  errors.on('data', (c: Buffer) => errChunks.push(c.toString()));
  const code = await deidDetect(Readable.from(lines.map((l) => `${l}\n`)), output, errors);
  return {
    code,
    out: chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as unknown),
    err: errChunks.join(''),
  };
}

describe('carerelay deid detect', () => {
  it('writes one {id, spans} line per input line, with JavaScript string offsets', async () => {
    const text = 'Pt seen 3/14/2026, call 503-555-0199.';
    const { code, out } = await run([JSON.stringify({ id: 'a', text })]);
    expect(code).toBe(0);
    const [first] = out as Array<{ id: string; spans: Array<{ start: number; end: number; type: string }> }>;
    expect(first?.id).toBe('a');
    const shown = first?.spans.map((s) => [text.slice(s.start, s.end), s.type]);
    expect(shown).toEqual([
      ['3/14/2026', 'DATE'],
      ['503-555-0199', 'PHONE'],
    ]);
    expect(Object.keys(first?.spans[0] ?? {}).sort()).toEqual(['end', 'start', 'type']);
  });

  it('keeps outputs aligned with inputs when a line is malformed, and exits 1', async () => {
    const { code, out, err } = await run([
      '{"id":"x","text":"no phi here"}',
      '{not json',
      '{"id":"z","text":42}',
    ]);
    expect(code).toBe(1);
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ id: 'x', spans: [] });
    expect(out[1]).toMatchObject({ id: null, spans: [] });
    expect(out[2]).toMatchObject({ id: 'z', spans: [], error: '"text" must be a string' });
    expect(err).toContain('line 2');
  });

  it('counts offsets in UTF-16 code units, as JavaScript strings do', async () => {
    const text = '😀 Seen by Dr. Okafor on 7/22.';
    const { out } = await run([JSON.stringify({ id: 'u', text })]);
    const spans = (out[0] as { spans: Array<{ start: number; end: number }> }).spans;
    expect(spans.map((s) => text.slice(s.start, s.end))).toContain('7/22');
  });
});
