import { fuzzyNames } from '../lexicon/classify.js';
import type { Lexicon } from '../lexicon/load.js';
import { hasTrigger } from '../lexicon/triggers.js';
import { UNITS_AND_ABBREVIATIONS } from '../lexicon/vocabulary.js';
import { gap } from '../text/tokens.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';
import { gapIs } from '../text/runs.js';
import {
  CONJUNCTIONS,
  HEAD_BIT,
  PROPAGATED,
  THRESHOLD,
  VERB_BIT,
  isCapital,
  isContextWord,
  isInitial,
  scoreToken,
  standaloneInitial,
} from './name-score.js';
import type { Scored } from './name-score.js';

/** Person names: lexicon evidence, capitalisation, and the words around each token. */
export function detectNames(text: string, tokens: readonly Token[], lex: Lexicon): Span[] {
  const fuzzy = fuzzyNames(lex);
  const scored: Array<Scored | undefined> = new Array<Scored | undefined>(tokens.length);
  for (let i = 0; i < tokens.length; i++) {
    const s = scoreToken(text, tokens, i, lex, fuzzy);
    if (s) scored[i] = s;
  }
  nicknames(text, tokens, scored);
  propagate(tokens, scored);
  const spans = groupRuns(text, tokens, scored);
  initials(text, tokens, lex, spans);
  return spans;
}

/** Abbreviations written like initials: not people. */
const NOT_INITIALS = new Set([
  'am',
  'pm',
  'us',
  'uk',
  'dc',
  'na',
  'aa',
  'eg',
  'ie',
  'bid',
  'tid',
  'qid',
  'prn',
  'npo',
  'po',
  'ms',
  'md',
  'rn',
  'jr',
  'sr',
  'st',
  'dr',
  'mr',
  'ok',
  'vs',
]);
const INITIALS = /(?<![\w.])((?:[A-Z]\.){2,3})(?![\w.]|\.\w)/y;
const OPEN_QUOTE = /["“]$/;

/** "Client J.R. arrived", "Members: T.W., L.F., Dom": a person written as initials. */
function initials(text: string, tokens: readonly Token[], lex: Lexicon, out: Span[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.text.length === 1 && t.shape === 'cap' && text.charCodeAt(t.end) === 46) {
      INITIALS.lastIndex = t.start;
      const m = INITIALS.exec(text);
      const letters = (m?.[1] ?? '').replace(/\./g, '').toLowerCase();
      // "C.O.", "G.I.", "I.V.": dotted clinical abbreviations, and anything in an all-caps note.
      const abbreviation =
        NOT_INITIALS.has(letters) ||
        lex.medical.has(letters) ||
        lex.words.has(letters) ||
        UNITS_AND_ABBREVIATIONS.has(letters);
      // "C.O. 4.5", "C.I./SVR": an abbreviation with its value.
      const measured =
        m !== null &&
        /^[ \t]*[\d/:=(]/.test(
          text.slice(t.start + (m[1] as string).length, t.start + (m[1] as string).length + 4),
        );
      if (m && !abbreviation && !measured && !t.upperLine) {
        out.push({
          start: t.start,
          end: t.start + (m[1] as string).length - 1,
          type: 'NAME',
          confidence: 0.6,
          source: 'name:initials',
        });
        i += (m[1] as string).length / 2 - 1;
      }
    }
  }
}

/**
 * A nickname in quotes next to a name or after "identified self as" ("Gerald "Bud" Pruitt", "as
 * "Bree,""): a name, and so wherever else it stands in the text ("Doc reports...").
 */
function nicknames(text: string, tokens: readonly Token[], scored: Array<Scored | undefined>): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (!isCapital(t) || t.text.length < 2 || !OPEN_QUOTE.test(text.slice(Math.max(0, t.start - 1), t.start)))
      continue;
    const from = t.end + (t.possessive ? 2 : 0);
    if (!/^[,.]?["”]/.test(text.slice(from, from + 2))) continue;
    const before = tokens[i - 1];
    const after = tokens[i + 1];
    const nameBefore =
      before !== undefined &&
      (before.info?.cls === 'name' || before.info?.cls === 'ambiguous') &&
      isCapital(before);
    const nameAfter =
      after !== undefined &&
      (after.info?.cls === 'name' || after.info?.cls === 'unknown') &&
      isCapital(after);
    const introduced =
      /\b(?:as|goes by|calls? (?:him|her|them)self|named|called|aka|nicknamed)[ \t,]*["“]$/i.test(
        text.slice(Math.max(0, t.start - 30), t.start),
      );
    if (nameBefore || nameAfter || introduced)
      scored[i] = { score: 0.75, info: t.info ?? PROPAGATED, ctx: 'named' };
  }
}
/** A name confirmed once in a document is a name everywhere in it, in any case. */
function propagate(tokens: readonly Token[], scored: Array<Scored | undefined>): void {
  const confirmed = new Map<string, boolean>(); // key -> also lowercase occurrences
  for (let i = 0; i < tokens.length; i++) {
    const s = scored[i];
    if (!s || s.score < 0.7 || tokens[i]!.key.length < 2) continue;
    const lower = s.info.cls !== 'ambiguous' && s.info.cls !== 'word';
    confirmed.set(tokens[i]!.key, (confirmed.get(tokens[i]!.key) ?? false) || lower);
  }
  if (confirmed.size === 0) return;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    let lower = confirmed.get(t.key);
    // "Vivienne Okoro ... Viv gave me permission": the short form of a name found in the text.
    if (
      lower === undefined &&
      t.shape === 'cap' &&
      t.key.length >= 3 &&
      t.info &&
      t.info.cls !== 'word' &&
      !scored[i]
    )
      for (const [k] of confirmed) if (k.length >= t.key.length + 2 && k.startsWith(t.key)) lower = false;
    if (lower === undefined) continue;
    if (!lower && !isCapital(t)) continue;
    const s = scored[i];
    if (s && s.score >= 0.7) continue;
    scored[i] = { score: 0.75, info: s?.info ?? tokens[i]!.info ?? PROPAGATED, ctx: s?.ctx ?? 'none' };
  }
}

