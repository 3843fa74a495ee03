import { classifyName } from '../lexicon/classify.js';
import { COUNTRIES, UNITS_AND_ABBREVIATIONS } from '../lexicon/vocabulary.js';
import { isUsZip, type Lexicon } from '../lexicon/load.js';
import { STATE_ABBR, STATE_NAMES, US_STATES } from '../lexicon/geography.js';
import { gapIs } from '../text/runs.js';
import type { Token } from '../text/tokens.js';
import { hasTrigger, triggerBit } from '../lexicon/triggers.js';
import { forEachMatch } from '../text/scan.js';
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
  'iy',
);
// Non-US street names: Koskikatu 25, Pachergasse 64, Rua do Arenque 1634, Rákóczi út 13.
const FOREIGN_STREET = String.raw`(?:\b[\p{Lu}][\p{L}'’-]*(?:katu|tie|kuja|polku|straße|strasse|weg|gasse|laan|straat|vej|gade|gatan|vägen|veien|allee|platz|dijk|plein|graben|ufer|damm)|\b(?:ul\.|Ul\.|Rue|Via|Viale|Piazza|Piazzetta|Calle|Avenida|Rua|Praça|Carrer|Paseo|Plaza|Largo|Strada|Vicolo|Corso)(?:[ \t]+[\p{L}'’.-]+){1,3}?|\b[\p{Lu}][\p{L}'’-]*[ \t]+(?:út|útja|utca|ulica))`;
/** The first words and endings of FOREIGN_STREET: the costly pattern runs only when one occurs. */
const FOREIGN_PREFIXES = new Set([
  'ul',
  'Ul',
  'Rue',
  'Via',
  'Viale',
  'Piazza',
  'Piazzetta',
  'Calle',
  'Avenida',
  'Rua',
  'Praça',
  'Carrer',
  'Paseo',
  'Plaza',
  'Largo',
  'Strada',
  'Vicolo',
  'Corso',
]);
const FOREIGN_SUFFIX =
  /(?:katu|tie|kuja|polku|straße|strasse|weg|gasse|laan|straat|vej|gade|gatan|vägen|veien|allee|platz|dijk|plein|graben|ufer|damm|út|útja|utca|ulica)$/i;
const WORD_CHAR = /\w/;
/** Street words written in lowercase after the name: "Rákóczi út 13", "Miła ulica 5". */
const LOWER_STREET_WORDS = new Set(['ut', 'utja', 'utca', 'ulica']);
const SUFFIX_BIT = triggerBit(new Set(SUFFIX.split('|')));

/** STREET needs a street-type word within six tokens of the house number. */
function suffixAhead(tokens: readonly Token[], i: number): boolean {
  for (let j = i + 1; j <= i + 7 && j < tokens.length; j++)
    if (hasTrigger(tokens[j], SUFFIX_BIT)) return true;
  return false;
}
const FOREIGN = new RegExp(
  String.raw`(?:\b\d{1,6}[ \t]+)?(?:\b[\p{Lu}][\p{L}'’-]*[ \t]+){0,2}${FOREIGN_STREET}[ \t]+\d{1,5}[A-Za-z]?\b\.?(?:,?[ \t]*${UNIT})?`,
  'gu',
);
const ROUTE =
  /\b(?:Route|Rte\.?|Highway|Hwy\.?|Interstate|I-|US-|SR-|County Road|CR|Exit)[ -]?\d{1,4}[A-Z]?\b(?!\.\d)/g;
const PO_BOX = /\bP\.?[ \t]?O\.?[ \t]*Box[ \t]+\d{1,6}\b/gi;
const MILITARY =
  /\b(?:PSC|Unit|USNS|USS|USCGC)[ \t]+[\w ]{1,20}?,?[ \t]*(?:Box[ \t]+\d{1,5})?[ \t]*\n?[ \t]*(?:APO|FPO|DPO)[ \t]+(?:AA|AE|AP)[ \t]+\d{5}\b/gi;
