// The notes the de-identification benchmark runs on: generated and general-text documents
// joined whole into ~2 KB notes, gold spans shifted with them so they stay exact; real ICU
// nursing notes each as written.
import { existsSync, readFileSync } from 'node:fs';
import { generateCorpus, type GoldDocument, type KnownIdentifiers } from '@carerelay/phi';

/** What a detector process gets: the text and, where the corpus has them, the task's fields. */
export interface BenchNote {
  id: string;
  text: string;
  known?: KnownIdentifiers;
}

export interface BenchCorpus {
  name: string;
  description: string;
  notes: BenchNote[];
  gold: GoldDocument[];
  /** UTF-8 bytes over all notes. */
  bytes: number;
}

interface SourceDocument {
  id: string;
  text: string;
  spans: GoldDocument['spans'];
  known?: KnownIdentifiers;
}

const SEPARATOR = '\n\n';
export const NOTE_BYTES = 2048;

/**
 * Joins consecutive documents, whole, while that brings the note closer to `targetBytes`.
 * A note is one task, so it carries one set of known identifiers: those of its first
 * document that has any. Only that document's spans keep their `known` mark; the other
 * documents' identifiers are ordinary PHI for this note (people not on this client's file).
 */
function joinIntoNotes(
  docs: readonly SourceDocument[],
  prefix: string,
  targetBytes = NOTE_BYTES,
): { notes: BenchNote[]; gold: GoldDocument[] } {
  const notes: BenchNote[] = [];
  const gold: GoldDocument[] = [];
  let parts: SourceDocument[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (parts.length === 0) return;
    const id = `${prefix}-${String(notes.length).padStart(4, '0')}`;
    const owner = parts.find((p) => p.known);
    let text = '';
    const spans: Array<GoldDocument['spans'][number]> = [];
    for (const p of parts) {
      if (text) text += SEPARATOR;
      for (const s of p.spans) {
        const span = { start: s.start + text.length, end: s.end + text.length, type: s.type };
        spans.push(s.known && p === owner ? { ...span, known: true } : span);
      }
      text += p.text;
    }
    notes.push(owner?.known ? { id, text, known: owner.known } : { id, text });
    gold.push({ id, text, spans });
    parts = [];
    bytes = 0;
  };
  for (const doc of docs) {
    const size = Buffer.byteLength(doc.text);
    const joined = bytes + SEPARATOR.length + size;
    if (parts.length > 0 && Math.abs(joined - targetBytes) > Math.abs(bytes - targetBytes)) flush();
    bytes += (parts.length > 0 ? SEPARATOR.length : 0) + size;
    parts.push(doc);
  }
  flush();
  return { notes, gold };
}

function corpusOf(name: string, description: string, notes: BenchNote[], gold: GoldDocument[]): BenchCorpus {
  const bytes = notes.reduce((n, note) => n + Buffer.byteLength(note.text), 0);
  return { name, description, notes, gold, bytes };
}

function readJsonl(path: string): SourceDocument[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as SourceDocument);
}

/** The project's synthetic behavioural-health corpus (the `corpus:deid` defaults). */
export function behavioralHealthCorpus(count: number, seed: number): BenchCorpus {
  const docs = generateCorpus(count, seed);
  const { notes, gold } = joinIntoNotes(docs, 'bh');
  return corpusOf('bh', `generateCorpus(${count}, ${seed}): ${docs.length} documents`, notes, gold);
}

/** General-purpose text (presidio-research synthetic sentences), when the file is present. */
export function presidioCorpus(path: string): BenchCorpus | undefined {
  if (!existsSync(path)) return undefined;
  const docs = readJsonl(path);
  const { notes, gold } = joinIntoNotes(docs, 'presidio');
  return corpusOf('presidio', `${path}: ${docs.length} sentences`, notes, gold);
}

/**
 * Real ICU nursing notes with surrogate PHI (the PhysioNet deid development half), when the
 * file is present. Each note is timed whole, as written (median ~0.7 KB, longest ~3 KB), not
 * joined: they are real notes, so the latency per note is a real one. Their bare years
 * (DATE_YEAR) stay in the gold: evaluate() leaves them out of the scores, as in eval:deid.
 */
export function physionetCorpus(path: string): BenchCorpus | undefined {
  if (!existsSync(path)) return undefined;
  const docs = readJsonl(path);
  const notes = docs.map(({ id, text }) => ({ id, text }));
  const gold = docs.map(({ id, text, spans }) => ({ id, text, spans }));
  return corpusOf('physionet', `${path}: ${docs.length} ICU nursing notes, each whole`, notes, gold);
}
