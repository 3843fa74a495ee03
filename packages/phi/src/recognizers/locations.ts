import { classifyName } from '../lexicon/classify.js';
import { COUNTRIES } from '../lexicon/vocabulary.js';
import type { Lexicon } from '../lexicon/load.js';
import { STATE_ABBR, STATE_NAMES, US_STATES } from '../lexicon/geography.js';
import { gapIs } from '../text/runs.js';
import type { Token } from '../text/tokens.js';
import { detectPlaceWords } from './place-words.js';
import type { Span } from '../types.js';

// Safe Harbor (164.514(b)(2)(i)(B)): all geographic subdivisions smaller than a state —
// street address, city, county, precinct, ZIP code. States and countries are not flagged.

const SUFFIX =
  'street|st|avenue|ave|av|road|rd|boulevard|blvd|drive|dr|lane|ln|court|ct|way|place|pl|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|trail|trl|loop|square|sq|plaza|plz|alley|aly|row|crescent|cres|close|pike|turnpike|tpke|run|path|walk|crossing|xing|ridge|heights|hts|expressway|expy|freeway|fwy|cove|cv|bend|mews|gardens|grove|hollow|landing|point|park|estates';
const UNIT = String.raw`(?:[Aa]pt|[Aa]partment|[Uu]nit|[Ss]uite|[Ss]te|[Bb]ldg|[Bb]uilding|[Ff]l|[Ff]loor|[Rr]m|[Rr]oom|[Ll]ot|[Tt]rlr|[Ff]lat|[Bb]ox|APT|UNIT|SUITE|STE)\.?[ \t]*#?[ \t]*[A-Za-z0-9-]{1,6}\b`;
const NAME_WORD = String.raw`(?!(?:and|or|to|at|by|the|of|for|with|per|in|on|mg|ml|times|x|pills?|tabs?|days?|weeks?|months?|years?|hours?|minutes?|mins?|am|pm|was|is|a|an|my|his|her|their|our)\b)(?:[A-Za-z]{1,3}\.|[A-Za-z][A-Za-z'’-]*)`;

