import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/**
 * Name and place lexicons shipped in `data/` (built by scripts/build-lexicons.mjs; sources
 * and licenses in data/README.md). All keys are folded: lowercase, no diacritics, no
 * apostrophes.
 */
export interface Lexicon {
  /** First name → births recorded by the SSA, 1880-2024. */
  firstNames: ReadonlyMap<string, number>;
  /** Surname → frequency rank in the 1990 Census (1 = Smith). */
  surnames: ReadonlyMap<string, number>;
  /** Common English word → frequency rank (1 = "the"). */
  words: ReadonlyMap<string, number>;
  /** US city or town → population (0 when unknown). */
  usCities: ReadonlyMap<string, number>;
  /** Cities outside the US with population >= 50,000 → population. */
  worldCities: ReadonlyMap<string, number>;
  /** Proper prefixes of multi-word city names ("new", "new york"): when to keep extending. */
  cityPrefixes: ReadonlySet<string>;
  /** Longest city name in tokens, to bound multi-word look-ups. */
  maxCityWords: number;
  zips: Uint8Array;
  /**
   * Medical vocabulary (drug names, anatomy, procedures, clinical shorthand such as "gtt",
   * "pulm", "hct"), folded, sorted: what a clinical note is made of and a name is not.
   */
  medical: MedicalTerms;
  /** Company and brand names (folded, no common words): employers, stores, chains. */
  companies: ReadonlySet<string>;
}

export interface MedicalTerms {
  has(key: string): boolean;
  /** `key` (3+ letters) starts a longer medical or English word: shorthand ("resp", "vanco", "freq"). */
  truncates(key: string): boolean;
}

let cached: Lexicon | undefined;

function dataFile(name: string): URL {
  return new URL(`../../data/${name}`, import.meta.url);
}

function readLines(name: string): string[] {
  return readFileSync(dataFile(name), 'utf8')
    .split('\n')
    .filter((l) => l.length > 0);
}

function tsvNumbers(name: string, normalise: (k: string) => string = (k) => k): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of readLines(name)) {
    const tab = line.indexOf('\t');
    const next = line.indexOf('\t', tab + 1);
    const key = normalise(line.slice(0, tab));
    if (!map.has(key)) map.set(key, Number(line.slice(tab + 1, next === -1 ? undefined : next)));
  }
  return map;
}

/** City keys as the tokenizer sees them: "st. mary's" → "st marys", "winston-salem" → "winston salem". */
function placeKey(k: string): string {
  return k.replace(/['’.]/g, '').replace(/-/g, ' ').replace(/\s+/g, ' ').trim();
}

function ranked(name: string): Map<string, number> {
  const map = new Map<string, number>();
  readLines(name).forEach((w, i) => {
    if (!map.has(w)) map.set(w, i + 1);
  });
  return map;
}

/** Loads the lexicons on first use and keeps them for the life of the process. */
export function lexicon(): Lexicon {
  if (cached) return cached;
  const usCities = tsvNumbers('us-cities.tsv', placeKey);
  const worldCities = tsvNumbers('world-cities.tsv', placeKey);
  let maxCityWords = 1;
  const cityPrefixes = new Set<string>();
  for (const k of [...usCities.keys(), ...worldCities.keys()]) {
    const words = k.split(' ');
    for (let i = 1; i < words.length; i++) cityPrefixes.add(words.slice(0, i).join(' '));
    if (words.length > maxCityWords) maxCityWords = words.length;
  }
  const words = ranked('english-words.txt');
  cached = {
    firstNames: tsvNumbers('first-names.tsv'),
    surnames: ranked('surnames.txt'),
    words,
    usCities,
    worldCities,
    cityPrefixes,
    maxCityWords: Math.min(maxCityWords, 4),
    zips: new Uint8Array(readFileSync(dataFile('us-zips.bin'))),
    medical: medicalTerms(words),
    companies: companyNames(words),
  };
  return cached;
}

/**
 * The medical word list of npm `@cspell/dict-medicalterms` (OpenMedSpel and Raj&Co-Med-Spel-Chek,
 * merged by Aristotelis P.; GPL-3.0-or-later). It is read from the installed package at run time
 * and never copied into this repository, so CareRelay's own files stay Apache-2.0.
 */
function medicalTerms(english: ReadonlyMap<string, number>): MedicalTerms {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@cspell/dict-medicalterms/cspell-ext.json'));
  const raw = gunzipSync(readFileSync(join(root, 'dict', 'medicalterms-en.txt.gz'))).toString('utf8');
  const keys = new Set<string>();
  for (const line of raw.split('\n')) {
    const w = line.trim();
    if (w.length < 2 || w.startsWith('#') || /[^A-Za-z'-]/.test(w)) continue;
    keys.add(w.toLowerCase().replace(/'/g, ''));
  }
  // Shorthand cuts medical and everyday words alike: "resp", "vanco", but also "freq", "cont".
  const sorted = [...new Set([...keys, ...english.keys()])].sort();
  return {
    has: (key) => keys.has(key),
    truncates(key) {
      if (key.length < 3) return false;
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((sorted[mid] as string) < key) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < sorted.length && i < lo + 2; i++) {
        const w = sorted[i] as string;
        if (w.length > key.length && w.startsWith(key)) return true;
      }
      return false;
    },
  };
}

/**
 * Company names of npm `@cspell/dict-companies` (MIT, Street Side Software), read from the
 * installed package. Ticker symbols (all capitals) and names that are common words ("Target",
 * "Income") are left out: they say nothing on their own.
 */
function companyNames(english: ReadonlyMap<string, number>): Set<string> {
  const require = createRequire(import.meta.url);
  const root = dirname(require.resolve('@cspell/dict-companies/cspell-ext.json'));
  const out = new Set<string>();
  for (const line of readFileSync(join(root, 'dict', 'companies.txt'), 'utf8').split('\n')) {
    const name = line.trim();
    if (name.length < 3 || name.startsWith('#') || name.includes(' ') || !/[a-z]/.test(name)) continue;
    const key = name.toLowerCase().replace(/['’]/g, '');
    const rank = english.get(key) ?? 0;
    if (rank > 0 && rank <= 20_000) continue;
    out.add(key);
  }
  return out;
}

export function isUsZip(zip5: string, lex: Lexicon = lexicon()): boolean {
  const n = Number(zip5);
  if (!Number.isInteger(n) || n < 0 || n >= 100_000) return false;
  return ((lex.zips[n >> 3] ?? 0) & (1 << (n & 7))) !== 0;
}
