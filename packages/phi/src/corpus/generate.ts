import type { KnownIdentifiers } from '../types.js';
import { DOCUMENTS } from './documents.js';
import type { DocKind } from './documents.js';
import { compile } from './markup.js';
import type { GoldSpan } from './markup.js';
import { knownOf, makePersona } from './persona.js';
import { createRng } from './rng.js';

export interface CorpusDocument {
  id: string;
  kind: DocKind;
  text: string;
  spans: GoldSpan[];
  /** The task's structured fields for this document; absent for PHI-free texts. */
  known?: KnownIdentifiers;
}

const MIX: ReadonlyArray<readonly [DocKind, number]> = [
  ['soap', 0.15],
  ['dap', 0.1],
  ['birp', 0.1],
  ['intake', 0.1],
  ['message', 0.14],
  ['phone-log', 0.08],
  ['discharge', 0.06],
  ['nursing', 0.08],
  ['query', 0.07],
  ['phi-free', 0.12],
];

function kindFor(u: number): DocKind {
  let acc = 0;
  for (const [kind, share] of MIX) {
    acc += share;
    if (u < acc) return kind;
  }
  return 'soap';
}

/**
 * A synthetic behavioural-health corpus with exact gold spans. Deterministic: the same
 * `count` and `seed` give the same documents.
 */
export function generateCorpus(count = 600, seed = 20240722): CorpusDocument[] {
  const rng = createRng(seed);
  const docs: CorpusDocument[] = [];
  for (let i = 0; i < count; i++) {
    const kind = kindFor(rng.next());
    const persona = makePersona(rng);
    const { text, spans } = compile(DOCUMENTS[kind](rng, persona));
    const doc: CorpusDocument = { id: `bh-${String(i).padStart(4, '0')}`, kind, text, spans };
    if (kind !== 'phi-free' && kind !== 'query') doc.known = knownOf(persona);
    docs.push(doc);
  }
  return docs;
}
