import { classifyName, fuzzyNames } from '../lexicon/classify.js';
import { US_STATES } from '../lexicon/geography.js';
import type { FuzzyIndex, NameInfo } from '../lexicon/classify.js';
import type { Lexicon } from '../lexicon/load.js';
import { CREDENTIALS, EPONYM_HEADS, EPONYMS, NAME_LABELS, NOT_NAMES, RELATIONS, REPORTING_VERBS, TITLES, UNITS_AND_ABBREVIATIONS, WORD_DOMINANT } from '../lexicon/vocabulary.js';
import { hasTrigger, triggerBit } from '../lexicon/triggers.js';
import { gap } from '../text/tokens.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';
import { gapIs, spaceBetween as isSpaceGap } from '../text/runs.js';
import { contextBefore, credentialAfter } from './name-context.js';
import type { NameContext } from './name-context.js';

/** Verbs too common to mark a person on their own ("Hope is important"). */
const WEAK_VERBS = new Set(['is', 'was', 'has', 'had', 'will', 'would', 'did', 'does', 'can', 'could']);
const DETERMINERS = new Set(['the', 'a', 'an', 'this', 'that', 'these', 'those', 'any', 'no', 'some', 'every']);
const MONTHS_AND_DAYS = new Set([
  'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september',
  'october', 'november', 'december', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday',
  'saturday', 'sunday',
]);
const CONJUNCTIONS = new Set(['and', 'or', '&']);
const THRESHOLD = 0.5;
const PROPAGATED: NameInfo = { cls: 'name', frequent: true, first: 0, surnameRank: 0, wordRank: 0, cityPopulation: -1, cityPrefix: false, triggers: 0 };

interface Scored {
  score: number;
  info: NameInfo;
  ctx: NameContext;
}

function isCapital(t: Token): boolean {
  return t.shape === 'cap' || t.shape === 'upper' || t.shape === 'mixed';
}

/** Words that introduce a name are never part of it: "Husband", "Dr", "Patient Name", "LCSW". */
const CONTEXT_BIT = triggerBit(new Set([...TITLES, ...RELATIONS, ...NAME_LABELS, ...CREDENTIALS]));
const VERB_BIT = triggerBit(REPORTING_VERBS);
function isContextWord(t: Token): boolean {
  return hasTrigger(t, CONTEXT_BIT);
}

function isInitial(text: string, t: Token): boolean {
  return t.text.length === 1 && t.shape === 'cap' && t.key !== 'i' && text[t.end] !== "'";
}