const NAME_SUFFIXES = new Set(['jr', 'sr', 'ii', 'iii', 'iv']);

/** Can token j extend a name run next to an accepted token? */
function canExtend(
  text: string,
  tokens: readonly Token[],
  j: number,
  scored: ReadonlyArray<Scored | undefined>,
  anchorLower: boolean,
  left: boolean,
): boolean {
  const t = tokens[j] as Token;
  if (isInitial(text, t) || (t.text === 'I' && text[t.end] === '.' && !left)) return true;
  // "d. renna": a lowercase initial with its period before the surname.
  if (left && standaloneInitial(text, t)) return true;
  // "benjamin a seiler": a lowercase middle initial between a lowercase first name and surname.
  if (anchorLower && !left && t.text.length === 1 && !isCapital(t) && lowerSurnameAfter(text, tokens, j))
    return true;
  if (isContextWord(t) || hasTrigger(t, HEAD_BIT)) return false;
  if (!left && NAME_SUFFIXES.has(t.key) && t.shape !== 'lower') return true;
  // "June Davis", "May Nguyen": a month that is also a first name, before a surname.
  if (
    left &&
    t.shape === 'cap' &&
    (t.key === 'april' || t.key === 'may' || t.key === 'june' || t.key === 'august')
  )
    return true;
  const s = scored[j];
  // "Per Maria's report": a common word opening the sentence is not a first name, but a
  // first name that is a rare word is ("Tilly Nicholson lives").
  if (s && left && t.sentenceStart && s.info.cls === 'ambiguous' && s.score < 0.5)
    return rareWordFirstName(t);
  // "Jildau S Bouts": a capitalised word after a middle initial is the surname, even if it is a word.
  if (
    !left &&
    t.shape === 'cap' &&
    !t.sentenceStart &&
    j > 0 &&
    isInitial(text, tokens[j - 1] as Token) &&
    !hasTrigger(t, VERB_BIT)
  )
    return true;
  if (s && s.score >= 0.2) return anchorLower || isCapital(t);
  // "brittany white", "tremaine cook": lowercase first name + surname that is also a word.
  if (
    anchorLower &&
    !isCapital(t) &&
    t.info &&
    !hasTrigger(t, VERB_BIT) &&
    !(t.info.wordRank > 0 && t.info.wordRank <= 150)
  ) {
    if (left) return t.info.first >= 2_000 && t.info.cls !== 'word';
    return (
      (t.info.surnameRank > 0 && t.info.surnameRank <= 20_000) ||
      (t.info.cls === 'unknown' && t.text.length >= 4)
    );
  }
  return false;
}

