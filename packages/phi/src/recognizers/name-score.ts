// Scores each token as a possible person name (names.ts groups the scored tokens into spans).
import { classifyName } from '../lexicon/classify.js';
import { US_STATES } from '../lexicon/geography.js';
import type { FuzzyIndex, NameInfo } from '../lexicon/classify.js';
import type { Lexicon } from '../lexicon/load.js';
import {
  CREDENTIALS,
  EPONYM_HEADS,
  EPONYMS,
  NAME_LABELS,
  NOT_NAMES,
  RELATIONS,
  REPORTING_VERBS,
  TITLES,
  UNITS_AND_ABBREVIATIONS,
  WORD_DOMINANT,
} from '../lexicon/vocabulary.js';
import { hasTrigger, triggerBit } from '../lexicon/triggers.js';
import { gap } from '../text/tokens.js';
import type { Token } from '../text/tokens.js';
import { spaceBetween as isSpaceGap } from '../text/runs.js';
import { SHORT_TITLES, contextBefore, credentialAfter } from './name-context.js';
import type { NameContext } from './name-context.js';

/** Verbs too common to mark a person on their own ("Hope is important"). */
const WEAK_VERBS = new Set(['is', 'was', 'has', 'had', 'will', 'would', 'did', 'does', 'can', 'could']);
const DETERMINERS = new Set([
  'the',
  'a',
  'an',
  'this',
  'that',
  'these',
  'those',
  'any',
  'no',
  'some',
  'every',
]);
export const MONTHS_AND_DAYS = new Set([
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
]);
export const CONJUNCTIONS = new Set(['and', 'or', '&']);
export const THRESHOLD = 0.5;
export const PROPAGATED: NameInfo = {
  cls: 'name',
  frequent: true,
  first: 0,
  surnameRank: 0,
  wordRank: 0,
  cityPopulation: -1,
  cityPrefix: false,
  triggers: 0,
  shorthand: false,
  company: false,
};

export interface Scored {
  score: number;
  info: NameInfo;
  ctx: NameContext;
}

/**
 * Capitals that say something: an ALL-CAPS word in an ALL-CAPS line ("PT REMAINS INTUBATED WITH
 * NEO") reads as if it were lowercase, so an all-caps note is not an all-names note.
 */
export function isCapital(t: Token): boolean {
  if (t.shape === 'upper') return !t.upperLine;
  return t.shape === 'cap' || t.shape === 'mixed';
}

/** Words that introduce a name are never part of it: "Husband", "Dr", "Patient Name", "LCSW". */
const CONTEXT_BIT = triggerBit(new Set([...TITLES, ...RELATIONS, ...NAME_LABELS, ...CREDENTIALS]));
export const VERB_BIT = triggerBit(REPORTING_VERBS);
export function isContextWord(t: Token): boolean {
  return hasTrigger(t, CONTEXT_BIT);
}