function isEponymUse(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  if (!EPONYMS.has(t.key)) return false;
  if (t.possessive || t.key.endsWith('s')) return true;
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
    case 'patient':
      return cap && info.cls !== 'word' ? 0.9 : info.cls === 'name' ? 0.85 : cap ? 0.6 : 0;
    case 'credential':
      return cap ? 0.9 : 0;
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
const OBJECT_BIT = triggerBit(new Set(['with', 'to', 'about', 'visit', 'visiting', 'visited', 'meet', 'met', 'saw']));
/** Verbs whose object is nearly always a person, even in lowercase: "texted hunter". */
const PERSON_VERB_BIT = triggerBit(new Set([
  'texted', 'called', 'told', 'asked', 'hugged', 'married', 'divorced', 'dating', 'dated', 'miss', 'misses',
  'missed', 'blames', 'trusts', 'messaged', 'facetimed', 'kissed', 'punched', 'hit', 'pushed', 'visited',
]));
const HEAD_BIT = triggerBit(EPONYM_HEADS);
/** Generic drug-name endings (quetiapine, pimavanserin, lorazepam): not people. */
const DRUG_SUFFIX = /(?:ine|pine|done|pam|lam|zole|pril|olol|mab|tidine|statin|sartan|oxetine|apine|idone|azine|amine|triptan|prazole|cycline|mycin|cillin|vir|zepam|serin|afil|oxacin|profen|phen|dronate|lukast|gliptin|gliflozin|pramine|faxine|tropin|parin|olone|sone|terol)$/;
const CONTRACTION = /['’](?:ve|ll|re|d|m|t)$/i;

/** Person names: lexicon evidence, capitalisation, and the words around each token. */
export function detectNames(text: string, tokens: readonly Token[], lex: Lexicon): Span[] {
  const fuzzy = fuzzyNames(lex);
  const scored: Array<Scored | undefined> = new Array<Scored | undefined>(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const s = scoreToken(text, tokens, i, lex, fuzzy);
    if (s) scored[i] = s;
  }
  propagate(tokens, scored);
  return groupRuns(text, tokens, scored);
}

function hyphenatedToWord(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  const prev = tokens[i - 1];
  if (!prev || text.charCodeAt(t.start - 1) !== 45 || prev.end !== t.start - 1) return false;
  // "Wi-Fi", "PMHNP-BC", "Yale-Brown": joined to a word, an acronym or an eponym.
  const cls = prev.info?.cls;
  return cls === 'word' || prev.shape === 'upper' || prev.shape === 'lower' || EPONYMS.has(prev.key);
}

function scoreToken(text: string, tokens: readonly Token[], i: number, lex: Lexicon, fuzzy: FuzzyIndex): Scored | undefined {
  const t = tokens[i] as Token;
  if (t.shape === 'digit' || t.text.length < 2) return undefined;
  // Short all-caps words in running text are acronyms (ROI, RE, MD), not names.
  if (t.shape === 'upper' && t.text.length <= 3 && !t.upperLine) return undefined;
  if (CONTRACTION.test(t.text) || hasTrigger(t, HEAD_BIT)) return undefined;
  const prev = tokens[i - 1];
  if (isContextWord(t) && !(t.shape === 'cap' && !t.sentenceStart && prev && TITLES.has(prev.key))) return undefined;
  const info = t.info ?? classifyName(t.key, lex);
  // A lowercase ordinary word can be a name only after a title ("dr will"): skip the rest.
  if (t.shape === 'lower' && info.cls === 'word' && !(prev && TITLES.has(prev.key))) return undefined;
  let ctx = contextBefore(text, tokens, i);
  if (ctx === 'none' && credentialAfter(text, tokens, i)) ctx = 'credential';
  const strong = strongContextScore(ctx, t, info);
  if (strong === 0) {
    if (info.cls === 'word' || NOT_NAMES.has(t.key) || MONTHS_AND_DAYS.has(t.key)) return undefined;
    if (isEponymUse(text, tokens, i) || hyphenatedToWord(text, tokens, i)) return undefined;
    if (t.text.length < 3) return undefined;
  }
  const isFuzzy = info.cls === 'unknown' && isCapital(t) && fuzzy.has(t.key);
  let score = Math.max(strong, baseScore(t, info, isFuzzy));
  if (strong > 0) return { score, info, ctx };
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
    if (isCapital(t) && !upper && !t.sentenceStart && !t.caseless && info.cls !== 'word' && !place) score = Math.max(score, 0.55);
    else if (t.shape === 'lower' && t.text.length >= 4 && !DRUG_SUFFIX.test(t.key)) {
      const namey = info.cls === 'name' || (info.cls === 'unknown' && !lex.words.has(t.key)) || (personVerb && info.cls === 'ambiguous' && info.first >= 2_000);
      if (namey) score = Math.max(score, 0.55);
    }
  }
  if (t.possessive && isCapital(t) && !t.sentenceStart && info.cls === 'ambiguous' && !WORD_DOMINANT.has(t.key)) score = Math.max(score, 0.55);
  // "Ubul: What a wife." A speaker label at the start of a line.
  if (t.shape === 'cap' && info.cls !== 'ambiguous' && text.charCodeAt(t.end) === 58 && (i === 0 || /\n[ \t]*$/.test(text.slice(Math.max(0, t.start - 8), t.start)))) {
    score = Math.max(score, 0.6);
  }
  if (prev && DETERMINERS.has(prev.key) && info.cls !== 'name') score = Math.min(score, 0.3);
  return score > 0 ? { score, info, ctx } : undefined;
}

/** A name confirmed once in a document is a name everywhere in it, in any case. */
function propagate(tokens: readonly Token[], scored: Array<Scored | undefined>): void {
  const confirmed = new Map<string, boolean>(); // key -> also lowercase occurrences
  for (let i = 0; i < tokens.length; i++) {
    const s = scored[i];
    if (!s || s.score < 0.7) continue;
    const lower = s.info.cls !== 'ambiguous' && s.info.cls !== 'word';
    confirmed.set(tokens[i]!.key, (confirmed.get(tokens[i]!.key) ?? false) || lower);
  }
  if (confirmed.size === 0) return;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const lower = confirmed.get(t.key);
    if (lower === undefined) continue;
    if (!lower && !isCapital(t)) continue;
    const s = scored[i];
    if (s && s.score >= 0.7) continue;
    scored[i] = { score: 0.75, info: s?.info ?? tokens[i]!.info ?? PROPAGATED, ctx: s?.ctx ?? 'none' };
  }
}

const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);

/** Can token j extend a name run next to an accepted token? */
function canExtend(text: string, tokens: readonly Token[], j: number, scored: ReadonlyArray<Scored | undefined>, anchorLower: boolean, left: boolean): boolean {
  const t = tokens[j] as Token;
  if (isInitial(text, t) || (t.text === 'I' && text[t.end] === '.' && !left)) return true;
  if (isContextWord(t) || hasTrigger(t, HEAD_BIT)) return false;
  if (!left && NAME_SUFFIXES.has(t.key) && t.shape !== 'lower') return true;
  // "June Davis", "May Nguyen": a month that is also a first name, before a surname.
  if (left && t.shape === 'cap' && (t.key === 'april' || t.key === 'may' || t.key === 'june' || t.key === 'august')) return true;
  const s = scored[j];
  // "Per Maria's report": a common word opening the sentence is not a first name.
  if (s && left && t.sentenceStart && s.info.cls === 'ambiguous' && s.score < 0.5) return false;
  if (s && s.score >= 0.2) return anchorLower || isCapital(t);
  // "brittany white", "tremaine cook": lowercase first name + surname that is also a word.
  if (anchorLower && t.shape === 'lower' && t.info && !hasTrigger(t, VERB_BIT) && !(t.info.wordRank > 0 && t.info.wordRank <= 150)) {
    if (left) return t.info.first >= 2_000 && t.info.cls !== 'word';
    return (t.info.surnameRank > 0 && t.info.surnameRank <= 20_000) || (t.info.cls === 'unknown' && t.text.length >= 4);
  }
  return false;
}