// "zip code is 35350", and postcodes abroad: "394 13", "7412 SL", "53-320", "K1A 0B1".
const ZIP_WORDS = ['zip', 'Zip', 'ZIP', 'ostal', 'ostcode', 'OSTAL', 'OSTCODE'];
const ZIP_LABEL =
  /\b(?:zip(?:[ \t]?code)?|postal[ \t]code|zipcode|postcode)(?:[ \t]+is)?\W{0,3}(\d{3}[ ]\d{2}(?!\d)|\d{4}[ ]?[A-Z]{2}|\d{2}-\d{3}|\d{3,5}(?:-\d{4})?|[A-Z]\d[A-Z][ ]?\d[A-Z]\d)\b/gi;
/** Each pattern with the literal words one of its matches must contain. */
const PATTERNS: ReadonlyArray<readonly [RegExp, readonly string[]]> = [
  [ROUTE, ['Route', 'Rte', 'Highway', 'Hwy', 'Interstate', 'I-', 'US-', 'SR-', 'County Road', 'CR', 'Exit']],
  [PO_BOX, ['Box', 'box', 'BOX']],
  [MILITARY, ['APO', 'FPO', 'DPO', 'apo', 'fpo', 'dpo']],
];
const CUES = new Set([
  'in',
  'from',
  'to',
  'near',
  'outside',
  'around',
  'visiting',
  'visited',
  'toward',
  'towards',
  'via',
  'into',
  'downtown',
  'suburban',
  'rural',
  'lives',
  'moved',
  'relocated',
  'born',
  'raised',
]);
const NOT_CITY = new Set([
  'home',
  'school',
  'church',
  'work',
  'office',
  'session',
  'person',
  'group',
  'crisis',
  'treatment',
  'recovery',
  'therapy',
  'care',
  'hospital',
  'jail',
  'prison',
  'court',
  'class',
  'bed',
  'town',
  'city',
  'may',
  'march',
  'june',
  'july',
  'april',
  'august',
  'god',
  'english',
  'spanish',
  'canada',
  'mexico',
  'patient',
  'client',
  'general',
  'center',
  'progress',
  'the',
  'a',
  'an',
  'plan',
  'mood',
]);

function push(out: Span[], start: number, end: number, confidence: number, source: string): void {
  if (end > start) out.push({ start, end, type: 'LOCATION', confidence, source });
}

export function detectLocations(text: string, tokens: readonly Token[], lex: Lexicon): Span[] {
  const out: Span[] = [];
  // Streets start at a number: tried at number tokens, not scanned over the text.
  let after = 0;
  let hint = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.shape !== 'digit') {
      if (!hint && FOREIGN_PREFIXES.has(t.text)) hint = true;
      continue;
    }
    const prev = tokens[i - 1];
    if (
      !hint &&
      prev &&
      (prev.shape === 'cap' ? FOREIGN_SUFFIX.test(prev.text) : LOWER_STREET_WORDS.has(prev.key)) &&
      /^[ \t]+$/.test(text.slice(prev.end, t.start))
    )
      hint = true;
    if (t.start < after || WORD_CHAR.test(text[t.start - 1] ?? ' ') || !suffixAhead(tokens, i)) continue;
    STREET.lastIndex = t.start;
    const m = STREET.exec(text);
    if (!m) continue;
    // "Dr"/"St" after a lowercase word are usually "Dr. Smith" / "St. Mark's": need capitals.
    if (
      /\b(?:dr|st|ct|pl|way|park|green|point|pt|run|walk|row|close|commons)\.?$/i.test(
        m[0].split(/[,\n]/)[0] ?? '',
      ) &&
      !/[A-Z]/.test(m[0].replace(/^\d+\s*/, '').charAt(0))
    )
      continue;
    // "8 MCG. BP STABLE CONT AV", "4.0 KCL NOT GIVEN DR": a dose and clinical words before an
    // abbreviation that is also a street type (AV block, Dr.), not an address.
    if (text.charCodeAt(t.start - 1) === 46 || clinicalWords(m[0], lex)) continue;
    after = m.index + m[0].length;
    push(out, m.index, m.index + m[0].replace(/[.,\s]+$/, '').length, 0.9, 'location:street');
  }
  if (hint)
    forEachMatch(FOREIGN, text, (m) => {
      push(out, m.index, m.index + m[0].replace(/[.,\s]+$/, '').length, 0.7, 'location:street-intl');
    });
  for (const [re, words] of PATTERNS) {
    if (!words.some((w) => text.includes(w))) continue;
    forEachMatch(re, text, (m) =>
      push(out, m.index, m.index + m[0].replace(/[.,\s]+$/, '').length, 0.85, 'location:pattern'),
    );
  }
  detectPlaceWords(text, tokens, lex, out);
  if (ZIP_WORDS.some((w) => text.includes(w)))
    forEachMatch(ZIP_LABEL, text, (m) => {
      const v = m[1] as string;
      const s = m.index + m[0].length - v.length;
      push(out, s, s + v.length, 0.95, 'location:zip');
    });
  detectCities(text, tokens, lex, out);
  postcodeAfterCountry(tokens, out);
  return extendAddressBlocks(text, out);
}

