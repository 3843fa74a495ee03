import type { Lexicon } from '../lexicon/load.js';
import { hasTrigger, triggerBit } from '../lexicon/triggers.js';
import { gap } from '../text/tokens.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';
import { TITLES } from '../lexicon/vocabulary.js';
import { ROLES } from './name-context.js';
import { isCapital } from './name-score.js';

// Hospitals, rehabs and nursing homes a client moved through: "transferred to GH", "admitted to
// Quartermain 3", "presented to holy cross hospital", "LIVES AT KEELEY HOUSE". Safe Harbor names
// them as geography or organizations; in notes they are written in any case and often as initials.

/** Verbs of moving between care settings; the facility follows a preposition. */
const MOVES = new Set(
  `transferred transfered transfer transfers xfer xferred trans admitted admit adm readmitted sent taken brought
  arrived came presented followed seen screened accepted excepted discharged dc'd d/c'd dcd cd referred returned
  went go going medflight medflighted transported lives living resides residing evaluated tx`.split(/\s+/),
);
const PREPOSITIONS = new Set(['to', 'from', 'at', 'into', 'in', 'by', '@']);
/** Words that finish a facility's name: "Calvert Hospital", "Laurel Regional", "Keeley House". */
const HEADS = new Set(
  `hospital hospitals hosp hosptial hospiatal regional memorial rehab rehabilitation house manor infirmary sanitarium
  hospice clinic villa lodge center centre home`.split(/\s+/),
);
/** Words after an acronym that make it a service, not a place: "seen by GI service". */
const SERVICE_WORDS = new Set([
  'service',
  'services',
  'team',
  'consult',
  'attending',
  'resident',
  'fellow',
  'staff',
]);
/** Heads that are also everyday words ("awaiting rehab", "house staff"): a name before them must look like one. */
const GENERIC_HEADS = new Set([
  'rehab',
  'rehabilitation',
  'house',
  'home',
  'center',
  'centre',
  'clinic',
  'hospice',
]);
/**
 * A site of an organisation: "the Mercy ICU", "the Ford plant", "the amazon warehouse", "the
 * Tulsa facility". Only a name-like word before it counts ("the night shift office" does not).
 */
const SITE_HEADS = new Set(
  `icu micu sicu ccu picu nicu er ed ward clinic facility office plant factory warehouse store branch campus shelter
  dealership mill depot`.split(/\s+/),
);
/** Heads that finish a name only after a kind of care: "Mercy Medical Center", "Keswick Nursing Home". */
const PAIRED_HEADS = new Set(['center', 'centre', 'home']);
const CARE_KINDS = new Set([
  'medical',
  'nursing',
  'health',
  'rehabilitation',
  'rehab',
  'treatment',
  'recovery',
  'cancer',
]);
/**
 * Heads that say what kind of place, not which: left out of the span as the PhysioNet gold
 * standard does ("[CALVERT] HOSPITAL", "[KEELEY] HOUSE"); "Memorial" and "Regional" are kept.
 */
const KIND_WORDS = new Set([
  'hospital',
  'hospitals',
  'hosp',
  'hosptial',
  'hospiatal',
  'infirmary',
  'sanitarium',
  ...GENERIC_HEADS,
  ...CARE_KINDS,
]);
/** Care settings and generic places: "transferred to MICU", "sent to rehab", "taken to the OR". */
const SETTINGS = new Set(
  `icu micu sicu ccu cvicu nicu picu csru ctsu tsicu ed er ew or pacu osh nh snf ltac ltach ecf alf vna ems ir ct mri
  cath lab floor home unit hd hospital hosp rehab room bed chair the a an his her their this that another other outside
  same different nursing pt patient md mds us them him team service er's ed's rn`.split(/\s+/),
);
const MOVE_BIT = triggerBit(MOVES);
/** The most frequent English words ("of", "new", "our", "general" is 700th): never a name part. */
const FUNCTION_WORD_RANK = 300;
const HEAD_BIT = triggerBit(HEADS);
const SITE_BIT = triggerBit(SITE_HEADS);

function push(out: Span[], start: number, end: number, confidence: number, source: string): void {
  if (end > start) out.push({ start, end, type: 'LOCATION', confidence, source });
}

/** A word that can be part of a facility's name (not a setting, not clinical shorthand). */
function nameLike(t: Token, lex: Lexicon): boolean {
  if (t.shape === 'digit' || SETTINGS.has(t.key) || t.key.length < 2) return false;
  const info = t.info;
  if (!info) return false;
  if (info.company) return true;
  // A common word or a clinical term only with a capital that means something ("Holy Cross").
  const common = info.wordRank > 0 && info.wordRank <= 20_000;
  const plain = info.cls === 'word' || info.shorthand || common;
  if (!plain) return true;
  // A surname that is also an eponym or a rare medical word ("KEELEY"), in any case.
  if (!common && info.cls !== 'word' && (info.first > 0 || info.surnameRank > 0)) return true;
  // Capitalised mid-sentence: "Pine Rest", "Holy Cross"; but not jargon that is no everyday word.
  return isCapital(t) && !t.sentenceStart && !t.caseless && !(lex.medical.has(t.key) && info.wordRank === 0);
}

function knownPlaceOrName(t: Token): boolean {
  const info = t.info;
  if (!info || info.shorthand) return false;
  return info.cityPopulation >= 0 || info.cls === 'name' || (info.surnameRank > 0 && info.cls !== 'word');
}

/** Is t an acronym that can stand for a facility ("GH", "GBMC")? */
function acronym(t: Token): boolean {
  return (
    t.text.length >= 2 &&
    t.text.length <= 5 &&
    (t.shape === 'upper' || t.shape === 'lower') &&
    !SETTINGS.has(t.key)
  );
}

