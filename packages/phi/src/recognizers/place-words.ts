import { STATE_ABBRS, US_STATES } from '../lexicon/geography.js';
import type { Lexicon } from '../lexicon/load.js';
import { isUsZip } from '../lexicon/load.js';
import { triggerBit } from '../lexicon/triggers.js';
import { capitalRunAfter, capitalRunBefore, gapIs, isCapitalised, spaceBetween } from '../text/runs.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';

// Token-driven place patterns: each starts from a keyword token (a street type, "County",
// a state abbreviation) and walks to the capitalised words around it. One pass over the
// tokens instead of one regex scan per pattern.

const STREET_WORDS = new Set([
  'street',
  'st',
  'avenue',
  'ave',
  'road',
  'rd',
  'boulevard',
  'blvd',
  'drive',
  'lane',
  'ln',
  'court',
  'terrace',
  'circle',
  'parkway',
  'pkwy',
  'highway',
  'trail',
  'place',
  'pike',
  'alley',
]);
const AREA_WORDS = new Set([
  'county',
  'parish',
  'borough',
  'township',
  'twp',
  'heights',
  'hills',
  'village',
  'valley',
  'springs',
  'falls',
  'beach',
  'harbor',
  'harbour',
  'creek',
  'ridge',
  'estates',
  'gardens',
  'meadows',
  'manor',
  'commons',
  'projects',
  'apartments',
  'apts',
  'towers',
  'neighborhood',
  'district',
  'precinct',
]);
const PLACE_PREFIXES = new Set([
  'lake',
  'mount',
  'mt',
  'fort',
  'ft',
  'port',
  'camp',
  'glen',
  'east',
  'west',
  'north',
  'south',
]);
const UNIT_WORDS = new Set(['apt', 'apartment', 'suite', 'ste', 'unit']);
const STATE_WORDS = new Set([...US_STATES].map((s) => s.split(' ')[0] as string));
const STREET_BIT = triggerBit(STREET_WORDS);
const AREA_BIT = triggerBit(AREA_WORDS);
const PREFIX_BIT = triggerBit(PLACE_PREFIXES);
const UNIT_BIT = triggerBit(UNIT_WORDS);
const STATE_BIT = triggerBit(new Set([...STATE_WORDS, ...[...STATE_ABBRS].map((a) => a.toLowerCase())]));
const ANY_BIT = STREET_BIT | AREA_BIT | PREFIX_BIT | UNIT_BIT | STATE_BIT;
/** Capitalised words that end a run of place words rather than belong to it. */
const NOT_PLACE = new Set([
  'the',
  'a',
  'an',
  'in',
  'on',
  'at',
  'to',
  'from',
  'lives',
  'moved',
  'client',
  'pt',
  'patient',
  'and',
]);
/** State abbreviations that are also common capitalised words or credentials. */
const WEAK_ABBRS = new Set([
  'MD',
  'DO',
  'PA',
  'NP',
  'RN',
  'OR',
  'IN',
  'ME',
  'OK',
  'HI',
  'ID',
  'CO',
  'MA',
  'MS',
  'DC',
  'LA',
  'AL',
  'DE',
]);

function push(out: Span[], start: number, end: number, confidence: number, source: string): void {
  if (end > start) out.push({ start, end, type: 'LOCATION', confidence, source });
}

function trimRunStart(tokens: readonly Token[], a: number, b: number): number {
  while (
    a < b &&
    (NOT_PLACE.has((tokens[a] as Token).key) ||
      ((tokens[a] as Token).sentenceStart && NOT_PLACE.has((tokens[a] as Token).key)))
  )
    a++;
  return a;
}

