import { detect } from '../detect.js';
import { normalizeText, originalRange, type NormalizedText } from '../text/normalize.js';
import type { KnownIdentifiers, PhiType } from '../types.js';
import { parseDate } from './dates.js';

export interface LeakFinding {
  /** TOKEN_FRAGMENT: letters glued to a token ("[CLIENT]-nneville"), a word tokenized in part. */
  readonly type: PhiType | 'FINGERPRINT' | 'TOKEN_FRAGMENT';
  /** Offsets in the text scanned (in `scanPrompt`, in message `message`'s content). */
  readonly start: number;
  readonly end: number;
  readonly source: string;
  readonly confidence: number;
  /** `scanPrompt` only: the index of the message the finding is in. */
  readonly message?: number;
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
  /**
   * The exact tokens the deidentifier issued for the task ("[CLIENT]", "[PERSON_2]"): only these
   * strings are masked, so the scan does not read "[PERSON_2]" as a name. Any other bracketed
   * text ("[John Smith]") is read like the rest. Without it nothing is masked.
   */
  readonly tokens?: Iterable<string>;
}

/** A pattern matching exactly the given tokens, longest first; null for none. */
function tokenPattern(tokens: Iterable<string> | undefined): RegExp | null {
  const list = [...new Set(tokens ?? [])].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
  if (list.length === 0) return null;
  return new RegExp(list.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'g');
}

interface Mask {
  readonly pattern: RegExp | null;
  readonly apply: (text: string) => string;
}

const masker = (pattern: RegExp | null): Mask => ({
  pattern,
  apply: (text) => (pattern ? text.replace(pattern, (t) => ' '.repeat(t.length)) : text),
});

// Three letters or more glued to a token, directly or over one separator.
const FRAGMENT_BEFORE = /\p{L}{3}[-._/]?$/u;
const FRAGMENT_AFTER = /^[-._/]?\p{L}{3}/u;

/** Words compared against fingerprints. */
const WORD = /[\p{L}\p{N}@._+/-]+/gu;

/**
 * Backslash escapes left as text ("\\n", "\\t" written into a note): a model reads them as
 * the line break or tab they name, so "\\nSam" is "Sam". Replaced by spaces of the same
 * length, so offsets do not move.
 */
const LITERAL_ESCAPE = /\\+[nrtbfvNRTBFV]?/g;
const escapesAsSpaces = (view: NormalizedText): NormalizedText => ({
  ...view,
  text: view.text.replace(LITERAL_ESCAPE, (e) => ' '.repeat(e.length)),
});

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
  const view = normalizeText(text, { jsonEscapes: true });
  const views = view.invisible
    ? [view, normalizeText(text, { jsonEscapes: true, invisible: 'space' })]
    : [view];
  // A backslash written into a note is still one after decoding: "\\nSam" reads "Sam".
  if (views.some((v) => v.text.includes('\\'))) views.push(...views.map(escapesAsSpaces));
  return scanViews(views, options, masker(tokenPattern(options.tokens)));
}

/** One chat message as the provider SDK sends it. */
export interface OutboundMessage {
  readonly role: string;
  readonly content: string;
}

/** Where in a message record text is: [start, end) ranges of its content. */
export type RecordTextRanges = (content: string) => ReadonlyArray<readonly [number, number]>;

/**
 * The final guard: the contents of the messages exactly as the provider SDK puts them in the
 * HTTP body (not a JSON of them), each read in every way a model may read it: normalized like
 * detect's view (NFKC, invisible characters removed, and again with them as spaces), with
 * backslash escapes written as text read as the separators they name, and with "\\u0053"-style
 * escapes decoded.
 *
 * `recordText` says where record text is (the rendered data blocks): findings count there only,
 * because the rest is the versioned, hashed template and the random data-block boundary (whose
 * hex digits pass a Luhn check now and then; whose rules say "may" to a client named May).
 * Without it, every message is judged whole, except that a system message (template text and
 * the boundary only) is searched for known identifiers and fingerprints, not for the
 * detector's guesses. Findings carry the message index and offsets in its content.
 */
export function scanPrompt(
  messages: readonly OutboundMessage[],
  options: LeakGuardOptions & { readonly recordText?: RecordTextRanges },
): LeakScan {
  const mask = masker(tokenPattern(options.tokens));
  const findings: LeakFinding[] = [];
  messages.forEach(({ role, content }, message) => {
    const views = [normalizeText(content)];
    if (views[0]?.invisible) views.push(normalizeText(content, { invisible: 'space' }));
    if (content.includes('\\')) {
      views.push(...views.map(escapesAsSpaces));
      if (/\\u[0-9a-fA-F]{4}/.test(content)) views.push(normalizeText(content, { jsonEscapes: true }));
    }
    const ranges = options.recordText?.(content);
    const judged = ranges ? options : { ...options, ...(role === 'system' ? { blockAt: Infinity } : {}) };
    const scan = scanViews(views, judged, mask);
    const inRecord = (f: LeakFinding): boolean =>
      !ranges || ranges.some(([s, e]) => f.start < e && f.end > s);
    for (const f of scan.findings) if (inRecord(f)) findings.push({ ...f, message });
  });
  return { blocked: findings.length > 0, findings };
}

