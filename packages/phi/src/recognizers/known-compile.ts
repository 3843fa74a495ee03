import { normalizeText } from '../text/normalize.js';
import { foldKey, tokenize } from '../text/tokens.js';
import type { Token } from '../text/tokens.js';
import type { KnownAddress, KnownIdentifiers, KnownPerson, PhiType } from '../types.js';
import { dobPatternParts, escapeRegExp, normalizeCode } from './known-values.js';

// Compiles a task's known identifiers into look-up tables and anchored patterns (known.ts
// runs them). Each pattern is tried only at tokens that can start it, so a note costs a few
// Map look-ups per token, not a dozen regex scans of the text.

const PARTICLES = new Set([
  'de',
  'la',
  'del',
  'van',
  'von',
  'da',
  'di',
  'le',
  'du',
  'dos',
  'das',
  'der',
  'den',
  'y',
  'st',
]);
const STREET_SUFFIXES: Record<string, string> = {
  street: 'st',
  avenue: 'ave',
  road: 'rd',
  boulevard: 'blvd',
  drive: 'dr',
  lane: 'ln',
  court: 'ct',
  place: 'pl',
  terrace: 'ter',
  circle: 'cir',
  parkway: 'pkwy',
  highway: 'hwy',
  trail: 'trl',
  square: 'sq',
};
/** Two-letter clinical abbreviations that bare initials must not be mistaken for. */
const CLINICAL_PAIRS = new Set(
  'AM PM BP HR RR LS NC PO IV IM SQ SC GI GU CV ED ER OR OT PT ST RN MD DO NP PA BM UA UO IO OD OS OU SI HI VS AC HS QD DX HX TX SX RX FX CT MR US EF LE UE RA HA CP SB MS MG ML ID OK TV PE DM CA CO NA AA RT LT DC'.split(
    ' ',
  ),
);
const SUFFIX_KEYS = new Set([...Object.keys(STREET_SUFFIXES), ...Object.values(STREET_SUFFIXES)]);

export interface Phrase {
  keys: string[];
  type: PhiType;
  source: string;
}

/** Everything needed to find one task's known identifiers, compiled once per task. */
export interface KnownMatcher {
  names: Map<string, string>;
  /** Name parts of 5+ letters by length, for the misspelling check. */
  fuzzy: Array<Array<{ key: string; role: string }> | undefined>;
  /**
   * Cheap pre-checks that spare most tokens the look-ups: bit `length` of exactMask[first
   * letter & 31] is set when a name or phrase key has that first letter and length; bit n of
   * fuzzyLengths when a misspelling of length n can match.
   */
  exactMask: Int32Array;
  fuzzyLengths: number;
  phrases: Map<string, Phrase[]>;
  /** Patterns that can only start at a word or number, keyed by that token's first character. */
  byStart: Array<KnownPattern[] | undefined>;
  /** Patterns that start at given words (initials, titles, month names, DOB numbers). */
  byWord: Map<string, KnownPattern[]>;
  wordMask: Int32Array;
  /** Misspelling look-ups already made, by token key ('' for no match). */
  fuzzyMemo: Map<string, string>;
  /** Patterns with no such anchor: scanned over the whole text when one of `literals` occurs. */
  scans: Array<KnownPattern & { literals?: readonly string[] }>;
  phones: string[];
}

export interface KnownPattern {
  re: RegExp;
  type: PhiType;
  source: string;
  /** When set, the first token's key must be one of these... */
  words?: ReadonlySet<string>;
  /** ...or a prefix of one of these (codes and street lines may be split at any separator). */
  prefixes?: readonly string[];
  /** When set, the text right after the first token must match (checked on a few characters). */
  next?: RegExp;
  /** A case-sensitive pattern (initials): a lowercase token cannot start it ("d/c", "s/p"). */
  capital: boolean;
}

/** Can a match of `p` start at token `t`? */
export function startsAt(p: KnownPattern, t: Token, next: Token | undefined): boolean {
  if (p.words?.has(t.key)) return true;
  // A one-character first group ("1-2345") is rare unless it is glued to the rest ("A12345").
  if (t.key.length === 1 && next?.start !== t.end) return false;
  if (p.prefixes) for (const x of p.prefixes) if (x.startsWith(t.key)) return true;
  return p.words === undefined && p.prefixes === undefined;
}

const ALNUM_START = /^[A-Za-z0-9]/;

/**
 * Registers a pattern. `starts` lists the characters a match can begin with; when they are all
 * letters or digits a match begins at a token, so the pattern is tried (sticky) only at tokens
 * starting with one of them instead of scanning the text.
 */