/** "Estonia 62488", "Uruguay 64677": a postal code after a country name. */
function postcodeAfterCountry(tokens: readonly Token[], out: Span[]): void {
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i] as Token;
    const n = tokens[i + 1] as Token;
    if (
      n.shape === 'digit' &&
      n.text.length >= 4 &&
      n.text.length <= 6 &&
      t.shape !== 'lower' &&
      COUNTRIES.has(t.key)
    ) {
      push(out, n.start, n.end, 0.8, 'location:postcode');
    }
  }
}

const TOWN_AFTER_COMMA =
  /^,[ \t]*(?:\d{4,5}[ \t]+)?(?!(?:Dr|Mr|Mrs|Ms|Apt|Suite|Unit|Room|Rm|Bed|Pt|Patient|He|She|They|We|I|And|But|The|Then|Please|Thanks)\b)\p{Lu}[\p{L}'’-]+(?:[ \t]+\p{Lu}[\p{L}'’-]+){0,2}(?=[ \t]*(?:[,.;:?!)]|$|\n)|[ \t]+(?:[A-Z]{2}\b|\d{5}))/u;
const CONTINUATION =
  /^[ \t>]*,?[ \t]*(?=\S)(?:[\p{Lu}\d][\p{L}\d'’.()-]*(?:[ \t,]+[\p{L}\d][\p{L}\d'’.()-]*){0,4})[ \t,.]*$/u;
const STREET_SOURCES = new Set([
  'location:street',
  'location:street-intl',
  'location:unit',
  'location:pattern',
  'location:address-cue',
]);

/**
 * A street line starts an address block: the short lines under it (unit, town, region,
 * country, postcode) belong to it. Up to three lines, one blank line allowed.
 */