function scanViews(views: readonly NormalizedText[], options: LeakGuardOptions, mask: Mask): LeakScan {
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
  for (const v of views) {
    const masked = mask.apply(v.text);
    if (mask.pattern) {
      for (const m of v.text.matchAll(mask.pattern)) {
        const end = m.index + m[0].length;
        if (
          FRAGMENT_BEFORE.test(masked.slice(Math.max(0, m.index - 4), m.index)) ||
          FRAGMENT_AFTER.test(masked.slice(end, end + 4))
        ) {
          add(v, { type: 'TOKEN_FRAGMENT', source: 'token-fragment', confidence: 1 }, m.index, end);
        }
      }
    }
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

const SEPARATORS = /[._+/-]+/g;

/**
 * The normalized forms a word of outbound text is compared in: as written; its pieces between
 * separators ("Okonkwo-Baker"); joined over them ("S.a.r.a.h", "Sa-rah", "m.a.r.i.s.o.l@…");
 * split where a lower-case letter meets a capital ("MarisolQuenneville"); accents folded; its
 * digits ("555.010.4477").
 */
function fingerprintForms(word: string): string[] {
  const trimmed = word.replace(/^[._+/-]+|[._+/-]+$/g, '');
  const lower = trimmed.toLowerCase();
  const forms = new Set([lower, lower.replace(/'s$/, '')]);
  const joined = trimmed.replace(SEPARATORS, '');
  if (joined !== trimmed) {
    forms.add(joined.toLowerCase());
    for (const piece of joined.toLowerCase().split('@')) forms.add(piece);
    for (const piece of lower.split(/[._+@/-]+/)) if (piece.length >= 2) forms.add(piece);
  }
  for (const text of [trimmed, joined]) {
    const parts = text.split(/(?<=\p{Ll})(?=\p{Lu})/u);
    if (parts.length > 1) for (const part of parts) forms.add(part.replace(SEPARATORS, '').toLowerCase());
  }
  for (const form of [...forms]) {
    const folded = withoutMarks(form);
    if (folded !== form) forms.add(folded);
  }
  const digits = word.replace(/\D/g, '');
  if (digits.length >= 4) forms.add(digits.slice(-10));
  return [...forms];
}

/** Street-type words: an address's own words are fingerprinted, these are not. */
const STREET_TYPES = new Set([
  'street',
  'avenue',
  'road',
  'lane',
  'drive',
  'court',
  'place',
  'boulevard',
  'blvd',
  'way',
  'terrace',
  'crescent',
  'circle',
  'highway',
  'parkway',
  'square',
  'trail',
  'north',
  'south',
  'east',
  'west',
  'apartment',
  'apt',
  'suite',
  'unit',
  'floor',
]);

/**
 * The tokens a de-identification issued: the token map's keys and the person references of
 * the context (a person with no name on file is "[PERSON]"). The final guard masks exactly
 * these strings, nothing else that looks like a token.
 */
export function issuedTokensOf(deid: {
  readonly tokens: Readonly<Record<string, unknown>>;
  readonly context: {
    readonly client: { readonly ref: string };
    readonly people: readonly { readonly ref: string }[];
  };
}): string[] {
  return [
    ...new Set([
      ...Object.keys(deid.tokens),
      deid.context.client.ref,
      ...deid.context.people.map((p) => p.ref),
    ]),
  ];
}

/**
 * The values of known identifiers, normalized the same way, for hashing into
 * `ai.request.v1.knownFingerprints`: name parts, phone digits, emails (whole, joined, the
 * local part's words), MRN, DOB digit forms, the street address's own words, ZIP. Common short words are kept: the client's name fails closed.
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
  for (const email of known.emails ?? []) {
    const lower = email.toLowerCase();
    // The address whole, joined over its dots ("m.a.r.i.s.o.l.q@…" read back), and its local part's words.
    out.add(lower);
    out.add(lower.replace(/[._+-]+/g, ''));
    words(lower.split('@')[0]);
  }
  for (const line of [known.address?.line1, known.address?.line2]) {
    for (const w of normalizeText(line ?? '')
      .text.toLowerCase()
      .split(/[^\p{L}\p{N}]+/u)) {
      if (/^\d+$/.test(w) ? w.length >= 4 : w.length >= 3 && !STREET_TYPES.has(w)) {
        out.add(w);
        out.add(withoutMarks(w));
      }
    }
  }
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