/** A letter standing alone with its period ("D.", "q."), not "2L." or "20'S." nor "I." or "a.". */
export function standaloneInitial(text: string, t: Token): boolean {
  return (
    t.text.length === 1 &&
    t.shape !== 'digit' &&
    t.key !== 'i' &&
    t.key !== 'a' &&
    text[t.end] === '.' &&
    !/[\w'’]/.test(text.charAt(t.start - 1))
  );
}

/** Right after a standalone initial and its period ("D. Phyl"), not "2L. Contd" or "20'S. ASA". */
function afterInitial(text: string, prev: Token | undefined, t: Token): boolean {
  return prev !== undefined && standaloneInitial(text, prev) && /^\. ?$/.test(text.slice(prev.end, t.start));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isInitial(text: string, t: Token): boolean {
  return t.text.length === 1 && t.shape === 'cap' && t.key !== 'i' && text[t.end] !== "'";
}

function isEponymUse(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  if (!EPONYMS.has(t.key)) return false;
  if (t.possessive) return true;
  // "Conners 3", "Burns inventory"; but "Janet Burns" is a person: a first name before it.
  const prev = tokens[i - 1];
  const afterFirstName = prev !== undefined && (prev.info?.first ?? 0) >= 1_000 && isCapital(prev);
  if (t.key.endsWith('s') && !afterFirstName) return true;
  // "Beck Depression Inventory", "Columbia Suicide Severity Rating Scale", "Lewy body"
  for (let j = i + 1; j <= i + 4 && j < tokens.length; j++) {
    const n = tokens[j] as Token;
    if (!/^[\s'’-]*$/.test(gap(text, tokens[j - 1] as Token, n))) break;
    if (EPONYM_HEADS.has(n.key)) return true;
    if (n.shape === 'lower' && j > i + 1) break;
  }
  return false;
}

function strongContextScore(ctx: NameContext, t: Token, info: NameInfo): number {
  const cap = isCapital(t);
  switch (ctx) {
    case 'title':
    case 'named':
      // Lowercase after a title ("dr smith") only for names, not words ("Therapist will").
      return cap ? 0.95 : info.cls === 'name' || info.cls === 'unknown' ? 0.9 : 0;
    case 'label':
    case 'signature':
      return cap ? 0.9 : info.cls === 'name' || info.cls === 'unknown' ? 0.8 : 0;
    case 'relation':
      // "son bill", "husband milovan": lowercase after a relation, a first name even if a word.
      if (!cap && info.cls === 'ambiguous' && info.first >= 2_000 && info.wordRank > 300) return 0.7;
      // "my bf dre": a word in no list after a relation, unless it is an everyday word.
      if (!cap && info.cls === 'unknown' && info.wordRank === 0 && t.key.length >= 3) return 0.6;
      return cap && info.cls !== 'word' ? 0.9 : info.cls === 'name' ? 0.85 : cap ? 0.6 : 0;
    case 'patient':
      return cap && info.cls !== 'word' ? 0.9 : info.cls === 'name' ? 0.85 : cap ? 0.6 : 0;
    case 'credential':
      // "Hypoactive BS" (bowel sounds), "IV RN": a clinical word before a credential is no name.
      if (info.cls === 'word' || (info.shorthand && info.cls === 'unknown')) return 0;
      // "JON DEVAUX RRT" in an all-caps note, but not "HYPOACTIVE BS".
      return cap
        ? 0.9
        : info.cls === 'name' ||
            (info.cls === 'ambiguous' && !(info.wordRank > 0 && info.wordRank <= 2_000)) ||
            (info.cls === 'unknown' && !info.shorthand)
          ? 0.8
          : 0;
    case 'role':
      return cap && info.cls !== 'word' ? 0.9 : info.cls === 'name' ? 0.8 : 0;
    case 'intro':
      if (MONTHS_AND_DAYS.has(t.key)) return 0;
      // "i am marcus", but not "I am belizian", "i'm exhausted": adjective endings are not names.
      return cap && info.cls !== 'word'
        ? 0.85
        : info.cls === 'name'
          ? 0.8
          : info.cls === 'unknown' && t.key.length >= 3 && !ADJECTIVE_ENDING.test(t.key)
            ? 0.55
            : 0;
    case 'none':
      return 0;
  }
}

function baseScore(t: Token, info: NameInfo, fuzzy: boolean): number {
  const capEvidence = isCapital(t) && !t.caseless && !t.sentenceStart;
  const capital = isCapital(t);
  switch (info.cls) {
    case 'name':
      if (capEvidence) return 0.8;
      if (capital) return info.frequent || info.first >= 300 || info.surnameRank > 0 ? 0.7 : 0.45;
      // Lowercase with no context: only frequent names, and not units or abbreviations.
      return info.frequent && t.key.length >= 4 && !UNITS_AND_ABBREVIATIONS.has(t.key) ? 0.6 : 0.3;
    case 'ambiguous':
      if (capEvidence) return 0.45;
      return capital ? 0.2 : 0.05;
    case 'unknown':
      if (t.key.length < 3 || !capital) return fuzzy && capital ? 0.4 : 0;
      if (capEvidence) return fuzzy ? 0.6 : t.shape === 'upper' ? 0.2 : 0.45;
      return fuzzy ? 0.45 : 0.25;
    case 'word':
      return 0;
  }
}

/** Person names: lexicon evidence, capitalisation, and the words around each token. */
/** Words after which a capitalised word is a person: "argued with Joy", "texted njeri". */
const OBJECT_BIT = triggerBit(
  new Set(['with', 'to', 'about', 'visit', 'visiting', 'visited', 'meet', 'met', 'saw']),
);
/** Verbs whose object is nearly always a person, even in lowercase: "texted hunter". */
const PERSON_VERB_BIT = triggerBit(
  new Set([
    'texted',
    'called',
    'told',
    'asked',
    'hugged',
    'married',
    'divorced',
    'dating',
    'dated',
    'miss',
    'misses',
    'missed',
    'blames',
    'trusts',
    'messaged',
    'facetimed',
    'kissed',
    'punched',
    'hit',
    'pushed',
    'visited',
  ]),
);
export const HEAD_BIT = triggerBit(EPONYM_HEADS);
const DEVICE_BIT = triggerBit(
  new Set([
    'line',
    'lines',
    'catheter',
    'cath',
    'port',
    'drain',
    'tube',
    'pump',
    'blanket',
    'mask',
    'bag',
    'valve',
  ]),
);
/** Generic drug-name endings (quetiapine, pimavanserin, lorazepam): not people. */
const DRUG_SUFFIX =
  /(?:ine|pine|done|pam|lam|zole|pril|olol|mab|tidine|statin|sartan|oxetine|apine|idone|azine|amine|triptan|prazole|cycline|mycin|cillin|vir|zepam|serin|afil|oxacin|profen|phen|dronate|lukast|gliptin|gliflozin|pramine|faxine|tropin|parin|olone|sone|terol)$/;
const ADJECTIVE_ENDING = /(?:ian|ean|ese|ish|ic|al|ous|ive|ed|ing|ly|ful|less|able|ible|ary)$/;
const CONTRACTION = /['’](?:ve|ll|re|d|m|t)$/i;

function hyphenatedToWord(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  const prev = tokens[i - 1];
  if (!prev || text.charCodeAt(t.start - 1) !== 45 || prev.end !== t.start - 1) return false;
  // "Wi-Fi", "PMHNP-BC", "Yale-Brown": joined to a word, an acronym or an eponym.
  const cls = prev.info?.cls;
  return cls === 'word' || prev.shape === 'upper' || prev.shape === 'lower' || EPONYMS.has(prev.key);
}

/** "Dr. K aware", "Mr. B refused": a surname abbreviated to its initial after a title. */
function surnameInitial(text: string, tokens: readonly Token[], i: number): Scored | undefined {
  const t = tokens[i] as Token;
  const prev = tokens[i - 1];
  if (t.shape !== 'cap' || t.key === 'i' || !prev || !SHORT_TITLES.has(prev.key) || prev.shape === 'lower')
    return undefined;
  const g = gap(text, prev, t);
  if (g !== '. ' && g !== ' ') return undefined;
  return { score: 0.9, info: t.info ?? PROPAGATED, ctx: 'title' };
}

export function scoreToken(
  text: string,
  tokens: readonly Token[],
  i: number,
  lex: Lexicon,
  fuzzy: FuzzyIndex,
): Scored | undefined {
  const t = tokens[i] as Token;
  // "SaO2", "D5W", "PaO2": a word with digits glued to it is a code or a measure, not a name.
  if (t.shape === 'digit' || isDigit(text.charCodeAt(t.end))) return undefined;
  if (t.text.length < 2) return surnameInitial(text, tokens, i);
  // Short all-caps words in running text are acronyms (ROI, RE, MD), not names.
  if (t.shape === 'upper' && t.text.length <= 3 && !t.upperLine) return undefined;
  if (((t.text.includes("'") || t.text.includes('’')) && CONTRACTION.test(t.text)) || hasTrigger(t, HEAD_BIT))
    return undefined;
  const prev = tokens[i - 1];
  if (isContextWord(t) && !(t.shape === 'cap' && !t.sentenceStart && prev && TITLES.has(prev.key)))
    return undefined;
  const info = t.info ?? classifyName(t.key, lex);
  // A lowercase ordinary word can be a name only after a title ("dr will"): skip the rest.
  if (!isCapital(t) && info.cls === 'word' && !(prev && TITLES.has(prev.key))) return undefined;
  let ctx = contextBefore(text, tokens, i);
  // "Jane Doe, LCSW", but not "SICU RN": an acronym before a credential is a unit.
  if (ctx === 'none' && (t.shape !== 'upper' || t.caseless) && credentialAfter(text, tokens, i))
    ctx = 'credential';
  let strong = strongContextScore(ctx, t, info);
  // "dr. murphy", "DR GRIMES": after Dr/Mr/Mrs a surname that is also a word is the surname.
  if (
    strong === 0 &&
    ctx === 'title' &&
    info.cls === 'ambiguous' &&
    t.key.length >= 3 &&
    SHORT_TITLES.has(prev?.key ?? '')
  )
    strong = 0.8;
  if (strong === 0) {
    // States are places, not people, without a title or label: "moved to Florida".
    if (info.cls === 'word' || NOT_NAMES.has(t.key) || MONTHS_AND_DAYS.has(t.key) || US_STATES.has(t.key))
      return undefined;
    if (isEponymUse(text, tokens, i) || hyphenatedToWord(text, tokens, i)) return undefined;
    if (t.text.length < 3) return undefined;
  }
  // "Hickman line", "Quinton cath", "Foley catheter": a device named after its maker.
  const next1 = tokens[i + 1];
  if (strong === 0 && next1 && hasTrigger(next1, DEVICE_BIT) && isSpaceGap(text, t, next1)) return undefined;
  const isFuzzy = info.cls === 'unknown' && isCapital(t) && fuzzy.has(t.key);
  let score = Math.max(strong, baseScore(t, info, isFuzzy));
  if (strong > 0) return { score, info, ctx };
  // Shorthand in no name list ("Vanco", "Amio", "Dispo") is a name only with context.
  if (info.cls === 'unknown' && info.shorthand && !afterInitial(text, prev, t)) return undefined;
  const next = tokens[i + 1];
  const upper = t.shape === 'upper' && !t.caseless;
  const popular = info.first >= 5_000 || (info.surnameRank > 0 && info.surnameRank <= 10_000);
  // An all-caps word in mixed-case text is an acronym unless it is a popular name (MARIA).
  if (upper && !popular) return undefined;
  if (!upper && hasTrigger(next, VERB_BIT) && next && isSpaceGap(text, t, next)) {
    const weak = WEAK_VERBS.has(next.key);
    const determined = prev !== undefined && DETERMINERS.has(prev.key) && isSpaceGap(text, prev, t);
    const veryCommon = info.wordRank > 0 && info.wordRank <= 500; // "Just wanted", "Still feels"
    if (!determined && isCapital(t) && !(info.cls === 'ambiguous' && (weak || !popular || veryCommon))) {
      score = Math.max(score, info.cls === 'name' ? 0.85 : weak ? 0.5 : 0.6);
    } else if (!determined && info.cls === 'unknown' && isFuzzy && !weak) {
      score = Math.max(score, 0.55); // "jesica said": a misspelt name before a verb
    }
  }
  const personVerb = hasTrigger(prev, PERSON_VERB_BIT);
  if ((personVerb || hasTrigger(prev, OBJECT_BIT)) && prev && isSpaceGap(text, prev, t)) {
    // "argued with Joy", "texted njeri": the object of a verb or preposition that takes a person.
    const place = US_STATES.has(t.key) || info.cityPopulation >= 50_000;
    if (isCapital(t) && !upper && !t.sentenceStart && !t.caseless && info.cls !== 'word' && !place)
      score = Math.max(score, 0.55);
    // Lowercase after "to"/"about" ("plan to extubate", "pt to cath lab") only for names.
    else if (
      t.shape === 'lower' &&
      t.text.length >= 4 &&
      !DRUG_SUFFIX.test(t.key) &&
      (personVerb || info.cls === 'name' || (prev.key !== 'to' && prev.key !== 'about'))
    ) {
      // A lowercase word in no lexicon after "with" is a typo or jargon ("with suctioning",
      // "with flowby") far more often than a person; after "texted" it is a person.
      const namey =
        info.cls === 'name' ||
        (info.cls === 'unknown' && !lex.words.has(t.key) && !info.shorthand && (personVerb || isFuzzy)) ||
        (personVerb && info.cls === 'ambiguous' && info.first >= 2_000);
      if (namey) score = Math.max(score, 0.55);
    }
  }
  // "D. Phyl", "q. lander", "DR. L. RUUSKA": a word after an initial with its period.
  if (afterInitial(text, prev, t) && (info.cls === 'name' || info.cls === 'unknown') && t.key.length >= 3)
    score = Math.max(score, 0.6);
  if (
    t.possessive &&
    isCapital(t) &&
    !t.sentenceStart &&
    info.cls === 'ambiguous' &&
    !WORD_DOMINANT.has(t.key)
  )
    score = Math.max(score, 0.55);
  // "Ubul: What a wife." A speaker label at the start of a line.
  if (
    t.shape === 'cap' &&
    info.cls !== 'ambiguous' &&
    !info.shorthand &&
    text.charCodeAt(t.end) === 58 &&
    (i === 0 || /\n[ \t]*$/.test(text.slice(Math.max(0, t.start - 8), t.start)))
  ) {
    score = Math.max(score, 0.6);
  }
  if (prev && DETERMINERS.has(prev.key) && info.cls !== 'name') score = Math.min(score, 0.3);
  return score > 0 ? { score, info, ctx } : undefined;
}