function addPattern(
  m: KnownMatcher,
  re: RegExp,
  type: PhiType,
  source: string,
  starts?: string,
  words?: readonly string[],
  prefixes?: readonly string[],
  next?: RegExp,
): void {
  if (starts === undefined || starts === '' || ![...starts].every((c) => ALNUM_START.test(c))) {
    m.scans.push({ re, type, source, capital: false });
    return;
  }
  const sticky: KnownPattern = {
    re: new RegExp(re.source, re.flags.replace('g', '') + 'y'),
    type,
    source,
    capital: !re.flags.includes('i'),
  };
  if (next) sticky.next = next;
  if (words) {
    for (const w of new Set(words)) {
      const list = m.byWord.get(w) ?? [];
      list.push(sticky);
      m.byWord.set(w, list);
      setMask(m.wordMask, w);
    }
    return;
  }
  if (prefixes) sticky.prefixes = prefixes;
  const chars = re.flags.includes('i') ? [...starts.toLowerCase(), ...starts.toUpperCase()] : [...starts];
  for (const c of new Set(chars)) {
    const code = c.charCodeAt(0);
    const list = m.byStart[code] ?? [];
    list.push(sticky);
    m.byStart[code] = list;
  }
}

const DIGITS = '0123456789';
/** A numeric date goes on after its first number with a separator, an ordinal, a space or nothing (compact). */
const DATE_NEXT =
  /^(?:[/.-]\d|(?:st|nd|rd|th)?[ \t]+(?:of[ \t]+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|$|\.(?!\d)|[^\w/.\-\s])/i;

function maskKey(m: KnownMatcher, key: string): void {
  setMask(m.exactMask, key);
}

/** Bit `length` of mask[first letter & 31]: a filter that spares most tokens a Map look-up. */
function setMask(mask: Int32Array, key: string): void {
  const c = key.charCodeAt(0) & 31;
  mask[c] = (mask[c] as number) | (1 << Math.min(key.length, 31));
}

export function inMask(mask: Int32Array, key: string): boolean {
  return (((mask[key.charCodeAt(0) & 31] as number) >>> Math.min(key.length, 31)) & 1) === 1;
}

function addPhrase(m: KnownMatcher, value: string, type: PhiType, source: string): void {
  const keys = tokenize(value).map((t) => t.key);
  const first = keys[0];
  if (first === undefined) return;
  const list = m.phrases.get(first) ?? [];
  list.push({ keys, type, source });
  m.phrases.set(first, list);
  maskKey(m, first);
}

function addPerson(m: KnownMatcher, person: KnownPerson, role: string): void {
  for (const value of [person.given, person.middle, person.family, person.preferred]) {
    if (!value) continue;
    for (const t of tokenize(value)) {
      if (t.key.length < 2 || PARTICLES.has(t.key) || t.shape === 'digit') continue;
      if (!m.names.has(t.key)) {
        m.names.set(t.key, role);
        maskKey(m, t.key);
      }
      if (t.key.length >= 5) {
        const bucket = m.fuzzy[t.key.length] ?? [];
        bucket.push({ key: t.key, role });
        m.fuzzy[t.key.length] = bucket;
        for (let n = t.key.length - 1; n <= t.key.length + 1; n++) m.fuzzyLengths |= 1 << Math.min(n, 31);
      }
    }
  }
  const g = person.given?.trim()[0];
  const f = person.family?.trim()[0];
  if (g && f) {
    const mid = person.middle?.trim()[0];
    const G = escapeRegExp(g.toUpperCase());
    const F = escapeRegExp(f.toUpperCase());
    const M = mid ? `(?:${escapeRegExp(mid.toUpperCase())}\\.?[ \\t]?)?` : '';
    // J.D., JD, J. D., J.M.D.; and "Ms. D." (title + family initial)
    // With periods always ("J.D."); bare two-letter initials unless they spell a clinical
    // abbreviation ("HR", "BP" for a Hana Ruiz or a Bo Park).
    const bare = `${g}${f}`.toUpperCase();
    const dotted = `(?<![\\w.])${G}\\.[ \\t]?${M}${F}\\.?(?!\\w)`;
    // A pair that is also a clinical abbreviation is skipped only before a value ("HR 88").
    const guard = !mid && CLINICAL_PAIRS.has(bare) ? '(?![ \\t]*[:\\d])' : '';
    const plain = `|(?<![\\w.])${G}${M}${F}(?!\\w)${guard}`;
    const re = new RegExp(`${dotted}${plain}`, 'g');
    // "Ms. D.": the family initial after a title, tried at the initial.
    const titled = new RegExp(`(?<=\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\\.?[ \\t]+)${F}\\.(?!\\w)`, 'g');
    // Starts at the given-name initial (alone, "JD" or "JMD").
    const initials = [g, `${g}${f}`, ...(mid ? [`${g}${mid}${f}`] : [])].map((x) => x.toLowerCase());
    addPattern(m, re, 'NAME', role, g.toUpperCase(), initials);
    addPattern(m, titled, 'NAME', role, f.toUpperCase(), [f.toLowerCase()]);
  }
}

function addAddress(m: KnownMatcher, a: KnownAddress): void {
  for (const v of [a.city, a.county]) if (v) addPhrase(m, v, 'LOCATION', 'known:address');
  if (a.zip)
    addPattern(
      m,
      new RegExp(`(?<!\\d)${escapeRegExp(a.zip.slice(0, 5))}(?:-\\d{4})?(?!\\d)`, 'g'),
      'LOCATION',
      'known:address',
      a.zip.trim()[0],
      [a.zip.trim().slice(0, 5)],
    );
  for (const line of [a.line1, a.line2]) {
    if (!line) continue;
    const words = line
      .trim()
      .split(/[\s,]+/)
      .filter(Boolean);
    const pattern = words
      .map((w) => {
        const k = w.toLowerCase().replace(/\.$/, '');
        const full = Object.keys(STREET_SUFFIXES).find((f) => f === k || STREET_SUFFIXES[f] === k);
        return full
          ? `(?:${full}|${STREET_SUFFIXES[full]})\\.?`
          : `${escapeRegExp(w.replace(/\.$/, ''))}\\.?`;
      })
      .join('[\\s,]+');
    addPattern(
      m,
      new RegExp(`(?<![\\w])${pattern}(?![\\w])`, 'gi'),
      'LOCATION',
      'known:address',
      words[0]?.[0],
      undefined,
      words[0] ? [foldKey(words[0])] : undefined,
    );
    // The street without the house number ("lives on Maple Street"), and its distinctive words.
    const named = words.filter((w) => !/\d/.test(w));
    if (named.length >= 2) addPhrase(m, named.join(' '), 'LOCATION', 'known:address');
    for (const w of named) {
      const key = foldKey(w);
      if (!SUFFIX_KEYS.has(key) && key.length >= 4 && /^[A-Z]/.test(w))
        addPhrase(m, w, 'LOCATION', 'known:address');
    }
  }
}

/** A code matches with any separators between its characters, with or without leading zeros. */
function addCode(m: KnownMatcher, value: string, type: PhiType, source: string): void {
  const n = normalizeCode(value);
  if (n.length < 3) return;
  const spelled = (s: string) => [...s].map(escapeRegExp).join('[-./# ]?');
  const trimmed = n.replace(/^0+/, '');
  const alt = trimmed.length >= 4 && trimmed !== n ? `|${spelled(trimmed)}` : '';
  addPattern(
    m,
    new RegExp(`(?<![A-Za-z0-9])(?:${spelled(n)}${alt})(?![A-Za-z0-9])`, 'gi'),
    type,
    source,
    `${n[0]}${alt ? trimmed[0] : ''}`,
    undefined,
    [n.toLowerCase(), trimmed.toLowerCase()],
  );
}

/** The values on file read as the text is: a record typed with fullwidth letters or a soft hyphen still matches. */
function normalizedValues(known: KnownIdentifiers): KnownIdentifiers {
  return JSON.parse(JSON.stringify(known), (_key, value: unknown) =>
    typeof value === 'string' ? normalizeText(value).text : value,
  ) as KnownIdentifiers;
}

export function compile(onFile: KnownIdentifiers): KnownMatcher {
  const known = normalizedValues(onFile);
  const m: KnownMatcher = {
    names: new Map(),
    fuzzy: [],
    exactMask: new Int32Array(32),
    fuzzyLengths: 0,
    phrases: new Map(),
    byStart: new Array<KnownPattern[] | undefined>(128).fill(undefined),
    byWord: new Map(),
    wordMask: new Int32Array(32),
    fuzzyMemo: new Map(),
    scans: [],
    phones: [],
  };
  if (known.client) addPerson(m, known.client, 'known:client');
  for (const r of known.relatives ?? []) addPerson(m, r, 'known:relative');
  for (const c of known.careTeam ?? []) addPerson(m, c, 'known:care-team');
  if (known.dob) {
    const dob = dobPatternParts(known.dob);
    if (dob) {
      addPattern(m, dob.numeric, 'DATE', 'known:dob', DIGITS, dob.numberWords, undefined, DATE_NEXT);
      addPattern(m, dob.named, 'DATE', 'known:dob', dob.monthWords.map((w) => w[0]).join(''), dob.monthWords);
    }
  }
  if (known.address) addAddress(m, known.address);
  if (known.mrn) addCode(m, known.mrn, 'MRN', 'known:mrn');
  for (const o of known.other ?? []) {
    if (/\d/.test(o.value)) addCode(m, o.value, o.type, 'known:other');
    else addPhrase(m, o.value, o.type, 'known:other');
  }
  for (const p of known.phones ?? []) {
    const d = p.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');
    if (d.length >= 7) m.phones.push(d);
  }
  for (const email of known.emails ?? []) {
    const at = email.indexOf('@');
    const local = at > 0 ? email.slice(0, at) : email;
    const localPart = local.length >= 3 ? `|(?<![\\w.])${escapeRegExp(local)}(?![\\w])` : '';
    // Run only when the local part occurs, as written or in upper or title case.
    const cap = local.charAt(0).toUpperCase() + local.slice(1);
    m.scans.push({
      re: new RegExp(`${escapeRegExp(email)}${localPart}`, 'gi'),
      type: 'EMAIL',
      source: 'known:email',
      capital: false,
      literals: [local, local.toLowerCase(), local.toUpperCase(), cap],
    });
  }
  return m;
}
