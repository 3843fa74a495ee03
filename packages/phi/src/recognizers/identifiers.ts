import { lexicon } from '../lexicon/load.js';
import { hasTrigger, triggerBit } from '../lexicon/triggers.js';
import { forEachMatch } from '../text/scan.js';
import type { Token } from '../text/tokens.js';
import type { PhiType, Span } from '../types.js';
import { ibanValid, ipv4Valid, ipv6Valid, luhnValid, ssnValid, vinCheckDigitValid } from './checksums.js';

const LOCAL_CHAR = /[A-Za-z0-9._%+-]/;
const DOMAIN_AT = /^[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/;
const URL_FULL = /\b(?:https?:\/\/|www\.)[^\s<>"'()[\]{}]+/gi;
const DOMAIN_LABEL = /[a-z0-9-]/i;
const IPV4 = /(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]*\d)/g;
const IPV6 = /(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?![\w:])/g;
const TLD =
  /\.(?:com|org|net|edu|gov|io|co|us|info|biz|me|health|app|ai|uk|ca|de|fr|au|nl|ly|tv|mil|int|xyz|site|online)\b(?:\/[^\s<>"'()]*)?/gi;
const MAC = /\b(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}\b/g;
const SSN = /(?<![\d.-])(\d{3})([- .])(\d{2})\2(\d{4})(?![\d-]|\.\d)/g;
const NINE_DIGITS = /(?<![\d-])\d{9}(?![\d-])/g;
const SSN_CONTEXT =
  /(?:\bssn|\bss#|\bsocial(?: security)?(?: number| no\.?| #)?|\bsocial sec(?:urity)?\.?)\W{0,6}$/i;
const NANP =
  /(?<![\w+])(?:\+?1[ .-]?)?(?:\(\d{3}\)[ .-]?|\d{3}[ .-])\d{3}[ .-]\d{4}(?:[ ]?(?:x|ext\.?|extension)[ ]?\d{1,5})?(?![\w-])/gi;
const INTL_PHONE =
  /(?<![\w+])(?:\+|00(?=[1-9]))\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,5}(?:[ .-]\d{2,5}){1,4}(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?(?![\w-])/gi;
const LABELED_PHONE =
  /(?:phone|tel|telephone|cell|cellphone|mobile|mob|home|work|ph|fax|pager|contact|call(?: me)?(?: at)?|text(?: me)?(?: at)?|reach(?: me)?(?: at)?|number)\s*(?:#|no\.?|number)?\s*[:.]?\s*([+(]?\d[\d ().-]{5,20}\d(?:[ ]?(?:x|ext\.?)[ ]?\d{1,5})?)/giy;
const FAX_BEFORE = /\b(?:fax|facsimile|fx|f)\b[^\n\d]{0,12}$/i;
const PHONE_BEFORE = /\b(?:phone|tel|cell|mobile|ph|call|text)\b[^\n\d]{0,12}$/i;
const FAX_AFTER = /^[ \t]*\(?(?:fax|facsimile)\b/i;
const CARD = /(?<![\d-])\d(?:[ -]?\d){12,18}(?![\d-])/g;
const IBAN = /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g;
const VIN = /^[A-HJ-NPR-Z0-9]{17}$/;
const MIXED_ID = /\b(?:[A-Z]+\d|\d+[A-Z])[A-Z0-9]*(?:-[A-Z0-9]+)*\b/g;
const LONG_DIGITS = /(?<![\d.,])\d{7,}(?![\d.,]\d)/g;
const CODE_SYSTEMS = /\b(?:cpt|icd(?:-?10)?(?:-cm)?|loinc|ndc|snomed|rxnorm|hcpcs|dsm)\b[^\n]{0,12}$/i;

/** Labels that say what kind of identifier follows ("MRN: 00012345", "Member ID 88-2271"). */
const LABELS: ReadonlyArray<readonly [PhiType, string]> = [
  [
    'MRN',
    String.raw`mrn|mr\s?#|mr no|medical record(?: number| no| #)?|chart(?: number| no| #| id)|patient(?: id| number| #)|pt(?: id| #)|record(?: number| no| #)|e[hm]r(?: id| #| number)|hospital(?: number| #| id)|acct\/mrn`,
  ],
  [
    'HEALTH_PLAN',
    String.raw`member(?: id| number| no| #)?|subscriber(?: id| number| #)|policy(?: number| no| #| id)?|insurance(?: id| number| no| #)|plan(?: id| number| #)|group(?: number| no| #| id)|medicaid(?: id| number| no| #)?|medicare(?: id| number| no| #)?|mbi|beneficiary(?: id| number| #)?|hicn|health plan(?: id| number| #)?|payer id|rx ?bin|rx ?pcn`,
  ],
  [
    'ACCOUNT',
    String.raw`account(?: number| no| #| id)?|acct(?: number| no| #)?|a\/c(?: no| #)?|billing(?: id| number| #)|invoice(?: number| no| #)?|claim(?: number| no| #| id)?|routing(?: number| no| #)?|card(?: number| no| #)|credit card|debit card|iban|bank account`,
  ],
  [
    'LICENSE',
    String.raw`driver'?s licen[cs]e(?: number| no| #)?|drivers licen[cs]e(?: number| no| #)?|dl(?: number| no| #)?|licen[cs]e(?: number| no| #| id)?|lic(?:\.| #| no)|npi|dea(?: number| no| #)?|certificate(?: number| no| #)?|cert(?: number| no| #)|permit(?: number| no| #)?|passport(?: number| no| #)?|state id(?: number| #)?`,
  ],
  [
    'VEHICLE',
    String.raw`vin|vehicle(?: identification number| id| number| #)|licen[cs]e plate(?: number| no| #)?|plate(?: number| no| #)?|tag(?: number| no| #)?`,
  ],
  [
    'DEVICE',
    String.raw`serial(?: number| no| #)?|s\/n|sn|device(?: id| serial| number| #)|imei|udi|mac address|model(?: number| no| #)|implant(?: id| serial| #)|pacemaker(?: id| serial| #)`,
  ],
  [
    'BIOMETRIC',
    String.raw`fingerprint(?: id| template| #)?|retina(?:l)? scan(?: id)?|iris(?: scan)?(?: id| template)|voice ?print(?: id)?|biometric(?: id| template| identifier)?|palm ?print(?: id)?|face ?id(?: template)?`,
  ],
  [
    'ID',
    String.raw`id|identifier|case(?: number| no| #| id)?|ticket(?: number| no| #)?|employee(?: id| number| no| #)|student(?: id| number| no| #)|badge(?: number| no| #)?|confirmation(?: number| no| #| code)|reference(?: number| no| #)|ref(?: no| #)|tax id|ein|tin|itin|alien(?: number| no| #)|a-number|inmate(?: number| no| #)|booking(?: number| no| #)|docket(?: number| no| #)?|order(?: number| no| #)|tracking(?: number| no| #)|file(?: number| no| #)|client(?: id| number| #)|user ?id|username|login`,
  ],
];

// One pass for every label: each type's labels are a capture group, so the group that
// matched names the type.
const LABELLED = new RegExp(
  String.raw`(?:${LABELS.map(([, alt]) => `(${alt})`).join('|')})(?:\b|(?<=#))\.?[ \t]*(?:#|no\.?|number|id)?[ \t]*[:#=]?[ \t]*(?:is[ \t]+)?([A-Za-z0-9][A-Za-z0-9\-\/.]{2,28}[A-Za-z0-9]|\d{3,})`,
  'giy',
);
/** First words of the labels above: the sticky regex is tried only at these tokens. */
const LABEL_STARTS = new Set(
  `mrn mr medical chart patient pt record ehr emr hospital acct member subscriber policy insurance
  plan group medicaid medicare mbi beneficiary hicn health payer rx rxbin rxpcn account a billing
  invoice claim routing card credit debit iban bank driver drivers dl license licence lic npi dea
  certificate cert permit passport state vin vehicle plate tag serial s sn device imei udi mac model
  implant pacemaker fingerprint retina retinal iris voice voiceprint biometric palm palmprint face
  faceid id identifier case ticket employee student badge confirmation reference ref tax ein tin
  itin alien inmate booking docket order tracking file client user userid username login`.split(/\s+/),
);
const PHONE_LABEL_STARTS = new Set(
  'phone tel telephone cell cellphone mobile mob home work ph fax pager contact call text reach number'.split(
    ' ',
  ),
);

const LABEL_BIT = triggerBit(LABEL_STARTS);
const PHONE_LABEL_BIT = triggerBit(PHONE_LABEL_STARTS);

function push(
  out: Span[],
  start: number,
  end: number,
  type: PhiType,
  confidence: number,
  source: string,
): void {
  out.push({ start, end, type, confidence, source });
}

function trimUrl(s: string): string {
  return s.replace(/[.,;:!?'"]+$/, '');
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

function phoneType(text: string, start: number, end: number): PhiType {
  const before = text.slice(Math.max(0, start - 24), start);
  const fax = FAX_BEFORE.exec(before);
  const phone = PHONE_BEFORE.exec(before);
  if (fax && (!phone || fax.index > phone.index)) return 'FAX';
  if (FAX_AFTER.test(text.slice(end, end + 14))) return 'FAX';
  return 'PHONE';
}

/** Structured identifiers: validated patterns, checksums, and labelled values. */
export function detectIdentifiers(text: string, tokens: readonly Token[]): Span[] {
  const out: Span[] = [];
  const hasAt = text.includes('@');
  const hasDot = text.includes('.');
  const hasColon = text.includes(':');
  if (hasAt) detectEmails(text, out);
  if (hasDot || text.includes('://'))
    forEachMatch(URL_FULL, text, (m) =>
      push(out, m.index, m.index + trimUrl(m[0]).length, 'URL', 0.95, 'pattern:url'),
    );
  if (hasDot) detectDomains(text, out);
  // What the digits of the note allow: most notes have no long number, no letter-digit code.
  const shape = digitShape(text, tokens);
  if (hasDot && shape.dotted)
    forEachMatch(IPV4, text, (m) => {
      if (ipv4Valid(m[0])) push(out, m.index, m.index + m[0].length, 'IP', 0.9, 'pattern:ipv4');
    });
  if (hasColon && colonsClose(text))
    forEachMatch(IPV6, text, (m) => {
      if (m[0].length >= 6 && /[a-f]/i.test(m[0]) !== false && ipv6Valid(m[0]))
        push(out, m.index, m.index + m[0].length, 'IP', 0.9, 'pattern:ipv6');
    });
  if (hasColon && colonsClose(text))
    forEachMatch(MAC, text, (m) => push(out, m.index, m.index + m[0].length, 'DEVICE', 0.8, 'pattern:mac'));
  if (shape.run >= 9)
    forEachMatch(SSN, text, (m) => {
      if (!ssnValid(m[1] as string, m[3] as string, m[4] as string)) return;
      const ctx = SSN_CONTEXT.test(text.slice(Math.max(0, m.index - 30), m.index));
      // "123.45.6789" is an SSN only after its label; dotted digits are versions and values too.
      if (m[2] === '.' && !ctx) return;
      push(out, m.index, m.index + m[0].length, 'SSN', ctx ? 0.98 : 0.85, 'pattern:ssn');
    });
  if (shape.longest >= 9)
    forEachMatch(NINE_DIGITS, text, (m) => {
      const d = m[0];
      if (!SSN_CONTEXT.test(text.slice(Math.max(0, m.index - 30), m.index))) return;
      if (ssnValid(d.slice(0, 3), d.slice(3, 5), d.slice(5)))
        push(out, m.index, m.index + 9, 'SSN', 0.95, 'pattern:ssn');
    });
  const plus = text.includes('+') || text.includes('00');
  for (const re of plus ? [NANP, INTL_PHONE] : [NANP]) {
    if (shape.run < 8) break;
    forEachMatch(re, text, (m) => {
      const n = digitsOf(m[0]).length;
      if (n < 8 || n > 18) return;
      const end = m.index + m[0].length;
      push(out, m.index, end, phoneType(text, m.index, end), 0.9, 'pattern:phone');
    });
  }
  for (const t of tokens) {
    if (!hasTrigger(t, PHONE_LABEL_BIT)) continue;
    LABELED_PHONE.lastIndex = t.start;
    const m = LABELED_PHONE.exec(text);
    if (!m) continue;
    const value = m[1] as string;
    const n = digitsOf(value).length;
    if (n < 7 || n > 15) continue;
    const start = m.index + m[0].length - value.length;
    push(
      out,
      start,
      start + value.length,
      phoneType(text, start, start + value.length),
      0.85,
      'pattern:phone-labelled',
    );
  }
  if (shape.run >= 13)
    forEachMatch(CARD, text, (m) => {
      const d = digitsOf(m[0]);
      if (d.length >= 13 && d.length <= 19 && luhnValid(d))
        push(out, m.index, m.index + m[0].length, 'ACCOUNT', 0.9, 'pattern:luhn');
    });
  if (shape.mixed)
    forEachMatch(IBAN, text, (m) => {
      if (ibanValid(m[0])) push(out, m.index, m.index + m[0].length, 'ACCOUNT', 0.9, 'pattern:iban');
    });
  detectLabelled(text, tokens, out);
  if (shape.longest >= 4) partialNumbers(text, out);
  if (shape.mixed)
    mixedCodes(text, tokens, (m) => {
      const v = m[0];
      if (VIN.test(v)) {
        const valid = vinCheckDigitValid(v);
        push(out, m.index, m.index + 17, valid ? 'VEHICLE' : 'ID', valid ? 0.9 : 0.6, 'pattern:vin');
        return;
      }
      if (v.length < 6 || digitsOf(v).length < 3 || measurement(v)) return;
      push(out, m.index, m.index + v.length, 'ID', 0.6, 'pattern:code');
    });
  if (shape.longest >= 7)
    forEachMatch(LONG_DIGITS, text, (m) => {
      if (CODE_SYSTEMS.test(text.slice(Math.max(0, m.index - 24), m.index))) return;
      push(out, m.index, m.index + m[0].length, 'ID', 0.55, 'pattern:digits');
    });
  return out;
}

const MIXED_ID_AT = new RegExp(MIXED_ID.source, 'y');
const UNIT_LETTERS = /^(?:x|cc|ml|mg|mcg|ug|u|iu|l|kg|g|h|hr|hrs|p|a|am|pm|min|br|bpm|mmhg|meq|mm|cm)$/;

/** "1500CC", "500X12", "MAP57-63", "FIO240": a quantity with its unit or measure, not an id. */
function measurement(value: string): boolean {
  const lex = lexicon();
  const letters = value.toLowerCase().match(/[a-z]+/g) ?? [];
  return letters.every(
    (w) => UNIT_LETTERS.test(w) || (w.length >= 3 && (lex.medical.has(w) || lex.words.has(w))),
  );
}

/**
 * MIXED_ID tried only where a letter run touches a digit run, from the start of that run of
 * letters and digits (a code is upper-case letters and digits, so lowercase words end it).
 */
function mixedCodes(text: string, tokens: readonly Token[], fn: (m: RegExpExecArray) => void): void {
  let after = 0;
  for (let i = 0; i + 1 < tokens.length; i++) {
    const t = tokens[i] as Token;
    const n = tokens[i + 1] as Token;
    if (t.end !== n.start || (t.shape === 'digit') === (n.shape === 'digit')) continue;
    let a = i;
    while (a > 0 && (tokens[a - 1] as Token).end === (tokens[a] as Token).start) a--;
    const start = (tokens[a] as Token).start;
    if (start < after || /\w/.test(text[start - 1] ?? ' ')) continue;
    MIXED_ID_AT.lastIndex = start;
    const m = MIXED_ID_AT.exec(text);
    if (!m) continue;
    after = m.index + m[0].length;
    fn(m);
  }
}

interface DigitShape {
  /** Longest digit token. */
  longest: number;
  /** Most digits in a run of digit tokens joined by one non-space-run character or space. */
  run: number;
  /** A letter run touching a digit run ("AB12", "4B"): codes, IBANs, VINs. */
  mixed: boolean;
  /** A digit token followed by "." and a digit: dotted quads. */
  dotted: boolean;
}

/** One pass over the tokens tells which number patterns can match at all. */
function digitShape(text: string, tokens: readonly Token[]): DigitShape {
  const shape: DigitShape = { longest: 0, run: 0, mixed: false, dotted: false };
  let run = 0;
  let prev: Token | undefined;
  for (const t of tokens) {
    if (t.shape === 'digit') {
      const n = t.end - t.start;
      if (n > shape.longest) shape.longest = n;
      run = prev !== undefined && prev.shape === 'digit' && t.start - prev.end <= 3 ? run + n : n;
      if (run > shape.run) shape.run = run;
      if (text.charCodeAt(t.end) === 46) shape.dotted = true;
      if (prev && prev.shape !== 'digit' && prev.end === t.start) shape.mixed = true;
    } else if (prev && prev.shape === 'digit' && prev.end === t.start) shape.mixed = true;
    prev = t;
  }
  return shape;
}

/** IPv6 and MAC addresses need two colons within a few characters. */
function colonsClose(text: string): boolean {
  for (let i = text.indexOf(':'); i !== -1;) {
    const j = text.indexOf(':', i + 1);
    if (j !== -1 && j - i <= 5) return true;
    i = j;
  }
  return false;
}

/** Bare domains ("carerelay.org/help"), found from each top-level domain backwards. */
function detectDomains(text: string, out: Span[]): void {
  TLD.lastIndex = 0;
  for (let m = TLD.exec(text); m; m = TLD.exec(text)) {
    let s = m.index;
    while (
      s > 0 &&
      (DOMAIN_LABEL.test(text[s - 1] as string) ||
        (text[s - 1] === '.' && s > 1 && DOMAIN_LABEL.test(text[s - 2] as string)))
    )
      s--;
    if (s === m.index || text[s - 1] === '@' || text[s - 1] === '/') continue;
    push(out, s, m.index + trimUrl(m[0]).length, 'URL', 0.8, 'pattern:domain');
  }
}

/** "last 4 SSN 0847", "card ending in 4417": the part of a number that verifies a person. */
const PARTIAL =
  /\b(?:last[ \t]+(?:4|four)(?:[ \t]+digits)?(?:[ \t]+of)?(?:[ \t]+(?:her|his|their|the|pt'?s|client'?s))?(?:[ \t]+(ssn|social(?: security)?|card|account|acct))?|(card|account|acct)[ \t]+ending(?:[ \t]+in)?)[ \t]*[:#=]?[ \t]*(?:is[ \t]+)?(\d{4})\b/gi;

function partialNumbers(text: string, out: Span[]): void {
  forEachMatch(PARTIAL, text, (m) => {
    const digits = m[3] as string;
    const start = m.index + m[0].length - digits.length;
    const type: PhiType = /^s/i.test(m[1] ?? '') ? 'SSN' : 'ACCOUNT';
    push(out, start, start + digits.length, type, 0.85, 'pattern:partial');
  });
}

function detectLabelled(text: string, tokens: readonly Token[], out: Span[]): void {
  for (const t of tokens) {
    if (!hasTrigger(t, LABEL_BIT)) continue;
    LABELLED.lastIndex = t.start;
    const m = LABELLED.exec(text);
    if (!m) continue;
    const groupIndex = m.findIndex((g, i) => i > 0 && g !== undefined);
    const type = LABELS[groupIndex - 1]?.[0];
    const raw = m[LABELS.length + 1];
    if (!type || raw === undefined) continue;
    const value = raw.replace(/[.\-/]+$/, '');
    if (!/\d/.test(value)) continue;
    // "A/C 10/700/.50/5", "AC 700x10": ventilator settings after "a/c" (assist control).
    if (/\d[/x][\d.]/i.test(value) && type !== 'MRN') continue;
    // "ID 3 times", "group 2": short bare numbers after generic labels are counts, not ids.
    const digits = digitsOf(value).length;
    if (digits < 4 && value.length < 5) continue;
    if (type === 'ID' && /^\d{1,4}$/.test(value)) continue;
    const start = m.index + m[0].length - raw.length;
    push(out, start, start + value.length, type, 0.9, `pattern:label-${type.toLowerCase()}`);
  }
}

/** Emails found from each "@" outwards: cheaper than a regex that starts at every letter. */
function detectEmails(text: string, out: Span[]): void {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && LOCAL_CHAR.test(text[s - 1] as string)) s--;
    if (s === at) continue;
    const m = DOMAIN_AT.exec(text.slice(at + 1, at + 256));
    if (!m) continue;
    push(out, s, at + 1 + m[0].length, 'EMAIL', 0.97, 'pattern:email');
  }
}
