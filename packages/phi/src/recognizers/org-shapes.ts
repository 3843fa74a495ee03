import type { Lexicon } from '../lexicon/load.js';
import { triggerBit } from '../lexicon/triggers.js';
import { MEDICATIONS } from '../lexicon/vocabulary.js';
import { capitalRunAfter, gapIs, isCapitalised, spaceBetween } from '../text/runs.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';

// Organisation shapes without a suffix word: saints' names of hospitals ("St. Elizabeth's"),
// firms named after partners ("Marshall, Hernandez and Simpson"), and national chains that
// patients name in messages ("the Walgreens on Route 9").

/** Pharmacy, grocery and retail chains: named without any suffix, and identifying with a street. */
const CHAINS = new Set([
  'cvs',
  'walgreens',
  'rite aid',
  'duane reade',
  'walmart',
  'costco',
  'kroger',
  'safeway',
  'publix',
  'meijer',
  'wegmans',
  'heb',
  'albertsons',
  'walgreen',
  'osco',
  'hannaford',
  'shaws',
  'stop & shop',
  'market basket',
  'big y',
  'aldi',
  'trader joes',
  'whole foods',
  'home depot',
  'lowes',
  'starbucks',
  'dunkin',
  'mcdonalds',
  'wendys',
  'dollar general',
  'dollar tree',
  'family dollar',
  'petsmart',
  'fedex',
  'kaiser',
  'kaiser permanente',
  'minuteclinic',
  'planned parenthood',
]);
const CHAIN_SECOND = new Set([...CHAINS].map((c) => c.split(' ').slice(-1)[0] as string));
const CHAIN_FIRST = new Set([...CHAINS].map((c) => c.split(' ')[0] as string));
const CHAIN_BIT = triggerBit(CHAIN_FIRST);
const SAINT_BIT = triggerBit(new Set(['st', 'saint']));
const JOIN_BIT = triggerBit(new Set(['and', '&']));

function push(out: Span[], start: number, end: number, confidence: number, source: string): void {
  if (end > start) out.push({ start, end, type: 'ORGANIZATION', confidence, source });
}

/** "Association of Cape Cod", "Hospital of the University": the "of" phrase after an organisation's suffix. */
export function ofTail(text: string, tokens: readonly Token[], i: number): number {
  const t = tokens[i] as Token;
  const of = tokens[i + 1];
  let k = i + 2;
  if (!of || of.key !== 'of' || !spaceBetween(text, t, of)) return t.end;
  if (tokens[k]?.key === 'the' && tokens[k]?.shape === 'lower') k++;
  const first = tokens[k];
  if (!first || first.shape !== 'cap' || !spaceBetween(text, tokens[k - 1] as Token, first)) return t.end;
  return (tokens[capitalRunAfter(text, tokens, k, 2)] as Token).end;
}

/** The trigger bits of the shapes below: organizations.ts calls orgShapeAt() at tokens carrying one. */
export const SHAPE_BITS = CHAIN_BIT | SAINT_BIT | JOIN_BIT;

export function orgShapeAt(
  text: string,
  tokens: readonly Token[],
  i: number,
  bits: number,
  lex: Lexicon,
  out: Span[],
): void {
  const t = tokens[i] as Token;
  if (bits & SAINT_BIT) saint(text, tokens, i, lex, out);
  if (bits & CHAIN_BIT && t.shape !== 'lower') chain(text, tokens, i, out);
  if (bits & JOIN_BIT) firm(text, tokens, i, lex, out);
}

/** "St. Elizabeth's", "Saint Vincent's": a saint's name in the possessive is a hospital, church or school. */
/**
 * "St. Elizabeth's", "ST JOSEPHS", "st. mary": a saint's name is a hospital, church or school, in
 * any case. Not "ST elevation" or "ST DEPRESSION": the word after must be a first name.
 */
function saint(text: string, tokens: readonly Token[], i: number, lex: Lexicon, out: Span[]): void {
  const t = tokens[i] as Token;
  const n = tokens[i + 1];
  if (!n || n.shape === 'digit') return;
  if (!(gapIs(text, t, n, '. ') || gapIs(text, t, n, ' ') || gapIs(text, t, n, '.'))) return;
  const stem = n.key.endsWith('s') ? n.key.slice(0, -1) : n.key;
  const firstName = (k: string) => (lex.firstNames.get(k) ?? 0) >= 1_000;
  const named = (n.shape === 'cap' && n.possessive) || firstName(n.key) || firstName(stem);
  // A first name even when a word list has it ("VINCENTS": Vincent's angina); not "ST elevation".
  if (!named) return;
  push(out, t.start, n.end + (n.possessive ? 2 : 0), 0.7, 'org:saint');
}

function chain(text: string, tokens: readonly Token[], i: number, out: Span[]): void {
  const t = tokens[i] as Token;
  const key = t.key;
  let end = i;
  if (!CHAINS.has(key)) {
    const n = tokens[i + 1];
    const n2 = tokens[i + 2];
    if (n && isCapitalised(n) && CHAIN_SECOND.has(n.key) && CHAINS.has(`${key} ${n.key}`)) {
      end = i + 1;
    } else if (
      n &&
      n2 &&
      CHAIN_SECOND.has(n2.key) &&
      text.slice(t.end, n2.start) === ' & ' &&
      CHAINS.has(`${key} & ${n2.key}`)
    ) {
      end = i + 2;
    } else return;
  }
  // "CVS: RRR, S1S2" is the cardiovascular section of a note, not the pharmacy.
  if (text.charCodeAt((tokens[end] as Token).end) === 58) return;
  push(out, t.start, (tokens[end] as Token).end, 0.6, 'org:chain');
}

/**
 * "Marshall, Hernandez and Simpson": three capitalised surnames listed with a comma and "and"
 * (law firms, practices). Each must be a census surname and not a drug or common word.
 */
function firm(text: string, tokens: readonly Token[], i: number, lex: Lexicon, out: Span[]): void {
  const c = tokens[i + 1];
  const b = tokens[i - 1];
  const a = tokens[i - 2];
  if (
    !a ||
    !b ||
    !c ||
    !gapIs(text, a, b, ', ') ||
    !(gapIs(text, b, tokens[i] as Token, ' ') || gapIs(text, b, tokens[i] as Token, ', '))
  )
    return;
  if (!spaceBetween(text, tokens[i] as Token, c)) return;
  const before = tokens[i - 3];
  // A longer list ("Ana, Maria, Jose and Luis") is people, not a firm.
  if (before && gapIs(text, before, a, ', ')) return;
  const surname = (x: Token) => {
    const info = x.info;
    if (!info || !isCapitalised(x) || x.caseless || MEDICATIONS.has(x.key)) return false;
    const rank = lex.surnames.get(x.key) ?? 0;
    return (
      rank > 0 &&
      rank <= 30_000 &&
      info.cls !== 'word' &&
      !(info.cls === 'ambiguous' && info.wordRank <= 3_000)
    );
  };
  if (!surname(a) || !surname(b) || !surname(c)) return;
  // "Ana, Maria and Jose" are people: at most one of the three may be a common first name.
  if ([a, b, c].filter((x) => (x.info?.first ?? 0) >= 20_000).length > 1) return;
  push(out, a.start, c.end, 0.6, 'org:firm');
}
