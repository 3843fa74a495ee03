import { once } from 'node:events';
import { PassThrough, Readable, Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { codeSuggest } from './code-suggest.js';

/** Runs the command on the given text, as one stream of chunks; returns exit code, output lines, stderr. */
async function run(chunks: string[]): Promise<{ code: number; lines: string[]; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  const outChunks: Buffer[] = [];
  const errChunks: Buffer[] = [];
  out.on('data', (c: Buffer) => outChunks.push(c));
  err.on('data', (c: Buffer) => errChunks.push(c));
  const code = await codeSuggest(Readable.from(chunks), out, err);
  const text = Buffer.concat(outChunks).toString('utf8');
  expect(text === '' || text.endsWith('\n')).toBe(true);
  return {
    code,
    lines: text === '' ? [] : text.slice(0, -1).split('\n'),
    err: Buffer.concat(errChunks).toString('utf8'),
  };
}

const jsonl = (...docs: unknown[]): string[] =>
  docs.map((d) => `${typeof d === 'string' ? d : JSON.stringify(d)}\n`);

const encounter = {
  service: 'psychotherapy',
  psychotherapyMinutes: 45,
  emVisit: false,
  interactiveComplexity: false,
  medicalServices: false,
  start: '2026-01-05T09:00:00Z',
  end: '2026-01-05T09:45:00Z',
};

describe('carerelay code suggest', () => {
  it('writes exactly id, cpt, icd10, labels, warnings in that order, and exits 0', async () => {
    const { code, lines, err } = await run(jsonl({ id: 'enc-1', encounter, diagnoses: ['f32.1', 'F10.21'] }));
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(lines).toEqual([
      '{"id":"enc-1","cpt":["90834"],"icd10":["F32.1","F10.21"],"labels":["42CFRPart2"],"warnings":[]}',
    ]);
  });

  it('writes add-on codes without the plus sign and warnings as {code, message}', async () => {
    const { lines } = await run(
      jsonl({
        id: 'enc-2',
        encounter: {
          ...encounter,
          psychotherapyMinutes: 40,
          emVisit: true,
          interactiveComplexity: true,
          start: undefined,
          end: undefined,
        },
        diagnoses: ['F41.1'],
      }),
    );
    const doc = JSON.parse(lines[0]!) as {
      cpt: string[];
      warnings: Array<{ code: string; message: string }>;
    };
    expect(Object.keys(doc)).toEqual(['id', 'cpt', 'icd10', 'labels', 'warnings']);
    expect(doc.cpt).toEqual(['90836', '90785']);
    expect(doc.warnings.map((w) => w.code)).toEqual(['EM_CODE_NOT_SUGGESTED', 'MISSING_START_STOP']);
    expect(Object.keys(doc.warnings[0]!)).toEqual(['code', 'message']);
  });

  it('answers a crisis session with its 90840 units and reads the note', async () => {
    const { lines } = await run(
      jsonl({
        id: 'c',
        encounter: {
          ...encounter,
          service: 'crisis',
          psychotherapyMinutes: 105,
          start: '2026-01-05T09:00:00Z',
          end: '2026-01-05T10:45:00Z',
        },
        diagnoses: ['F43.10'],
        note: 'Risk assessed, MSE done.',
      }),
    );
    expect(JSON.parse(lines[0]!)).toEqual({
      id: 'c',
      cpt: ['90839', '90840', '90840'],
      icd10: ['F43.10'],
      labels: [],
      warnings: [
        {
          code: 'CRISIS_DOCUMENTATION_INCOMPLETE',
          message: 'crisis psychotherapy note does not document: safety plan',
        },
      ],
    });
  });

  it('skips blank lines and accepts CRLF', async () => {
    const { code, lines } = await run([
      '\n',
      `${JSON.stringify({ id: 'a', encounter, diagnoses: ['F32.1'] })}\r\n`,
      '   \n\n',
      JSON.stringify({ id: 'b', encounter: { ...encounter, service: 'group' }, diagnoses: ['F32.1'] }),
    ]);
    expect(code).toBe(0);
    expect(lines.map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['a', 'b']);
  });

  it('joins a line split across chunks', async () => {
    const line = JSON.stringify({ id: 'split', encounter, diagnoses: ['F32.1'] });
    const { lines } = await run([line.slice(0, 20), line.slice(20), '\n']);
    expect((JSON.parse(lines[0]!) as { cpt: string[] }).cpt).toEqual(['90834']);
  });

  it.each([
    ['not JSON', '{"id": "x", ', null, 'INVALID_JSON: line is not valid JSON'],
    ['an array', [1, 2], null, 'INVALID_INPUT: line must be a JSON object {"id","encounter","diagnoses"}'],
    ['no id', { encounter, diagnoses: [] }, null, 'INVALID_INPUT: "id" must be a string'],
    ['a numeric id', { id: 7, encounter, diagnoses: [] }, null, 'INVALID_INPUT: "id" must be a string'],
    ['no encounter', { id: 'e1', diagnoses: [] }, 'e1', 'INVALID_INPUT: "encounter" must be an object'],
    [
      'a wrong service',
      { id: 'e2', encounter: { ...encounter, service: 'massage' }, diagnoses: [] },
      'e2',
      'INVALID_INPUT: "encounter.service" must be one of psychotherapy, diagnostic_evaluation, family_with_client, family_without_client, group, crisis',
    ],
    [
      'minutes as a string',
      { id: 'e3', encounter: { ...encounter, psychotherapyMinutes: '45' }, diagnoses: [] },
      'e3',
      'INVALID_INPUT: "encounter.psychotherapyMinutes" must be a number ≥ 0',
    ],
    [
      'negative minutes',
      { id: 'e4', encounter: { ...encounter, psychotherapyMinutes: -1 }, diagnoses: [] },
      'e4',
      'INVALID_INPUT: "encounter.psychotherapyMinutes" must be a number ≥ 0',
    ],
    [
      'a missing boolean',
      { id: 'e5', encounter: { ...encounter, emVisit: undefined }, diagnoses: [] },
      'e5',
      'INVALID_INPUT: "encounter.emVisit" must be a boolean',
    ],
    [
      'a numeric start',
      { id: 'e6', encounter: { ...encounter, start: 900 }, diagnoses: [] },
      'e6',
      'INVALID_INPUT: "encounter.start" must be a string when given',
    ],
    [
      'diagnoses not an array',
      { id: 'e7', encounter, diagnoses: 'F32.1' },
      'e7',
      'INVALID_INPUT: "diagnoses" must be an array of strings',
    ],
    [
      'a numeric diagnosis',
      { id: 'e8', encounter, diagnoses: [32.1] },
      'e8',
      'INVALID_INPUT: "diagnoses" must be an array of strings',
    ],
    [
      'a numeric note',
      { id: 'e9', encounter, diagnoses: [], note: 5 },
      'e9',
      'INVALID_INPUT: "note" must be a string when given',
    ],
  ])('a line with %s gets {"id", "error"} and exit 1', async (_what, doc, id, error) => {
    const { code, lines, err } = await run(jsonl(doc));
    expect(code).toBe(1);
    expect(lines).toEqual([JSON.stringify({ id, error })]);
    expect(err).toBe(`line 1: ${error}\n`);
  });

  it('goes on after a malformed line and still exits 1', async () => {
    const { code, lines, err } = await run(
      jsonl({ id: 'ok-1', encounter, diagnoses: ['F32.1'] }, 'not json', {
        id: 'ok-2',
        encounter,
        diagnoses: ['F32.1'],
      }),
    );
    expect(code).toBe(1);
    expect(lines.map((l) => Object.keys(JSON.parse(l) as object))).toEqual([
      ['id', 'cpt', 'icd10', 'labels', 'warnings'],
      ['id', 'error'],
      ['id', 'cpt', 'icd10', 'labels', 'warnings'],
    ]);
    expect(err).toBe('line 2: INVALID_JSON: line is not valid JSON\n');
  });

  it('never echoes the note in an error', async () => {
    const { lines } = await run(jsonl(`{"id":"n","note":"SECRET-NOTE-TEXT", "encounter": `));
    expect(lines[0]).not.toContain('SECRET');
  });

  it('treats a null start/end/note as not given', async () => {
    const { code, lines } = await run(
      jsonl({
        id: 'z',
        encounter: { ...encounter, start: null, end: null },
        diagnoses: ['F32.1'],
        note: null,
      }),
    );
    expect(code).toBe(0);
    expect(
      (JSON.parse(lines[0]!) as { warnings: Array<{ code: string }> }).warnings.map((w) => w.code),
    ).toEqual(['MISSING_START_STOP']);
  });

  it('waits for a slow reader (backpressure) and loses no line', async () => {
    const n = 2000;
    const docs = Array.from({ length: n }, (_, i) => ({ id: `id-${i}`, encounter, diagnoses: ['F32.1'] }));
    let received = '';
    let maxBuffered = 0;
    const out = new Writable({
      highWaterMark: 256,
      write(chunk: Buffer, _enc, done) {
        // What is still queued behind this chunk: bounded only if the writer waits for 'drain'.
        maxBuffered = Math.max(maxBuffered, out.writableLength);
        received += chunk.toString('utf8');
        setImmediate(done);
      },
    });
    const err = new PassThrough();
    const input = Readable.from(jsonl(...docs));
    const code = await codeSuggest(input, out, err);
    out.end();
    await once(out, 'finish');
    expect(code).toBe(0);
    const ids = received
      .trimEnd()
      .split('\n')
      .map((l) => (JSON.parse(l) as { id: string }).id);
    expect(ids).toEqual(docs.map((d) => d.id));
    // Without waiting for 'drain', all 2000 lines (~180 KB) would sit in the writable buffer.
    expect(maxBuffered).toBeLessThan(4096);
  });
});
