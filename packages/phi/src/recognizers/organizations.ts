import type { Lexicon } from '../lexicon/load.js';
import { hasTrigger, triggerBit } from '../lexicon/triggers.js';
import { capitalRunAfter, capitalRunBefore, isCapitalised, spaceBetween } from '../text/runs.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';
import { COUNTRIES, CREDENTIALS, EPONYM_HEADS, NOT_NAMES, TITLES } from '../lexicon/vocabulary.js';
import { ROLES } from './name-context.js';
import { MONTHS_AND_DAYS } from './name-score.js';
import { US_STATES } from '../lexicon/geography.js';
import { detectFacilities } from './facilities.js';
import { SHAPE_BITS, ofTail, orgShapeAt } from './org-shapes.js';

// Employers, schools, churches, clinics: in behavioural-health notes they point to one person
// as surely as a street does (DOMAIN.md, "Treat organization names as identifiers").

/** Suffixes that make the capitalised words before them an organisation on their own. */
const STRONG =
  'Inc|Incorporated|Corp|Corporation|LLC|L\\.L\\.C|LLP|Ltd|Limited|PLC|GmbH|Co|Company|Companies|Church|Temple|Mosque|Synagogue|Chapel|Cathedral|Ministries|Ministry|Tabernacle|Congregation|Fellowship|Parish|University|College|Elementary|Academy|Preschool|Kindergarten|Montessori|Seminary|Hospital|Clinic|Bank|Foundation|Institute|Pharmacy|Motors|Industries|Enterprises|Logistics|Laboratories|Labs|Restaurant|Cafe|Café|Diner|Bakery|Grill|Pizzeria|Salon|Gym|Library|Shelter|Association|Society|Partners|Associates|Holdings|Consulting|Construction|Plumbing|Electric|Insurance|Realty|Airlines|Trucking|Steakhouse|Brewery|Tavern|Pub|Hotel|Motel|Inn|Resort|Casino|Firm|Daycare|YMCA|YWCA|Facility|Hospice|Infirmary';
/** Weaker suffixes: need a distinctive word before them ("Riverside Behavioral Health"). */
const WEAK =
  'School|High|Middle|Health|Healthcare|Center|Centre|Services|Service|Systems|Solutions|Group|Department|Dept|Agency|Club|Market|Supermarket|Store|Stores|Foods|Care|Counseling|Recovery|Hall|House|Home|Homes|Program|Project|Network|Alliance|League|Council|Union|Team|Technologies|Tech|Studio|Studios|Media|Farms|Farm|Ranch|Mart|Outlet|Depot|Express|Auto|Garage|Station|Mall|Plaza|Living|Staffing|Roofing|Warehousing|Freight|Practice|Rehabilitation|Rehab|Physicians|Pediatrics|Medicine|Orthopedics|Dialysis|Cardiology|Oncology|Dermatology|Imaging|Radiology|Urgent';