interface Run {
  a: number;
  b: number;
}

function groupRuns(
  text: string,
  tokens: readonly Token[],
  scored: ReadonlyArray<Scored | undefined>,
): Span[] {
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
    // "called Janet Burns", "my name is lena andersson": after a title, label or introduction,
    // the next word that can be a surname is one, even if it is also a word.
    const strongAnchor = s.ctx !== 'none' && s.score >= 0.8;
    while (
      b + 1 < tokens.length &&
      nameGap(text, tokens[b] as Token, tokens[b + 1] as Token) &&
      (canExtend(text, tokens, b + 1, scored, anchorLower, false) ||
        (strongAnchor && b === i && surnameAfterContext(tokens[b + 1] as Token)))
    )
      b++;
    while (
      a - 1 >= 0 &&
      nameGap(text, tokens[a - 1] as Token, tokens[a] as Token) &&
      (canExtend(text, tokens, a - 1, scored, anchorLower, true) ||
        (strongAnchor && a === i && s.ctx === 'credential' && firstNameBeforeSurname(tokens[a - 1] as Token)))
    )
      a--;
    // "Per Maria's report": a common word opening the sentence is not a first name.
    while (
      a < b &&
      (tokens[a] as Token).sentenceStart &&
      scored[a]?.info.cls === 'ambiguous' &&
      (scored[a]?.score ?? 0) < THRESHOLD &&
      !rareWordFirstName(tokens[a] as Token)
    )
      a++;
    let best = 0;
    let sum = 0;
    let capCount = 0;
    for (let k = a; k <= b; k++) {
      const sc = scored[k]?.score ?? 0;
      best = Math.max(best, sc);
      sum += sc;
      if (isCapital(tokens[k] as Token) && sc >= 0.2) capCount++;
    }
    // Two capitalised name-ish words together ("Grace Baker") are a name even if each is ambiguous,
    // and so are two unknown words around a middle initial ("Hanne I. Kreutzmann").
    const pair =
      (capCount >= 2 && sum >= 0.8 && !(tokens[a] as Token).caseless) ||
      initialInside(text, tokens, a, b) ||
      lexiconPair(tokens, a, b);
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

/**
 * Where capitals say nothing ("JON DEVAUX", "lindsey cardarelli"), a first name the lexicon
 * knows well, then a surname that is no word, is a name.
 */
function lexiconPair(tokens: readonly Token[], a: number, b: number): boolean {
  if (b !== a + 1) return false;
  const f = tokens[a] as Token;
  const l = tokens[b] as Token;
  if (isCapital(f) || isCapital(l) || !f.info || !l.info) return false;
  return (
    f.info.cls === 'name' &&
    f.info.first >= 2_000 &&
    l.info.surnameRank > 0 &&
    (l.info.cls === 'name' || l.info.cls === 'unknown') &&
    !l.info.shorthand &&
    l.key.length >= 3
  );
}

/** "MURIELE WILLIAM RN": before a surname that a credential follows, a first name. */
function firstNameBeforeSurname(t: Token): boolean {
  const info = t.info;
  if (!info || isContextWord(t) || hasTrigger(t, VERB_BIT) || info.cls === 'word' || info.shorthand)
    return false;
  return info.cls === 'name' || info.cls === 'unknown' || info.first >= 1_000;
}

function surnameAfterContext(t: Token): boolean {
  const info = t.info;
  if (!info || isContextWord(t) || hasTrigger(t, VERB_BIT) || t.sentenceStart) return false;
  if (isCapital(t)) return info.surnameRank > 0 || info.cls === 'name' || info.cls === 'unknown';
  const common = info.wordRank > 0 && info.wordRank <= 20_000;
  return info.surnameRank > 0 && info.cls !== 'word' && !info.shorthand && !common;
}

/** A first name that is only a rare word ("Tilly", not "Per" or "Will"). */
function rareWordFirstName(t: Token): boolean {
  const info = t.info;
  return (
    t.shape === 'cap' &&
    info !== undefined &&
    info.first >= 1_000 &&
    (info.wordRank === 0 || info.wordRank > 5_000)
  );
}

/** The token after the lowercase initial at j is a lowercase surname ("seiler", "ross"). */
function lowerSurnameAfter(text: string, tokens: readonly Token[], j: number): boolean {
  const n = tokens[j + 1];
  if (!n || isCapital(n) || gap(text, tokens[j] as Token, n) !== ' ' || !n.info) return false;
  return (
    n.info.cls === 'name' ||
    (n.info.cls === 'unknown' && n.text.length >= 3) ||
    (n.info.cls === 'ambiguous' && n.info.surnameRank > 0 && n.info.surnameRank <= 5_000)
  );
}

/** First name, middle initial with a period, surname: capitalised words that are not common words. */
function initialInside(text: string, tokens: readonly Token[], a: number, b: number): boolean {
  for (let k = a + 1; k < b; k++) {
    const t = tokens[k] as Token;
    if (t.text.length !== 1 || t.shape !== 'cap' || text[t.end] !== '.') continue;
    const l = tokens[k - 1] as Token;
    const r = tokens[k + 1] as Token;
    const namey = (x: Token) =>
      x.shape === 'cap' &&
      x.text.length >= 2 &&
      x.info !== undefined &&
      (x.info.cls === 'name' || x.info.cls === 'unknown');
    if (namey(l) && namey(r) && !l.caseless) return true;
  }
  return false;
}

/** Name parts sit on one line, separated by a space, a hyphen, or an initial's period. */
function nameGap(text: string, a: Token, b: Token): boolean {
  if (a.possessive) return false;
  const g = gap(text, a, b);
  return (
    g === ' ' ||
    g === '-' ||
    (g === ', ' && /^(?:jr|sr|ii|iii|iv)$/i.test(b.text)) ||
    ((g === '. ' || g === '.') && (a.text.length === 1 || /^(?:jr|sr)$/i.test(a.text)))
  );
}

/**
 * "Maria and Will", "Gaetane, Hannah, Anthony": capitalised name-ish words listed with an
 * accepted name. A sentence start counts here when the word is not an ordinary word.
 */
function joinCoordinated(
  text: string,
  tokens: readonly Token[],
  runs: readonly Run[],
  scored: ReadonlyArray<Scored | undefined>,
  out: Span[],
): void {
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
      const cls = t?.info?.cls;
      // In a Title Case list ("They had 6: Gaetane, Hannah, Anthony") unknown words still count.
      if (!t || accepted.has(cand) || !isCapital(t) || (t.caseless && cls !== 'unknown')) continue;
      const s = scored[cand];
      if (t.sentenceStart && cls !== 'unknown' && cls !== 'name') continue;
      if (!s || s.score < 0.2 || s.score >= THRESHOLD) continue;
      accepted.add(cand);
      out.push({ start: t.start, end: t.end, type: 'NAME', confidence: 0.6, source: 'name:coordinated' });
      queue.push([cand, cand]);
    }
  }
}
