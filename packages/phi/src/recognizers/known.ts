import type { Lexicon } from '../lexicon/load.js';
import { foldKey, tokenize } from '../text/tokens.js';
import type { Token } from '../text/tokens.js';
import type { KnownAddress, KnownIdentifiers, KnownPerson, PhiType, Span } from '../types.js';
import { PHONE_RUN, dobPattern, escapeRegExp, normalizeCode, withinOneEdit } from './known-values.js';

// Known identifiers come from the task's structured fields. Recall on them must be 1.0, so
// every occurrence is flagged in any case or partial form, at confidence 1, even where the
// word is also an ordinary word (a client named Hope makes every "hope" a hit: fail closed).

const PARTICLES = new Set(['de', 'la', 'del', 'van', 'von', 'da', 'di', 'le', 'du', 'dos', 'das', 'der', 'den', 'y', 'st']);
const STREET_SUFFIXES: Record<string, string> = {
  street: 'st', avenue: 'ave', road: 'rd', boulevard: 'blvd', drive: 'dr', lane: 'ln', court: 'ct',
  place: 'pl', terrace: 'ter', circle: 'cir', parkway: 'pkwy', highway: 'hwy', trail: 'trl', square: 'sq',
};
/** Two-letter clinical abbreviations that bare initials must not be mistaken for. */
const CLINICAL_PAIRS = new Set(
  'AM PM BP HR RR LS NC PO IV IM SQ SC GI GU CV ED ER OR OT PT ST RN MD DO NP PA BM UA UO IO OD OS OU SI HI VS AC HS QD DX HX TX SX RX FX CT MR US EF LE UE RA HA CP SB MS MG ML ID OK TV PE DM CA CO NA AA RT LT DC'.split(' '),
);
const SUFFIX_KEYS = new Set([...Object.keys(STREET_SUFFIXES), ...Object.values(STREET_SUFFIXES)]);

interface Phrase {
  keys: string[];
  type: PhiType;
  source: string;
}

/** Everything needed to find one task's known identifiers, compiled once per task. */
interface KnownMatcher {
  names: Map<string, string>;
  /** Name parts of 5+ letters by length, for the misspelling check. */
  fuzzy: Map<number, Array<{ key: string; role: string }>>;
  phrases: Map<string, Phrase[]>;
  regexes: Array<{ re: RegExp; type: PhiType; source: string }>;
  phones: string[];
}

const compiled = new WeakMap<KnownIdentifiers, KnownMatcher>();

function addPhrase(m: KnownMatcher, value: string, type: PhiType, source: string): void {
  const keys = tokenize(value).map((t) => t.key);
  const first = keys[0];
  if (first === undefined) return;
  const list = m.phrases.get(first) ?? [];
  list.push({ keys, type, source });
  m.phrases.set(first, list);
}

