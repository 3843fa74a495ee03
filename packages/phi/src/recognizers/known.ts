import type { Lexicon } from '../lexicon/load.js';
import type { Token } from '../text/tokens.js';
import type { KnownIdentifiers, PhiType, Span } from '../types.js';
import { compile, inMask, startsAt } from './known-compile.js';
import type { KnownMatcher } from './known-compile.js';
import { PHONE_RUN, withinOneEdit } from './known-values.js';

// Known identifiers come from the task's structured fields. Recall on them must be 1.0, so
// every occurrence is flagged in any case or partial form, at confidence 1, even where the
// word is also an ordinary word (a client named Hope makes every "hope" a hit: fail closed).

const compiled = new WeakMap<KnownIdentifiers, KnownMatcher>();
/** Least recently used matchers by the JSON of their identifiers. */
const bySignature = new Map<string, KnownMatcher>();
const SIGNATURE_CACHE = 256;

export function detectKnown(
  text: string,
  tokens: readonly Token[],
  known: KnownIdentifiers,
  lex: Lexicon,
): Span[] {
  let m = compiled.get(known);
  if (!m) {
    // A caller that builds a new object per note with the same fields still compiles once.
    const signature = JSON.stringify(known);
    m = bySignature.get(signature);
    if (m) bySignature.delete(signature);
    else m = compile(known);
    bySignature.set(signature, m);
    if (bySignature.size > SIGNATURE_CACHE) bySignature.delete(bySignature.keys().next().value as string);
    compiled.set(known, m);
  }
  const out: Span[] = [];
  const add = (start: number, end: number, type: PhiType, source: string) => {
    if (end > start) out.push({ start, end, type, confidence: 1, source });
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const patterns = m.byStart[text.charCodeAt(t.start)];
    if (patterns) {
      for (const p of patterns) {
        if (!startsAt(p, t, tokens[i + 1])) continue;
        p.re.lastIndex = t.start;
        const x = p.re.exec(text);
        if (x) add(x.index, x.index + x[0].length, p.type, p.source);
      }
    }
    const worded = inMask(m.wordMask, t.key) ? m.byWord.get(t.key) : undefined;
    if (worded) {
      for (const p of worded) {
        if ((p.capital && t.shape === 'lower') || (p.next && !p.next.test(text.slice(t.end, t.end + 8))))
          continue;
        p.re.lastIndex = t.start;
        const x = p.re.exec(text);
        if (x) add(x.index, x.index + x[0].length, p.type, p.source);
      }
    }
    if (t.shape === 'digit') continue;
    const key = t.key;
    const exact = inMask(m.exactMask, key);
    const role =
      (exact ? m.names.get(key) : undefined) ??
      (((m.fuzzyLengths >>> Math.min(key.length, 31)) & 1) === 1 ? fuzzyRole(m, t, lex) : undefined);
    if (role) add(t.start, t.end, 'NAME', role);
    if (!exact) continue;
    const phrases = m.phrases.get(key);
    if (phrases) {
      for (const p of phrases) {
        let ok = i + p.keys.length <= tokens.length;
        for (let k = 1; k < p.keys.length && ok; k++) ok = (tokens[i + k] as Token).key === p.keys[k];
        if (ok) add(t.start, (tokens[i + p.keys.length - 1] as Token).end, p.type, p.source);
      }
    }
  }
  // exec loops, not matchAll: matchAll clones its RegExp on every call.
  for (const { re, type, source, literals } of m.scans) {
    if (literals && !literals.some((l) => text.includes(l))) continue;
    re.lastIndex = 0;
    for (let x = re.exec(text); x; x = re.exec(text)) {
      if (x[0].length === 0) re.lastIndex++;
      add(x.index, x.index + x[0].length, type, source);
    }
  }
  if (m.phones.length > 0) {
    PHONE_RUN.lastIndex = 0;
    for (let x = PHONE_RUN.exec(text); x; x = PHONE_RUN.exec(text)) {
      const d = x[0].replace(/\D/g, '');
      if (
        m.phones.some(
          (w) => d.includes(w) || (w.length >= 10 && d.length >= 7 && d.length < 10 && w.endsWith(d)),
        )
      ) {
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
  if (n < 4) return undefined;
  if (t.shape === 'lower' && (t.info ? t.info.wordRank > 0 : lex.words.has(t.key))) return undefined;
  const memo = m.fuzzyMemo.get(t.key);
  if (memo !== undefined) return memo === '' ? undefined : memo;
  const role = fuzzyScan(m, t.key, n);
  if (m.fuzzyMemo.size >= 20_000) m.fuzzyMemo.clear();
  m.fuzzyMemo.set(t.key, role ?? '');
  return role;
}

function fuzzyScan(m: KnownMatcher, key: string, n: number): string | undefined {
  for (let len = n - 1; len <= n + 1; len++) {
    const bucket = m.fuzzy[len];
    if (!bucket) continue;
    for (const p of bucket) if (withinOneEdit(p.key, key)) return p.role;
  }
  return undefined;
}