interface Run {
  a: number;
  b: number;
}

function groupRuns(text: string, tokens: readonly Token[], scored: ReadonlyArray<Scored | undefined>): Span[] {
  const runs: Run[] = [];
  const spans: Span[] = [];
  let i = 0;
  while (i < tokens.length) {
    const s = scored[i];
    if (!s || s.score < 0.2) {
      i++;
      continue;
    }
    // Grow a run of adjacent name-like tokens around i.
    let a = i;
    let b = i;
    const anchorLower = !isCapital(tokens[i] as Token);
    while (b + 1 < tokens.length && nameGap(text, tokens[b] as Token, tokens[b + 1] as Token) && canExtend(text, tokens, b + 1, scored, anchorLower, false)) b++;
    while (a - 1 >= 0 && nameGap(text, tokens[a - 1] as Token, tokens[a] as Token) && canExtend(text, tokens, a - 1, scored, anchorLower, true)) a--;
    // "Per Maria's report": a common word opening the sentence is not a first name.
    while (a < b && (tokens[a] as Token).sentenceStart && scored[a]?.info.cls === 'ambiguous' && (scored[a]?.score ?? 0) < THRESHOLD) a++;
    let best = 0;
    let sum = 0;
    let capCount = 0;
    for (let k = a; k <= b; k++) {
      const sc = scored[k]?.score ?? 0;
      best = Math.max(best, sc);
      sum += sc;
      if (isCapital(tokens[k] as Token) && sc >= 0.2) capCount++;
    }
    // Two capitalised name-ish words together ("Grace Baker") are a name even if each is ambiguous.
    const pair = capCount >= 2 && sum >= 0.8 && !(tokens[a] as Token).caseless;
    if (best >= THRESHOLD || pair) {
      runs.push({ a, b });
      spans.push({
        start: (tokens[a] as Token).start,
        end: (tokens[b] as Token).end,
        type: 'NAME',
        confidence: Math.min(0.99, Math.max(best, pair ? 0.65 : 0)),
        source: `name:${scored[i]?.ctx === 'none' ? 'lexicon' : scored[i]?.ctx}`,
      });
    }
    i = b + 1;
  }
  joinCoordinated(text, tokens, runs, scored, spans);
  return spans;
}

/** Name parts sit on one line, separated by a space, a hyphen, or an initial's period. */
function nameGap(text: string, a: Token, b: Token): boolean {
  if (a.possessive) return false;
  const g = gap(text, a, b);
  return g === ' ' || g === '-' || g === ', ' && /^(?:jr|sr|ii|iii|iv)$/i.test(b.text) || ((g === '. ' || g === '.') && (a.text.length === 1 || /^(?:jr|sr)$/i.test(a.text)));
}

/**
 * "Maria and Will", "Gaetane, Hannah, Anthony": capitalised name-ish words listed with an
 * accepted name. A sentence start counts here when the word is not an ordinary word.
 */
function joinCoordinated(text: string, tokens: readonly Token[], runs: readonly Run[], scored: ReadonlyArray<Scored | undefined>, out: Span[]): void {
  const accepted = new Set<number>();
  for (const { a, b } of runs) for (let k = a; k <= b; k++) accepted.add(k);
  const queue = runs.map(({ a, b }) => [a, b] as [number, number]);
  const listed = (x: number, y: number): number => {
    // index of the token listed next to the run edge x, in direction y (+1 / -1), or -1
    const n = tokens[x + y];
    if (!n) return -1;
    const [l, r] = y > 0 ? [tokens[x] as Token, n] : [n, tokens[x] as Token];
    if (gapIs(text, l, r, ', ')) return x + y;
    if (CONJUNCTIONS.has(n.key) && tokens[x + 2 * y]) return x + 2 * y;
    return -1;
  };
  while (queue.length > 0) {
    const [a, b] = queue.pop() as [number, number];
    for (const cand of [listed(b, 1), listed(a, -1)]) {
      const t = tokens[cand];
      if (!t || accepted.has(cand) || !isCapital(t) || t.caseless) continue;
      const s = scored[cand];
      const cls = t.info?.cls;
      if (t.sentenceStart && cls !== 'unknown' && cls !== 'name') continue;
      if (!s || s.score < 0.2 || s.score >= THRESHOLD) continue;
      accepted.add(cand);
      out.push({ start: t.start, end: t.end, type: 'NAME', confidence: 0.6, source: 'name:coordinated' });
      queue.push([cand, cand]);
    }
  }
}