export function detectPlaceWords(text: string, tokens: readonly Token[], lex: Lexicon, out: Span[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const bits = t.info?.triggers ?? 0;
    if ((bits & ANY_BIT) === 0) continue;
    const capital = isCapitalised(t);
    if (capital && bits & STREET_BIT && i > 0 && (t.shape !== 'upper' || t.caseless)) {
      const next = tokens[i + 1];
      // "St. Mark's" is a saint, "Dr. Smith" a doctor: a street type before a name is not a street.
      if (
        (t.key === 'st' || t.key === 'place') &&
        next &&
        isCapitalised(next) &&
        (gapIs(text, t, next, '. ') || spaceBetween(text, t, next))
      )
        continue;
      const a = trimRunStart(tokens, capitalRunBefore(text, tokens, i, 3), i);
      if (a < i && !(tokens[a] as Token).caseless)
        push(out, (tokens[a] as Token).start, t.end, 0.85, 'location:street-name');
    } else if (capital && bits & AREA_BIT && i > 0) {
      const a = trimRunStart(tokens, capitalRunBefore(text, tokens, i, 2), i);
      if (a < i)
        push(
          out,
          (tokens[a] as Token).start,
          t.end,
          t.key === 'county' || t.key === 'parish' ? 0.9 : 0.75,
          'location:area',
        );
    } else if (capital && bits & PREFIX_BIT) {
      const b = capitalRunAfter(text, tokens, i, 2);
      if (b > i && !t.caseless) {
        const key = tokens
          .slice(i, b + 1)
          .map((x) => x.key)
          .join(' ');
        if (!US_STATES.has(key)) push(out, t.start, (tokens[b] as Token).end, 0.6, 'location:place');
      }
    } else if (bits & UNIT_BIT) {
      const n = tokens[i + 1];
      if (n && n.shape === 'digit' && /^\.?[ \t]*#?[ \t]*$/.test(text.slice(t.end, n.start))) {
        let end = n.end;
        const after = tokens[i + 2];
        if (after && after.start === n.end && after.text.length === 1) end = after.end; // 4B
        push(out, t.start, end, 0.8, 'location:unit');
      }
    } else if (t.shape === 'upper' && t.text.length === 2 && STATE_ABBRS.has(t.text)) {
      cityBeforeState(text, tokens, i, lex, out);
    } else if (capital && i > 0 && bits & STATE_BIT && isStateName(tokens, i)) {
      cityBeforeState(text, tokens, i, lex, out);
    }
  }
}

function isStateName(tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  if (US_STATES.has(t.key)) return true;
  const n = tokens[i + 1];
  return n !== undefined && US_STATES.has(`${t.key} ${n.key}`);
}

/** "Springfield, IL 62704": the city before a state, and the ZIP after it. */
function cityBeforeState(text: string, tokens: readonly Token[], i: number, lex: Lexicon, out: Span[]): void {
  const st = tokens[i] as Token;
  const prev = tokens[i - 1];
  if (!prev || !(gapIs(text, prev, st, ', ') || gapIs(text, prev, st, ',') || spaceBetween(text, prev, st)))
    return;
  const last = i - 1;
  const first = capitalRunBefore(text, tokens, last, 3);
  // A town is a word of 2+ letters standing on its own ("2L NC" is two litres by nasal cannula).
  if (!isCapitalised(prev) || prev.text.length < 2 || tokens[last - 1]?.end === prev.start) return;
  const comma = gapIs(text, prev, st, ', ') || gapIs(text, prev, st, ',');
  // Keep the longest known city that ends the run ("Maria Lopez Springfield" → "Springfield").
  let start = -1;
  for (let k = first; k <= last; k++) {
    const key = tokens
      .slice(k, last + 1)
      .map((x) => x.key)
      .join(' ');
    if (lex.usCities.has(key) || lex.worldCities.has(key)) {
      start = k;
      break;
    }
  }
  const stateEnd = US_STATES.has(st.key)
    ? i
    : i + 1 < tokens.length && US_STATES.has(`${st.key} ${(tokens[i + 1] as Token).key}`)
      ? i + 1
      : i;
  const zipTok = tokens[stateEnd + 1];
  const zip =
    zipTok &&
    zipTok.shape === 'digit' &&
    zipTok.text.length === 5 &&
    /^[ \t,]{1,3}$/.test(text.slice((tokens[stateEnd] as Token).end, zipTok.start))
      ? zipTok
      : undefined;
  const known = start >= 0;
  if (!known && !zip && (!comma || (st.shape === 'upper' ? WEAK_ABBRS.has(st.text) : true))) return;
  // "Interventions: CBT, MI": an acronym before a state abbreviation is a list, not a town.
  if (!known && !zip && prev.shape === 'upper' && prev.text.length <= 4) return;
  // "FOLEY IN PLACE", "NT POST": in an all-caps line a town needs its comma or ZIP.
  if (st.upperLine && !comma && !zip) return;
  if (!known) start = last; // an unknown town: take the word before the state only
  const cityKey = tokens
    .slice(start, last + 1)
    .map((x) => x.key)
    .join(' ');
  if (US_STATES.has(cityKey) || NOT_PLACE.has(cityKey)) return;
  push(
    out,
    (tokens[start] as Token).start,
    (tokens[last] as Token).end,
    known ? 0.9 : 0.7,
    'location:city-state',
  );
  if (zip) {
    let end = zip.end;
    const plus4 = tokens[stateEnd + 2];
    if (
      plus4 &&
      plus4.shape === 'digit' &&
      plus4.text.length === 4 &&
      text[zip.end] === '-' &&
      plus4.start === zip.end + 1
    )
      end = plus4.end;
    push(out, zip.start, end, isUsZip(zip.text, lex) ? 0.95 : 0.85, 'location:zip');
  }
}
