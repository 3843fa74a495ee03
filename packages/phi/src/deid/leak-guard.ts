import { detect } from '../detect.js';
import { normalizeText, originalRange, type NormalizedText } from '../text/normalize.js';
import type { KnownIdentifiers, PhiType } from '../types.js';
import { parseDate } from './dates.js';

export interface LeakFinding {
  readonly type: PhiType | 'FINGERPRINT';
  readonly start: number;
  readonly end: number;
  readonly source: string;
  readonly confidence: number;
}

export interface LeakScan {
  readonly blocked: boolean;
  /** Where and what kind: never the matched text (findings go to audit and logs). */
  readonly findings: readonly LeakFinding[];
}

export interface LeakGuardOptions {
  /** The task's structured identifiers, where the caller holds them (PHI zone). */
  readonly known?: KnownIdentifiers;
  /** Keyed hashes of known identifier parts, where the caller must not hold PHI (llm-worker). */
  readonly fingerprints?: { readonly set: ReadonlySet<string>; readonly hash: (word: string) => string };
  /** Detections at or above this confidence block. Default 0.9. */
  readonly blockAt?: number;
  /** Run detection (default true); false for a fingerprint-only pass over text already scanned. */
  readonly detections?: boolean;
}

/** Tokens are ours; mask them so the scan does not read "[PERSON_2]" as a name. */
const TOKEN = /\[[A-Za-z_ -]+\d*\s*\]/g;
const mask = (text: string): string => text.replace(TOKEN, (t) => ' '.repeat(t.length));

/** Words compared against fingerprints. */
const WORD = /[\p{L}\p{N}@._+-]+/gu;

/**
 * The last scan of every byte about to leave for a model (fail closed): any
 * known identifier of the task, any fingerprint hit, or any high-confidence
 * detection blocks the call.
 *
 * `text` is read as the model will read it: JSON string escapes decoded (callers pass
 * JSON.stringify output, where a newline is "\n" and "\nSam" would otherwise read "nSam"),
 * then normalized like detect's view (NFKC, invisible characters removed; where one was
 * removed, read a second time with it as a space). Findings are offsets in `text`.
 */
export function scanOutbound(text: string, options: LeakGuardOptions): LeakScan {
  const blockAt = options.blockAt ?? 0.9;
  const findings = new Map<string, LeakFinding>();
  const add = (
    view: NormalizedText,
    f: Omit<LeakFinding, 'start' | 'end'>,
    from: number,
    to: number,
  ): void => {
    const [start, end] = originalRange(view, from, to);
    findings.set(`${start}:${end}:${f.source}`, { ...f, start, end });
  };
  const view = normalizeText(text, { jsonEscapes: true });
  const views = view.invisible
    ? [view, normalizeText(text, { jsonEscapes: true, invisible: 'space' })]
    : [view];
  for (const v of views) {
    const masked = mask(v.text);
    const spans = options.detections === false ? [] : detect(masked, { known: options.known });
    for (const span of spans) {
      if (span.source.startsWith('known:') || span.confidence >= blockAt) {
        add(v, { type: span.type, source: span.source, confidence: span.confidence }, span.start, span.end);
      }
    }
    if (!options.fingerprints) continue;
    for (const m of masked.matchAll(WORD)) {
      for (const candidate of fingerprintForms(m[0])) {
        if (options.fingerprints.set.has(options.fingerprints.hash(candidate))) {
          add(
            v,
            { type: 'FINGERPRINT', source: 'fingerprint', confidence: 1 },
            m.index,
            m.index + m[0].length,
          );
          break;
        }
      }
    }
  }
  const sorted = [...findings.values()].sort((a, b) => a.start - b.start || a.end - b.end);
  return { blocked: sorted.length > 0, findings: sorted };
}

/** Accents and ß folded: "Perez" is compared as "Pérez" is. */
const withoutMarks = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss');

/** The normalized forms a word of outbound text is compared in. */
function fingerprintForms(word: string): string[] {
  const lower = word.toLowerCase().replace(/^[._+-]+|[._+-]+$/g, '');
  const forms = [lower, lower.replace(/'s$/, '')];
  const folded = withoutMarks(lower);
  if (folded !== lower) forms.push(folded);
  const digits = word.replace(/\D/g, '');
  if (digits.length >= 4) forms.push(digits.slice(-10));
  return forms;
}

/**
 * The values of known identifiers, normalized the same way, for hashing into
 * `ai.request.v1.knownFingerprints`: name parts, phone digits, emails, MRN, DOB
 * digit forms, ZIP. Common short words are kept: the client's name fails closed.
 */
export function knownFingerprintValues(known: KnownIdentifiers): string[] {
  const out = new Set<string>();
  const words = (s: string | undefined): void => {
    for (const w of normalizeText(s ?? '')
      .text.toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)) {
      if (w.length < 2) continue;
      out.add(w);
      out.add(withoutMarks(w));
    }
  };
  for (const p of [known.client, ...(known.relatives ?? []), ...(known.careTeam ?? [])]) {
    if (!p) continue;
    words(p.given);
    words(p.middle);
    words(p.family);
    words(p.preferred);
  }
  for (const phone of known.phones ?? []) out.add(phone.replace(/\D/g, '').slice(-10));
  for (const email of known.emails ?? []) out.add(email.toLowerCase());
  if (known.mrn) {
    out.add(known.mrn.toLowerCase());
    const digits = known.mrn.replace(/\D/g, '');
    if (digits.length >= 4) out.add(digits.slice(-10));
  }
  const dob = known.dob ? parseDate(known.dob) : null;
  if (dob?.year && dob.day) {
    const mm = String(dob.month).padStart(2, '0');
    const dd = String(dob.day).padStart(2, '0');
    for (const f of [`${dob.year}${mm}${dd}`, `${mm}${dd}${dob.year}`, `${dob.month}${dob.day}${dob.year}`])
      out.add(f);
  }
  if (known.address?.zip) out.add(known.address.zip.slice(0, 5));
  return [...out];
}