export function extendAddressBlocks(text: string, spans: Span[]): Span[] {
  for (const s of spans) {
    if (!STREET_SOURCES.has(s.source)) continue;
    // "22 Elm St, Worcester?", "Hauptstraße 12, 10115 Berlin": the town after a comma.
    const tail = TOWN_AFTER_COMMA.exec(text.slice(s.end, s.end + 60));
    if (tail) s.end += tail[0].length;
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

/** "lives in", "moved to", "from", "grew up in": the cue before a lowercase or all-caps town. */
const PLACE_VERB = new Set([
  'lives',
  'living',
  'live',
  'moved',
  'moving',
  'relocated',
  'born',
  'raised',
  'grew',
  'resides',
  'residing',
  'visiting',
  'visited',
  'stays',
  'staying',
  'house',
  'home',
  'apartment',
  'family',
  'drove',
  'rehab',
  'nearby',
]);
function placeCueBefore(tokens: readonly Token[], i: number): boolean {
  const cue = tokens[i - 1];
  if (!cue) return false;
  if (cue.key === 'from' || cue.key === 'near' || cue.key === 'downtown') return true;
  // "lives with her sister in catonsville": a verb of living earlier in the clause.
  for (let k = i - 2; k >= Math.max(0, i - 6); k--) {
    const w = tokens[k] as Token;
    if (PLACE_VERB.has(w.key) || (w.key === 'up' && tokens[k - 1]?.key === 'grew')) return true;
    if (w.sentenceStart) break;
  }
  return false;
}

/** A street candidate whose words are units or short clinical terms ("MCG", "BP", "KCL"). */
function clinicalWords(candidate: string, lex: Lexicon): boolean {
  const words = candidate.split(/[,\n]/)[0]?.match(/[A-Za-z]+/g) ?? [];
  return words.slice(0, -1).some((w) => {
    const k = w.toLowerCase();
    return UNITS_AND_ABBREVIATIONS.has(k) || (k.length <= 4 && lex.medical.has(k) && !lex.surnames.has(k));
  });
}

function detectCities(text: string, tokens: readonly Token[], lex: Lexicon, out: Span[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.shape === 'digit' || t.shape === 'mixed') continue;
    const info = t.info ?? classifyName(t.key, lex);
    if (info.cityPopulation < 0 && !info.cityPrefix) continue;
    // "Hashimoto's", "Addison's": an eponym, not the town of that name.
    if (t.possessive && lex.medical.has(t.key)) continue;
    // Capitals that say nothing: lowercase ("lives in catonsville"), an acronym ("OSH", "ICA") or
    // an ALL-CAPS line. Such a word is a town only after a place cue, and only if it is no word.
    const neutral = t.shape === 'lower' || (t.shape === 'upper' && (t.upperLine || t.text.length <= 3));
    if (neutral && !(i > 0 && CUES.has((tokens[i - 1] as Token).key))) continue;
    let key = '';
    let best = -1;
    let fullKey = '';
    let population = 0;
    for (let j = i; j < Math.min(tokens.length, i + lex.maxCityWords); j++) {
      const tj = tokens[j] as Token;
      if (
        j > i &&
        ((tj.shape === 'lower') !== (t.shape === 'lower') ||
          tj.shape === 'digit' ||
          !gapIs(text, tokens[j - 1] as Token, tj, ' '))
      )
        break;
      if (j > i && !lex.cityPrefixes.has(key)) break;
      key = j === i ? t.key : `${key} ${tj.key}`;
      const pop =
        j === i
          ? info.cityPopulation < 0
            ? undefined
            : info.cityPopulation
          : (lex.usCities.get(key) ?? lex.worldCities.get(key));
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
    const isPersonName =
      best === i && (info.first >= 2000 || (info.surnameRank > 0 && info.surnameRank <= 5000));
    // "the Columbia Suicide Severity Rating Scale", "Chicago Bulls": part of a longer name.
    const next = tokens[best + 1];
    const partOfLonger =
      next !== undefined && (next.shape === 'cap' || next.shape === 'upper') && gapIs(text, last, next, ' ');
    let confidence = 0;
    if (neutral) {
      const plain =
        best === i && (info.cls === 'word' || info.shorthand || info.wordRank > 0 || isPersonName);
      // A large town needs only "in"/"to" ("works in joliet"); a small one a verb of living too.
      if (cued && (placeCueBefore(tokens, i) || population >= 50_000) && !plain) confidence = 0.7;
    } else if (partOfLonger && !cued) confidence = 0;
    else if (cued) confidence = isWord ? (t.caseless || t.sentenceStart ? 0 : 0.55) : 0.85;
    // A town of 20,000 that is no word or name, capitalised mid-sentence ("Duluth 2008-2012").
    else if (!isWord && !isPersonName && population >= 100_000) confidence = 0.7;
    else if (!isWord && !isPersonName && population >= 20_000 && !t.sentenceStart && !t.caseless)
      confidence = 0.6;
    else if (!isWord && !isPersonName && best > i && population >= 20_000) confidence = 0.7;
    // "Minneapolis 55407": a town with its ZIP code and no state between.
    const zip = tokens[best + 1];
    if (
      zip &&
      zip.shape === 'digit' &&
      zip.text.length === 5 &&
      /^,?[ \t]{1,2}$/.test(text.slice(last.end, zip.start)) &&
      !/^(?:[\d/-]|\.\d)/.test(text.slice(zip.end, zip.end + 2)) &&
      isUsZip(zip.text, lex)
    ) {
      confidence = Math.max(confidence, 0.8);
      push(out, zip.start, zip.end, 0.85, 'location:zip');
    }
    if (confidence > 0) push(out, t.start, last.end, confidence, 'location:city');
    i = best;
  }
}