export function detectFacilities(text: string, tokens: readonly Token[], lex: Lexicon, out: Span[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (hasTrigger(t, HEAD_BIT)) facilityHead(text, tokens, i, lex, out);
    else if (hasTrigger(t, SITE_BIT) && i > 0) site(text, tokens, i, lex, out);
    if (!hasTrigger(t, MOVE_BIT)) continue;
    let j = i + 1;
    const prep = tokens[j];
    if (!prep || !PREPOSITIONS.has(prep.key) || !sameLine(text, t, prep)) continue;
    j++;
    if (tokens[j]?.key === 'the') j++;
    const first = tokens[j];
    // "seen by Dr. Patel", "seen by Attending Whitaker": a person, left to the name recognizer.
    if (
      !first ||
      !sameLine(text, tokens[j - 1] as Token, first) ||
      TITLES.has(first.key) ||
      ROLES.has(first.key)
    )
      continue;
    // A run of name-like words, then any head word and ward number: "Quartermain 3", "GH".
    let b = j;
    while (
      b < j + 3 &&
      tokens[b] &&
      nameLike(tokens[b] as Token, lex) &&
      (b === j || joined(text, tokens, b))
    )
      b++;
    if (b === j) {
      const next = tokens[j + 1];
      const service = next !== undefined && SERVICE_WORDS.has(next.key);
      // "transferred to GH", "arrived at GBMC"; not "seen by HO" (a person) or "GI service".
      const place = prep.key !== 'by' && prep.key !== 'in';
      if (place && !service && acronym(first) && !lex.words.has(first.key) && !lex.medical.has(first.key))
        b = j + 1;
      else continue;
    }
    let end = (tokens[b - 1] as Token).end;
    const after = tokens[b];
    // Where capitals say nothing, a word after "sent to" is a place only if it reads as a name
    // or has a ward number after it ("quartermain 2"); typos and shorthand ("camode") are not.
    const last = tokens[b - 1] as Token;
    const numbered = after !== undefined && joined(text, tokens, b) && after.shape === 'digit';
    if (!isCapital(first) && !numbered && b === j + 1 && !acronym(first) && !knownPlaceOrName(last)) continue;
    // "cx sent from RLE ulcer": an acronym before a clinical noun is a modifier.
    const afterRank = after?.info?.wordRank ?? 0;
    if (
      after &&
      joined(text, tokens, b) &&
      after.info?.cls === 'word' &&
      lex.medical.has(after.key) &&
      // a clinical noun ("ulcer", "culture"), not an adjective about the patient ("asymptomatic")
      !/(?:ic|al|ous|ive|ed|ly)$/.test(after.key) &&
      !(afterRank > 0 && afterRank <= 2_000)
    )
      continue;
    if (
      after &&
      joined(text, tokens, b) &&
      (after.shape === 'digit' || (hasTrigger(after, HEAD_BIT) && !KIND_WORDS.has(after.key)))
    )
      end = after.end;
    push(out, first.start, end, 0.8, 'location:facility');
  }
}

/** "CALVERT HOSPITAL", "sacred heart memorial", "kernan hosp": the words before a head word. */
function facilityHead(text: string, tokens: readonly Token[], i: number, lex: Lexicon, out: Span[]): void {
  let a = i;
  if (PAIRED_HEADS.has((tokens[i] as Token).key)) {
    if (i < 2 || !CARE_KINDS.has((tokens[i - 1] as Token).key) || !joined(text, tokens, i)) return;
    a = i - 1;
  }
  const named = a;
  while (a > 0 && named - a < 3 && joined(text, tokens, a)) {
    const p = tokens[a - 1] as Token;
    if (hasTrigger(p, HEAD_BIT)) {
      a--;
      continue;
    }
    // Any word but a function word, a setting or a verb of moving: "holy cross", "sacred heart".
    if (p.shape === 'digit' || SETTINGS.has(p.key) || hasTrigger(p, MOVE_BIT) || PREPOSITIONS.has(p.key))
      break;
    const rank = p.info?.wordRank ?? 0;
    if (p.key.length < 2 || (rank > 0 && rank <= FUNCTION_WORD_RANK)) break;
    // "the behavioral health center" is a kind of place; "Mercy Medical Center" is one.
    if ((named < i || GENERIC_HEADS.has((tokens[i] as Token).key)) && !nameLike(p, lex)) break;
    a--;
  }
  if (a === named) return;
  // The name and any head that is part of it ("Sacred Heart Memorial"), not the kind of place.
  let z = i;
  while (z > a && KIND_WORDS.has((tokens[z] as Token).key)) z--;
  push(out, (tokens[a] as Token).start, (tokens[z] as Token).end, 0.75, 'location:facility');
}

function site(text: string, tokens: readonly Token[], i: number, lex: Lexicon, out: Span[]): void {
  let a = i;
  while (a > 0 && i - a < 3 && joined(text, tokens, a) && nameLike(tokens[a - 1] as Token, lex)) a--;
  if (a === i) return;
  push(out, (tokens[a] as Token).start, (tokens[i - 1] as Token).end, 0.7, 'location:site');
}

function joined(text: string, tokens: readonly Token[], k: number): boolean {
  const p = tokens[k - 1] as Token;
  const g = gap(text, p, tokens[k] as Token);
  // "St. Agnes", "Mt. Sinai": a period only after a short abbreviation, never a sentence end.
  return g === ' ' || g === '-' || (g === '. ' && p.text.length <= 3 && p.shape === 'cap');
}

function sameLine(text: string, a: Token, b: Token): boolean {
  const g = gap(text, a, b);
  return g.length <= 3 && !g.includes('\n');
}