const CLINICAL_SERVICE_BIT = triggerBit(
  new Set([
    'care',
    'services',
    'service',
    'health',
    'healthcare',
    'medicine',
    'rehabilitation',
    'rehab',
    'team',
    'program',
  ]),
);
const STRONG_SET: ReadonlySet<string> = new Set(STRONG.replace(/\\/g, '').split('|'));
const WEAK_SET: ReadonlySet<string> = new Set(WEAK.split('|'));
const SUFFIX_BIT = triggerBit(
  new Set([...STRONG_SET, ...WEAK_SET].map((w) => w.toLowerCase().replace(/[.']/g, ''))),
);
const WORD = String.raw`(?:St\.|[A-Z][\p{L}'’.-]*|&|[0-9]+(?:st|nd|rd|th)?)`;
const JOIN = String.raw`(?:[ \t]+(?:of|and|&|the|for|de|del|la)(?=[ \t]+[A-Z]))?`;
const ORG_PREFIX = new RegExp(
  String.raw`(?:University|College|Bank|Church|Institute|Academy|Museum|Department|Dept\.?|Office|Bureau|Hospital|School|Temple|Congregation|Diocese|Archdiocese|Sisters|Brothers|Friends)[ \t]+of[ \t]+(?:the[ \t]+)?[A-Z][\p{L}'’.-]*(?:[ \t]+(?:of[ \t]+|and[ \t]+)?[A-Z][\p{L}'’.-]*){0,3}`,
  'uy',
);
const PREFIX_STARTS = new Set([
  'university',
  'college',
  'bank',
  'church',
  'institute',
  'academy',
  'museum',
  'department',
  'dept',
  'office',
  'bureau',
  'hospital',
  'school',
  'temple',
  'congregation',
  'diocese',
  'archdiocese',
  'sisters',
  'brothers',
  'friends',
]);
const EMPLOYMENT = new RegExp(
  String.raw`(?:works?|worked|working|employed|employment|job|shifts?|hired|fired|laid off|terminated|quit|interning|internship|interned|volunteers?|volunteered|volunteering|enrolled|attends|attending|attended|graduated|student|students|manager|cashier|clerk|teacher|driver|server|waitress|waiter|bartender|cook|technician|assistant|employee|position|career|contract|placement|member|parishioner|congregant|practice)[ \t]+(?:(?:part[- ]time|full[- ]time|nights|days|now|currently|still|again|there|as an? [a-z]+)[ \t]+){0,2}(?:at|for|by|with|from|in|of)[ \t]+(?:the[ \t]+)?(${WORD}(?:${JOIN}[ \t]+${WORD}){0,3})`,
  'uy',
);
const EMPLOYMENT_STARTS = new Set(
  `work works worked working employed employment job shift shifts hired fired laid terminated quit interning internship
  interned volunteer volunteers volunteered volunteering enrolled attends attending attended graduated student students
  manager cashier clerk teacher driver server waitress waiter bartender cook technician assistant employee position
  career contract placement member parishioner congregant practice drives drove delivers delivered shopping shops
  shopped`.split(/\s+/),
);
/** Form fields whose value is an organisation: "Employer: Evergreen Senior Living". */
const ORG_LABEL =
  /(?:employer|school|company|workplace|church|agency|facility|pharmacy|place of employment|employed by|works for|referring agency|program)[ \t]*:[ \t]*([A-Z0-9][^\n,;()]{1,60})/iy;
const LABEL_STARTS = new Set([
  'employer',
  'school',
  'company',
  'workplace',
  'church',
  'agency',
  'facility',
  'pharmacy',
  'place',
  'employed',
  'works',
  'referring',
  'program',
]);
/** Leading words the suffix pattern may swallow: "The", "Called", "Pt" at a sentence start. */
const PREFIX_BIT = triggerBit(PREFIX_STARTS);
const EMPLOYMENT_BIT = triggerBit(EMPLOYMENT_STARTS);
const LABEL_BIT = triggerBit(LABEL_STARTS);
const LEADING_NOISE = new Set([
  'the',
  'a',
  'an',
  'at',
  'in',
  'from',
  'to',
  'our',
  'my',
  'his',
  'her',
  'their',
  'this',
  'that',
  'and',
  'with',
  'for',
  'by',
  'of',
  'called',
  'works',
  'worked',
  'attends',
  'attended',
  'visited',
  'went',
  'per',
  'via',
  'when',
  'while',
  'since',
  'after',
  'before',
  'on',
  'pt',
  'client',
  'patient',
  'referred',
  'discussed',
  'contacted',
  'both',
  'new',
  'local',
  'plan',
  'goal',
  'recommend',
  'recommended',
]);
const NOT_ORG_HEAD = new Set([
  'mental',
  'behavioral',
  'behavioural',
  'primary',
  'home',
  'public',
  'health',
  'family',
  'high',
  'middle',
  'day',
  'group',
  'medical',
  'urgent',
  'emergency',
]);

/**
 * A name cut where a sentence ends inside it: "Unity Church of Dothan. Gottman repair..." ends at
 * "Dothan". A period after a short abbreviation ("St. Mary", "J.B. Hunt", "Co. Inc") is no end.
 */
function untilSentenceEnd(value: string): string {
  const m = /(?<![A-Z][a-z]?|[A-Z]\.[A-Z]|\b(?:Inc|Ltd|Corp|Bros|Assn|Dept))\.[ \t]+[A-Z]/.exec(value);
  return m ? value.slice(0, m.index) : value;
}

function push(out: Span[], start: number, end: number, confidence: number, source: string): void {
  if (end > start) out.push({ start, end, type: 'ORGANIZATION', confidence, source });
}

function isDistinctive(word: string, lex: Lexicon): boolean {
  const key = word.toLowerCase().replace(/['’.]/g, '').replace(/s$/, '');
  if (NOT_ORG_HEAD.has(key)) return false;
  if (lex.firstNames.has(key) || lex.surnames.has(key)) return true;
  const rank = lex.words.get(key) ?? lex.words.get(word.toLowerCase()) ?? 0;
  // "Resp Care", "Pulm Services": clinical shorthand names a service, not an organisation.
  if (rank === 0 && lex.medical.truncates(key)) return false;
  return rank === 0 || rank > 4000;
}

export function detectOrganizations(text: string, tokens: readonly Token[], lex: Lexicon): Span[] {
  const out: Span[] = [];
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (!hasTrigger(t, SUFFIX_BIT)) continue;
    const strong = STRONG_SET.has(t.text);
    if (!strong && !WEAK_SET.has(t.text)) continue;
    let a = capitalRunBefore(text, tokens, i, 5, true, true);
    if (a === i) continue;
    // Strip noise words the run swallowed at a sentence start ("The", "Called"), and
    // credentials of a clinician named just before ("LCSW at ...").
    while (
      a < i &&
      (((tokens[a] as Token).sentenceStart && LEADING_NOISE.has((tokens[a] as Token).key)) ||
        CREDENTIALS.has((tokens[a] as Token).key) ||
        TITLES.has((tokens[a] as Token).key))
    )
      a++;
    const head = tokens.slice(a, i).filter((x) => isCapitalised(x) || x.shape === 'digit');
    if (head.length === 0) continue;
    if (!strong) {
      // "Respiratory Care", "Critical Care Medicine": a clinical service, not an organisation.
      const clinical = CLINICAL_SERVICE_BIT & t.info!.triggers;
      const distinct = head.filter(
        (x) =>
          isDistinctive(x.text, lex) &&
          !(clinical && lex.medical.has(x.key) && !lex.surnames.has(x.key) && !lex.firstNames.has(x.key)),
      ).length;
      if (distinct === 0 && head.length < 3) continue;
      if ((t.text === 'High' || t.text === 'Middle') && distinct === 0) continue;
      if ((tokens[a] as Token).caseless && distinct === 0) continue;
    }
    push(out, (tokens[a] as Token).start, ofTail(text, tokens, i), strong ? 0.85 : 0.75, 'org:suffix');
  }
  for (let i = 1; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const prev = tokens[i - 1] as Token;
    // "ran into her at Publix", "she is from Xignite": an unknown capitalised word after "at" or
    // "from" is a business or a place.
    const info = t.info;
    const odd =
      info !== undefined &&
      (info.cls === 'unknown' ||
        (info.cls === 'word' && info.wordRank > 20_000) ||
        (t.possessive && info.cls !== 'word'));
    if (
      (prev.key === 'at' || prev.key === 'from') &&
      odd &&
      (!info.shorthand || t.possessive) &&
      t.shape !== 'lower' &&
      !t.sentenceStart &&
      !t.caseless &&
      t.text.length >= 3 &&
      spaceBetween(text, prev, t)
    ) {
      const b = capitalRunAfter(text, tokens, i, 2);
      const last = tokens[b] as Token;
      push(out, t.start, last.end + (last.possessive ? 2 : 0), 0.55, 'org:at');
    }
  }
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const bits = t.info?.triggers ?? 0;
    if ((bits & (LABEL_BIT | PREFIX_BIT | EMPLOYMENT_BIT | SHAPE_BITS)) === 0) continue;
    if (bits & SHAPE_BITS) orgShapeAt(text, tokens, i, bits, lex, out);
    if (bits & LABEL_BIT) labelled(text, t, out);
    if (bits & PREFIX_BIT && t.shape === 'cap') {
      ORG_PREFIX.lastIndex = t.start;
      const m = ORG_PREFIX.exec(text);
      if (m) push(out, m.index, m.index + untilSentenceEnd(m[0]).length, 0.85, 'org:prefix');
    }
    if (bits & EMPLOYMENT_BIT) employment(text, t, lex, out);
  }
  detectFacilities(text, tokens, lex, out);
  companies(tokens, out);
  properNounRuns(text, tokens, out);
  return out;
}

const PLACE_PREPOSITIONS = new Set(['at', 'from', 'for', 'with', 'to', 'by']);
// Not "and": "drives for Uber and DoorDash" is a list, not one name.
const RUN_JOINERS = new Set(['of', '&', 'the']);

/**
 * "at Green Mountain Digital", "from Chisholm Trail Feed Mill", "referral to Catholic Charities":
 * two or more capitalised words after a preposition of place or work, in text whose capitals mean
 * something, name a business or an agency (or a person: either way an identifier). Not a title,
 * a month, a scale ("the Beck Depression Inventory") or words that are all everyday ones.
 */
function properNounRuns(text: string, tokens: readonly Token[], out: Span[]): void {
  for (let i = 1; i < tokens.length; i++) {
    let p = tokens[i - 1] as Token;
    const a = i;
    if (p.key === 'the' && i >= 2) p = tokens[i - 2] as Token;
    if (!PLACE_PREPOSITIONS.has(p.key)) continue;
    const t = tokens[a] as Token;
    if (t.shape !== 'cap' || t.caseless || t.sentenceStart || !spaceBetween(text, tokens[a - 1] as Token, t))
      continue;
    if (TITLES.has(t.key) || CREDENTIALS.has(t.key) || ROLES.has(t.key)) continue;
    let b = a;
    let words = 1;
    while (b + 1 < tokens.length && words < 6 && !(tokens[b] as Token).possessive) {
      const n = tokens[b + 1] as Token;
      if (MONTHS_AND_DAYS.has(n.key)) break;
      const g = text.slice((tokens[b] as Token).end + ((tokens[b] as Token).possessive ? 2 : 0), n.start);
      if (g !== ' ' && g !== '-' && g !== ' & ') break;
      if (isCapitalised(n) && n.shape !== 'upper') {
        b++;
        words++;
        continue;
      }
      if (n.shape === 'upper' && n.text.length <= 5 && b > a) {
        b++; // "LifeBridge EAP", "Pathways OTP"
        words++;
        continue;
      }
      const after = tokens[b + 2];
      if (RUN_JOINERS.has(n.key) && after && isCapitalised(after) && spaceBetween(text, n, after)) {
        b += 2;
        words++;
        continue;
      }
      break;
    }
    if (b === a) continue;
    const run = tokens.slice(a, b + 1).filter((x) => isCapitalised(x));
    // Countries, scales and clinical eponyms ("Wernicke-Korsakoff"); a brand alone.
    if (run.some((x) => EPONYM_HEADS.has(x.key) || CREDENTIALS.has(x.key) || COUNTRIES.has(x.key))) continue;
    if (run.every((x) => NOT_NAMES.has(x.key))) continue;
    if (run.every((x) => x.info?.shorthand)) continue;
    const distinctive = run.some((x) => {
      const info = x.info;
      if (!info) return false;
      return info.wordRank === 0 || info.wordRank > 5_000 || info.cityPopulation >= 0 || info.surnameRank > 0;
    });
    if (!distinctive || run.every((x) => MONTHS_AND_DAYS.has(x.key) || US_STATES.has(x.key))) continue;
    push(out, t.start, (tokens[b] as Token).end, 0.6, 'org:run');
    i = b;
  }
}

/**
 * Employers the company lexicon knows, in any case, where the words before say it is a
 * workplace ("shifts at starbucks", "works for Toyota", "drives for FedEx").
 */
function companies(tokens: readonly Token[], out: Span[]): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (!t.info?.company || NOT_NAMES.has(t.key)) continue;
    // Alone, a brand is everyone's ("Instagram", "Uber", the "Hamilton" scale): only a workplace.
    const end = t.end + (t.possessive ? 2 : 0);
    let j = i - 1;
    if (tokens[j]?.key === 'the') j--;
    const prep = tokens[j];
    if (!prep || !['at', 'for', 'from', 'by', 'with'].includes(prep.key)) continue;
    for (let k = j - 1; k >= Math.max(0, j - 3); k--) {
      if (hasTrigger(tokens[k], EMPLOYMENT_BIT)) {
        push(out, t.start, end, 0.7, 'org:company');
        break;
      }
    }
  }
}

function labelled(text: string, t: Token, out: Span[]): void {
  ORG_LABEL.lastIndex = t.start;
  const m = ORG_LABEL.exec(text);
  if (m) {
    const v = (m[1] as string).replace(/[\s.,;]+$/, '');
    const start = m.index + m[0].length - (m[1] as string).length;
    if (/^(?:none|n\/a|unemployed|self|retired|disabled|student|na|unknown)\b/i.test(v)) return;
    push(out, start, start + v.length, 0.85, 'org:label');
  }
}

/** "works at Kroger", "attends Lincoln High", "cashier at Meijer". */
function employment(text: string, t: Token, lex: Lexicon, out: Span[]): void {
  EMPLOYMENT.lastIndex = t.start;
  const m = EMPLOYMENT.exec(text);
  if (!m) return;
  const name = untilSentenceEnd(m[1] as string);
  const key = name.toLowerCase();
  if (US_STATES.has(key) || lex.usCities.has(key) || lex.worldCities.has(key)) return;
  if (
    /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July|August|September|October|November|December|Christmas|Easter|AA|NA|Medicaid|Medicare|First|Second|Third|Last|Next)$/.test(
      name,
    )
  )
    return;
  const start = m.index + m[0].length - (m[1] as string).length;
  push(out, start, start + name.length, 0.85, 'org:context');
}
