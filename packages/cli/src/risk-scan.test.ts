import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { riskScan, type RiskScanOptions } from './risk-scan.js';

/** Runs the command on the lines given; returns the exit code, the raw output and stderr. */
async function run(
  lines: Array<string | Buffer>,
  options?: RiskScanOptions,
): Promise<{ code: number; out: string; err: string }> {
  const output = new PassThrough();
  const errors = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  output.on('data', (c: Buffer) => outChunks.push(c));
  errors.on('data', (c: Buffer) => errChunks.push(c));
  const input = Readable.from(lines.map((l) => (typeof l === 'string' ? Buffer.from(`${l}\n`) : l)));
  const code = await riskScan(input, output, errors, options);
  return { code, out: Buffer.concat(outChunks).toString('utf8'), err: Buffer.concat(errChunks).toString('utf8') };
}

describe('carerelay risk scan', () => {
  it('writes exactly {"id","level","signals"} per line, with string offsets', async () => {
    const { code, out, err } = await run([
      JSON.stringify({ id: 'n1', text: 'Denies SI.' }),
      JSON.stringify({ id: 'n2', text: 'Pt endorses SI with plan.' }),
    ]);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out).toBe(
      '{"id":"n1","level":"NONE","signals":[]}\n' +
        '{"id":"n2","level":"HIGH","signals":[{"start":12,"end":14,"kind":"suicidal_ideation"},{"start":20,"end":24,"kind":"plan"}]}\n',
    );
  });

  it('a malformed line gets an output line with an error, and the exit code is 1 at the end', async () => {
    const { code, out, err } = await run([
      '{"id":"a","text":"i want to die"}',
      'not json',
      '{"id":"c"}',
      '{"id":"d","text":"no SI"}',
    ]);
    expect(code).toBe(1);
    const lines = out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toEqual([
      { id: 'a', level: 'LOW', signals: [{ start: 2, end: 13, kind: 'passive_death_wish' }] },
      { id: null, level: 'NONE', signals: [], error: 'INVALID_JSON: line is not valid JSON' },
      { id: 'c', level: 'NONE', signals: [], error: 'INVALID_INPUT: "text" must be a string' },
      { id: 'd', level: 'NONE', signals: [] },
    ]);
    expect(err).toBe('line 2: INVALID_JSON: line is not valid JSON\nline 3: INVALID_INPUT: "text" must be a string\n');
  });

  it('refuses a line over the byte limit by its id, without reading it whole', async () => {
    const { code, out } = await run([`{"id":"big","text":"${'a'.repeat(100)}"}`], { maxLineBytes: 50 });
    expect(code).toBe(1);
    expect(JSON.parse(out) as unknown).toEqual({
      id: 'big',
      level: 'NONE',
      signals: [],
      error: 'LINE_TOO_LONG: line is 122 bytes; the limit is 50',
    });
  });

  it('keeps lines split across chunks and CRLF endings', async () => {
    const { code, out } = await run([Buffer.from('{"id":"x","text":"SI: yes"}\r\n{"id":"y",'), Buffer.from('"text":"ok"}')]);
    expect(code).toBe(0);
    expect(out).toBe(
      '{"id":"x","level":"MODERATE","signals":[{"start":0,"end":2,"kind":"suicidal_ideation"}]}\n' +
        '{"id":"y","level":"NONE","signals":[]}\n',
    );
  });
});
