import type { Lexicon } from './load.js';
import { triggerBitsOf, triggerGeneration } from './triggers.js';
import {
  COUNTRIES,
  MEDICATIONS,
  NAME_DOMINANT,
  NOT_NAMES,
  UNITS_AND_ABBREVIATIONS,
  WORD_DOMINANT,
} from './vocabulary.js';

/**
 * - `name`: a first name or surname whose everyday reading is a name (Maria, Okafor, Smith).
 * - `ambiguous`: a name that is also a common word (Hope, Will, Baker): context decides.
 * - `word`: a common English word that is not a name we know.
 * - `unknown`: in no lexicon (rare or foreign names, drug brands, typos).
 */
export type NameClass = 'name' | 'ambiguous' | 'word' | 'unknown';

export interface NameInfo {
  cls: NameClass;
  /** Frequent enough to flag even in lowercase with no context. */
  frequent: boolean;
  first: number;
  surnameRank: number;
  wordRank: number;
  /** Population of the US or world city with this one-word name; -1 when none. */
  cityPopulation: number;
  /** The word starts a multi-word city name ("new", "san", "rapid"). */
  cityPrefix: boolean;
  /** Keyword sets (see triggers.ts) the word belongs to, one bit each. */
  triggers: number;
  /** A medical term, or the start of one (clinical shorthand: "resp", "levo", "abd"). */
  shorthand: boolean;
  /** A company the lexicon knows ("kroger", "starbucks"; "lowe" for "Lowe's"). */
  company: boolean;
}

const MIN_BIRTHS = 30;
/** Inflections that clinical writing adds to a medical word: "suctioning", "dopplerable", "boluses". */
const INFLECTION = /(?:ing|able|ed|es|s|ly)$/;

function inflectedClinical(key: string, lex: Lexicon): boolean {
  if (key.length <= 4) return false;
  const m = INFLECTION.exec(key);
  if (!m) return false;
  const stem = key.slice(0, key.length - m[0].length);
  return stem.length >= 3 && (lex.medical.has(stem) || lex.medical.truncates(stem));
}
/** Names rarer than this that are also common words read as words. */
const PROMINENT_BIRTHS = 20_000;
const PROMINENT_SURNAME_RANK = 5_000;
/** Words this frequent read as words unless listed as NAME_DOMINANT. */
const VERY_COMMON_WORD_RANK = 3_000;
/** Surnames that are also words this frequent read as words ("Beers", "Grades"). */
const SURNAME_WORD_RANK = 25_000;

const classCache = new WeakMap<Lexicon, Map<string, NameInfo>>();
let cachedGeneration = -1;
const CACHE_LIMIT = 100_000;

/** Classifies a folded token; results are memoised per lexicon (tokens repeat a lot). */
// The cache of the lexicon used last: one comparison instead of a WeakMap look-up per token.
let lastLex: Lexicon | undefined;
let lastCache: Map<string, NameInfo> | undefined;

export function classifyName(key: string, lex: Lexicon): NameInfo {
  if (lex === lastLex && lastCache !== undefined && cachedGeneration === triggerGeneration()) {
    const hit = lastCache.get(key);
    if (hit) return hit;
  }
  let cache = classCache.get(lex);
  if (cachedGeneration !== triggerGeneration()) {
    // A recognizer registered its keywords after some keys were cached: start over.
    cache?.clear();
    cachedGeneration = triggerGeneration();
  }
  if (!cache) {
    cache = new Map();
    classCache.set(lex, cache);
  }
  lastLex = lex;
  lastCache = cache;
  const hit = cache.get(key);
  if (hit) return hit;
  const info = classifyUncached(key, lex);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, info);
  return info;
}

function classifyUncached(key: string, lex: Lexicon): NameInfo {
  const first = lex.firstNames.get(key) ?? 0;
  const surnameRank = lex.surnames.get(key) ?? 0;
  const wordRank = lex.words.get(key) ?? 0;
  const isName = first >= MIN_BIRTHS || surnameRank > 0;
  const info: NameInfo = {
    cls: 'unknown',
    frequent: false,
    first,
    surnameRank,
    wordRank,
    cityPopulation: lex.usCities.get(key) ?? lex.worldCities.get(key) ?? -1,
    cityPrefix: lex.cityPrefixes.has(key),
    triggers: triggerBitsOf(key),
    shorthand: false,
    company: lex.companies.has(key) || lex.companies.has(`${key}s`),
  };
  if (NOT_NAMES.has(key) || MEDICATIONS.has(key) || COUNTRIES.has(key) || UNITS_AND_ABBREVIATIONS.has(key)) {
    info.cls = 'word';
    return info;
  }
  // Clinical vocabulary ("crackles", "levophed", "gtt"); shorthand ("resp", "vanco") is only a
  // hint, since many rare names start a medical term too ("Satu", "Kov").
  const clinical = lex.medical.has(key);
  info.shorthand = clinical || lex.medical.truncates(key) || inflectedClinical(key, lex);
  if (!isName) {
    info.cls = wordRank > 0 || clinical ? 'word' : 'unknown';
    return info;
  }
  const prominent = first >= PROMINENT_BIRTHS || (surnameRank > 0 && surnameRank <= PROMINENT_SURNAME_RANK);
  const prominentFirst = first >= PROMINENT_BIRTHS;
  const ambiguous =
    WORD_DOMINANT.has(key) ||
    (clinical && !prominent && !NAME_DOMINANT.has(key)) ||
    (wordRank > 0 &&
      !NAME_DOMINANT.has(key) &&
      // A common word, a rare name, or a surname-only name that is also a word ("Beers").
      (wordRank <= VERY_COMMON_WORD_RANK ||
        !prominent ||
        (!prominentFirst && wordRank <= SURNAME_WORD_RANK)));
  info.cls = ambiguous ? 'ambiguous' : 'name';
  info.frequent = key.length >= 3 && (first >= 2_000 || (surnameRank > 0 && surnameRank <= 15_000));
  return info;
}

/**
 * Misspelling tolerance: frequent names indexed by their single-deletion variants, so a
 * token within edit distance 1 of one of them is found with a few Set look-ups.
 */
export interface FuzzyIndex {
  has(key: string): boolean;
}

const fuzzyCache = new WeakMap<Lexicon, FuzzyIndex>();

function deletions(key: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < key.length; i++) out.push(key.slice(0, i) + key.slice(i + 1));
  return out;
}

export function fuzzyNames(lex: Lexicon): FuzzyIndex {
  const hit = fuzzyCache.get(lex);
  if (hit) return hit;
  const exact = new Set<string>();
  for (const [k, births] of lex.firstNames) {
    if (births >= 20_000 && k.length >= 4 && !lex.words.has(k)) exact.add(k);
  }
  for (const [k, rank] of lex.surnames) {
    if (rank <= 5_000 && k.length >= 4 && !lex.words.has(k)) exact.add(k);
  }
  const variants = new Set<string>();
  for (const k of exact) for (const d of deletions(k)) variants.add(d);
  const index: FuzzyIndex = {
    // Distance 1 (one substitution, insertion or deletion; transpositions count as 2).
    has(key: string): boolean {
      if (key.length < 4 || exact.has(key)) return exact.has(key);
      if (variants.has(key)) return true; // key is a name with one letter dropped
      for (const d of deletions(key)) if (exact.has(d) || variants.has(d)) return true;
      return false;
    },
  };
  fuzzyCache.set(lex, index);
  return index;
}