const STREET = new RegExp(
  String.raw`\b\d{1,6}[A-Za-z]?(?:-\d{1,4})?(?:[ \t]+(?:[NSEW]\.?|north|south|east|west|ne|nw|se|sw))?(?:[ \t]+(?:${NAME_WORD}|\d{1,3}(?:st|nd|rd|th))){1,4}[ \t]+(?:${SUFFIX})\b\.?(?:,?[ \t]*(?:#[ \t]*[A-Za-z0-9-]{1,6}\b|${UNIT}))?(?:(?:,[ \t]*|[ \t]*\n[ \t]*)[A-Z][A-Za-z'’-]+(?:[ \t]+[A-Z][A-Za-z'’-]+){0,3},[ \t]*(?:${STATE_ABBR}|${STATE_NAMES})\b\.?(?:[ \t]+\d{5}(?:-\d{4})?)?)?`,
  'gi',
);
// Non-US street names: Koskikatu 25, Pachergasse 64, Rua do Arenque 1634, Rákóczi út 13.
const FOREIGN_STREET = String.raw`(?:\b[\p{Lu}][\p{L}'’-]*(?:katu|tie|kuja|polku|straße|strasse|weg|gasse|laan|straat|vej|gade|gatan|vägen|veien|allee|platz|dijk|plein|graben|ufer|damm)|\b(?:ul\.|Ul\.|Rue|Via|Viale|Piazza|Piazzetta|Calle|Avenida|Rua|Praça|Carrer|Paseo|Plaza|Largo|Strada|Vicolo|Corso)(?:[ \t]+[\p{L}'’.-]+){1,3}?|\b[\p{Lu}][\p{L}'’-]*[ \t]+(?:út|útja|utca|ulica))`;
const FOREIGN_HINT = /(?:katu|tie|kuja|polku|straße|strasse|weg|gasse|laan|straat|vej|gade|gatan|vägen|veien|allee|platz|dijk|plein|graben|ufer|damm|út|útja|utca|ulica)[ \t]+\d|(?:ul\.|Ul\.|Rue|Via|Viale|Piazza|Piazzetta|Calle|Avenida|Rua|Praça|Carrer|Paseo|Plaza|Largo|Strada|Vicolo|Corso) /;
const FOREIGN = new RegExp(
  String.raw`(?:\b\d{1,6}[ \t]+)?(?:\b[\p{Lu}][\p{L}'’-]*[ \t]+){0,2}${FOREIGN_STREET}[ \t]+\d{1,5}[A-Za-z]?\b\.?(?:,?[ \t]*${UNIT})?`,
  'gu',
);
const ROUTE = /\b(?:Route|Rte\.?|Highway|Hwy\.?|Interstate|I-|US-|SR-|County Road|CR|Exit)[ -]?\d{1,4}[A-Z]?\b/g;
const PO_BOX = /\bP\.?[ \t]?O\.?[ \t]*Box[ \t]+\d{1,6}\b/gi;
const MILITARY = /\b(?:PSC|Unit|USNS|USS|USCGC)[ \t]+[\w ]{1,20}?,?[ \t]*(?:Box[ \t]+\d{1,5})?[ \t]*\n?[ \t]*(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5}\b/gi;
const ZIP_LABEL = /\b(?:zip(?:[ \t]?code)?|postal[ \t]code|zipcode|postcode)\W{0,3}(\d{4,5}(?:-\d{4})?|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)\b/gi;
const CUES = new Set([
  'in', 'from', 'to', 'near', 'outside', 'around', 'visiting', 'visited', 'toward', 'towards',
  'via', 'into', 'downtown', 'suburban', 'rural', 'lives', 'moved', 'relocated', 'born', 'raised',
]);
const NOT_CITY = new Set([
  'home', 'school', 'church', 'work', 'office', 'session', 'person', 'group', 'crisis', 'treatment',
  'recovery', 'therapy', 'care', 'hospital', 'jail', 'prison', 'court', 'class', 'bed', 'town', 'city',
  'may', 'march', 'june', 'july', 'april', 'august', 'god', 'english', 'spanish', 'canada', 'mexico',
  'patient', 'client', 'general', 'center', 'progress', 'the', 'a', 'an', 'plan', 'mood',
]);

function push(out: Span[], start: number, end: number, confidence: number, source: string): void {
  if (end > start) out.push({ start, end, type: 'LOCATION', confidence, source });
}

export function detectLocations(text: string, tokens: readonly Token[], lex: Lexicon): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(STREET)) {
    // "Dr"/"St" after a lowercase word are usually "Dr. Smith" / "St. Mark's": need capitals.
    if (/\b(?:dr|st|ct|pl|way|park|green|point|pt|run|walk|row|close|commons)\.?$/i.test(m[0].split(/[,\n]/)[0] ?? '') && !/[A-Z]/.test(m[0].replace(/^\d+\s*/, '').charAt(0))) continue;
    push(out, m.index, m.index + m[0].replace(/[.,\s]+$/, '').length, 0.9, 'location:street');
  }
  if (FOREIGN_HINT.test(text)) for (const m of text.matchAll(FOREIGN)) {
    push(out, m.index, m.index + m[0].replace(/[.,\s]+$/, '').length, 0.7, 'location:street-intl');
  }
  for (const re of [ROUTE, PO_BOX, MILITARY]) {
    for (const m of text.matchAll(re)) push(out, m.index, m.index + m[0].replace(/[.,\s]+$/, '').length, 0.85, 'location:pattern');
  }
  detectPlaceWords(text, tokens, lex, out);
  for (const m of text.matchAll(ZIP_LABEL)) {
    const v = m[1] as string;
    const s = m.index + m[0].length - v.length;
    push(out, s, s + v.length, 0.95, 'location:zip');
  }
  detectCities(text, tokens, lex, out);
  postcodeAfterCountry(tokens, out);
  return extendAddressBlocks(text, out);
}

/** "Estonia 62488", "Uruguay 64677": a postal code after a country name. */
function postcodeAfterCountry(tokens: readonly Token[], out: Span[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i] as Token;
    const n = tokens[i + 1] as Token;
    if (n.shape === 'digit' && n.text.length >= 4 && n.text.length <= 6 && t.shape !== 'lower' && COUNTRIES.has(t.key)) {
      push(out, n.start, n.end, 0.8, 'location:postcode');
    }
  }
}