function addPerson(m: KnownMatcher, person: KnownPerson, role: string): void {
  for (const value of [person.given, person.middle, person.family, person.preferred]) {
    if (!value) continue;
    for (const t of tokenize(value)) {
      if (t.key.length < 2 || PARTICLES.has(t.key) || t.shape === 'digit') continue;
      if (!m.names.has(t.key)) m.names.set(t.key, role);
      if (t.key.length >= 5) {
        const bucket = m.fuzzy.get(t.key.length) ?? [];
        bucket.push({ key: t.key, role });
        m.fuzzy.set(t.key.length, bucket);
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
    const re = new RegExp(`${dotted}${plain}|\\b(?:Mr|Mrs|Ms|Miss|Mx|Dr)\\.?[ \\t]+${F}\\.(?!\\w)`, 'g');
    m.regexes.push({ re, type: 'NAME', source: role });
  }
}

function addAddress(m: KnownMatcher, a: KnownAddress): void {
  for (const v of [a.city, a.county]) if (v) addPhrase(m, v, 'LOCATION', 'known:address');
  if (a.zip) m.regexes.push({ re: new RegExp(`(?<!\\d)${escapeRegExp(a.zip.slice(0, 5))}(?:-\\d{4})?(?!\\d)`, 'g'), type: 'LOCATION', source: 'known:address' });
  for (const line of [a.line1, a.line2]) {
    if (!line) continue;
    const words = line.trim().split(/[\s,]+/).filter(Boolean);
    const pattern = words
      .map((w) => {
        const k = w.toLowerCase().replace(/\.$/, '');
        const full = Object.keys(STREET_SUFFIXES).find((f) => f === k || STREET_SUFFIXES[f] === k);
        return full ? `(?:${full}|${STREET_SUFFIXES[full]})\\.?` : `${escapeRegExp(w.replace(/\.$/, ''))}\\.?`;
      })
      .join('[\\s,]+');
    m.regexes.push({ re: new RegExp(`(?<![\\w])${pattern}(?![\\w])`, 'gi'), type: 'LOCATION', source: 'known:address' });
    // The street without the house number ("lives on Maple Street"), and its distinctive words.
    const named = words.filter((w) => !/\d/.test(w));
    if (named.length >= 2) addPhrase(m, named.join(' '), 'LOCATION', 'known:address');
    for (const w of named) {
      const key = foldKey(w);
      if (!SUFFIX_KEYS.has(key) && key.length >= 4 && /^[A-Z]/.test(w)) addPhrase(m, w, 'LOCATION', 'known:address');
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
  m.regexes.push({ re: new RegExp(`(?<![A-Za-z0-9])(?:${spelled(n)}${alt})(?![A-Za-z0-9])`, 'gi'), type, source });
}

function compile(known: KnownIdentifiers): KnownMatcher {
  const m: KnownMatcher = { names: new Map(), fuzzy: new Map(), phrases: new Map(), regexes: [], phones: [] };
  if (known.client) addPerson(m, known.client, 'known:client');
  for (const r of known.relatives ?? []) addPerson(m, r, 'known:relative');
  for (const c of known.careTeam ?? []) addPerson(m, c, 'known:care-team');
  if (known.dob) {
    const re = dobPattern(known.dob);
    if (re) m.regexes.push({ re, type: 'DATE', source: 'known:dob' });
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
    m.regexes.push({ re: new RegExp(`${escapeRegExp(email)}${localPart}`, 'gi'), type: 'EMAIL', source: 'known:email' });
  }
  return m;
}

export function detectKnown(text: string, tokens: readonly Token[], known: KnownIdentifiers, lex: Lexicon): Span[] {
  let m = compiled.get(known);
  if (!m) {
    m = compile(known);
    compiled.set(known, m);
  }
  const out: Span[] = [];
  const add = (start: number, end: number, type: PhiType, source: string) => {
    if (end > start) out.push({ start, end, type, confidence: 1, source });
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.shape === 'digit') continue;
    const role = m.names.get(t.key) ?? fuzzyRole(m, t, lex);
    if (role) add(t.start, t.end, 'NAME', role);
    const phrases = m.phrases.get(t.key);
    if (phrases) {
      for (const p of phrases) {
        let ok = i + p.keys.length <= tokens.length;
        for (let k = 1; k < p.keys.length && ok; k++) ok = (tokens[i + k] as Token).key === p.keys[k];
        if (ok) add(t.start, (tokens[i + p.keys.length - 1] as Token).end, p.type, p.source);
      }
    }
  }
  for (const { re, type, source } of m.regexes) for (const x of text.matchAll(re)) add(x.index, x.index + x[0].length, type, source);
  if (m.phones.length > 0) {
    for (const x of text.matchAll(PHONE_RUN)) {
      const d = x[0].replace(/\D/g, '');
      if (m.phones.some((w) => d.includes(w) || (w.length >= 10 && d.length >= 7 && d.length < 10 && w.endsWith(d)))) {
        add(x.index, x.index + x[0].length, 'PHONE', 'known:phone');
      }
    }
  }
  return out;
}

/**
 * Misspellings ("Marai", "Lopes"): one edit from a name part of 5+ letters. A lowercase
 * ordinary word is spared; a capitalised one is taken (fail closed: "Case" may be "Chase").
 */
function fuzzyRole(m: KnownMatcher, t: Token, lex: Lexicon): string | undefined {
  const n = t.key.length;
  if (n < 4 || m.fuzzy.size === 0) return undefined;
  if (t.shape === 'lower' && lex.words.has(t.key)) return undefined;
  for (let len = n - 1; len <= n + 1; len++) {
    const bucket = m.fuzzy.get(len);
    if (!bucket) continue;
    for (const p of bucket) if (withinOneEdit(p.key, t.key)) return p.role;
  }
  return undefined;
}