const CONTINUATION = /^[ \t>]*,?[ \t]*(?=\S)(?:[\p{Lu}\d][\p{L}\d'’.()-]*(?:[ \t,]+[\p{L}\d][\p{L}\d'’.()-]*){0,4})[ \t,.]*$/u;
const STREET_SOURCES = new Set(['location:street', 'location:street-intl', 'location:unit', 'location:pattern']);

/**
 * A street line starts an address block: the short lines under it (unit, town, region,
 * country, postcode) belong to it. Up to three lines, one blank line allowed.
 */
function extendAddressBlocks(text: string, spans: Span[]): Span[] {
  for (const s of spans) {
    if (!STREET_SOURCES.has(s.source)) continue;
    let end = s.end;
    for (let lines = 0; lines < 4; lines++) {
      const nl = text.indexOf('\n', end);
      if (nl === -1 || text.slice(end, nl).trim().replace(/^[,.]/, '') !== '') break;
      let lineStart = nl + 1;
      if (text[lineStart] === '\n' || text.slice(lineStart, text.indexOf('\n', lineStart)).trim() === '') {
        const next = text.indexOf('\n', lineStart);
        if (next === -1) break;
        lineStart = next + 1;
      }
      const lineEnd = text.indexOf('\n', lineStart) === -1 ? text.length : text.indexOf('\n', lineStart);
      const line = text.slice(lineStart, lineEnd);
      if (line.length > 60 || !CONTINUATION.test(line)) break;
      end = lineStart + line.replace(/[ \t,.]+$/, '').length;
    }
    s.end = end;
  }
  return spans;
}

function detectCities(text: string, tokens: readonly Token[], lex: Lexicon, out: Span[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.shape !== 'cap' && t.shape !== 'upper') continue;
    const info = t.info ?? classifyName(t.key, lex);
    if (info.cityPopulation < 0 && !info.cityPrefix) continue;
    let key = '';
    let best = -1;
    let fullKey = '';
    let population = 0;
    for (let j = i; j < Math.min(tokens.length, i + lex.maxCityWords); j++) {
      const tj = tokens[j] as Token;
      if (j > i && (tj.shape === 'lower' || tj.shape === 'digit' || !gapIs(text, tokens[j - 1] as Token, tj, ' '))) break;
      if (j > i && !lex.cityPrefixes.has(key)) break;
      key = j === i ? t.key : `${key} ${tj.key}`;
      const pop = j === i ? (info.cityPopulation < 0 ? undefined : info.cityPopulation) : (lex.usCities.get(key) ?? lex.worldCities.get(key));
      if (pop !== undefined) {
        best = j;
        fullKey = key;
        population = pop;
      }
    }
    if (best < 0) continue;
    const last = tokens[best] as Token;
    if (NOT_CITY.has(fullKey) || US_STATES.has(fullKey) || COUNTRIES.has(fullKey)) continue;
    const prev = tokens[i - 1];
    const cued = prev !== undefined && CUES.has(prev.key) && text.slice(prev.end, t.start) === ' ';
    const wordRank = best === i ? info.wordRank : 0;
    const isWord = wordRank > 0 && wordRank <= 30_000;
    const isPersonName = best === i && (info.first >= 2000 || (info.surnameRank > 0 && info.surnameRank <= 5000));
    // "the Columbia Suicide Severity Rating Scale", "Chicago Bulls": part of a longer name.
    const next = tokens[best + 1];
    const partOfLonger = next !== undefined && (next.shape === 'cap' || next.shape === 'upper') && gapIs(text, last, next, ' ');
    let confidence = 0;
    if (partOfLonger && !cued) confidence = 0;
    else if (cued) confidence = isWord ? (t.caseless || t.sentenceStart ? 0 : 0.55) : 0.85;
    else if (!isWord && !isPersonName && population >= 100_000) confidence = 0.7;
    else if (!isWord && !isPersonName && best > i && population >= 20_000) confidence = 0.7;
    if (confidence > 0) push(out, t.start, last.end, confidence, 'location:city');
    i = best;
  }
}
