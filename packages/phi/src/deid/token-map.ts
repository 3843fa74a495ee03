import { withinOneEdit } from '../recognizers/known-values.js';
import { normalizeText } from '../text/normalize.js';
import { PHI_TYPES, type KnownPerson, type PhiType } from '../types.js';
import { dateKey } from './dates.js';

export interface TokenValue {
  readonly value: string;
  readonly type: PhiType;
}

/** Labels used in tokens: `[CLIENT]`, `[PERSON_2]`, `[CLINICIAN_1]`, `[DATE_1]`, and one per identifier type. */
export const TOKEN_LABELS: ReadonlySet<string> = new Set<string>([
  'CLIENT',
  'PERSON',
  'CLINICIAN',
  ...PHI_TYPES,
]);

/**
 * One key for every way a value is written: case, accents, fullwidth forms, invisible
 * characters (removed, or with `invisible: 'space'` read as spaces: "Dani\u200bOkonkwo").
 */
const normalize = (s: string, invisible: 'remove' | 'space' = 'remove'): string =>
  normalizeText(s, { invisible })
    .text.toLowerCase()
    .replace(/[’']s$/u, '')
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/ß/g, 'ss')
    .replace(/[^\p{L}\p{N}@.+-]+/gu, ' ')
    .trim();

/** The keys a surface is looked up by: invisible characters removed, then as spaces. */
const nameKeys = (surface: string): string[] => {
  const removed = normalize(surface);
  const spaced = normalize(surface, 'space');
  return spaced === removed ? [removed] : [removed, spaced];
};

function keyOf(type: PhiType, raw: string): string {
  const surface = normalizeText(raw).text;
  switch (type) {
    case 'PHONE':
    case 'FAX':
      return `${type}:${surface.replace(/\D/g, '').slice(-10)}`;
    case 'DATE':
      return `DATE:${dateKey(surface)}`;
    default:
      return `${type}:${normalize(surface)}`;
  }
}

/** The person label of each known-identifier source (detect's `known:*` spans). */
const KNOWN_SOURCE_LABELS: Readonly<Record<string, PersonOnFile['label']>> = {
  'known:client': 'CLIENT',
  'known:relative': 'PERSON',
  'known:care-team': 'CLINICIAN',
};

export interface PersonOnFile {
  readonly person: KnownPerson;
  readonly label: 'CLIENT' | 'PERSON' | 'CLINICIAN';
}

/**
 * Consistent typed tokens for one task: the same value always gets the same
 * token, and every name form of a person on file (first name, surname, full
 * name, possessive) maps to that person's token. The client is `[CLIENT]`.
 */
export class TokenMap {
  private readonly byKey = new Map<string, string>();
  private readonly nameParts = new Map<string, string>();
  private readonly people: Array<{ token: string; label: string; words: string[]; initials: string[] }> = [];
  private readonly counters = new Map<string, number>();
  readonly tokens: Record<string, TokenValue> = {};
  /** The token of each person passed to the constructor, in order (undefined for a person with no name). */
  readonly personTokens: Array<string | undefined> = [];

  constructor(people: readonly PersonOnFile[]) {
    for (const { person, label } of people) {
      const full = [person.given, person.middle, person.family].filter(Boolean).join(' ');
      if (!full && !person.preferred) {
        this.personTokens.push(undefined);
        continue;
      }
      const token = label === 'CLIENT' ? '[CLIENT]' : this.next(label);
      this.personTokens.push(token);
      this.tokens[token] = { value: full || person.preferred!, type: 'NAME' };
      const words: string[] = [];
      for (const part of [person.given, person.middle, person.family, person.preferred, full]) {
        if (!part) continue;
        const key = normalize(part);
        // "Delacroix-Nwosu" is also "Nwosu"; one-letter words are initials, not names.
        const parts = [key, ...key.split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2 && w !== key)];
        // The client first: a relative who shares the client's surname does not take it over.
        for (const k of parts) if (k && !this.nameParts.has(k)) this.nameParts.set(k, token);
        words.push(...parts);
      }
      this.people.push({ token, label, words, initials: initialsOf(person) });
    }
  }

  private next(label: string): string {
    const n = (this.counters.get(label) ?? 0) + 1;
    this.counters.set(label, n);
    return `[${label}_${n}]`;
  }

  /** `source` is the detector's (`known:client`...): a name it matched to a person on file gets that person's token. */
  tokenFor(type: PhiType, surface: string, source?: string): string {
    if (type === 'NAME') {
      const known = this.personToken(surface) ?? this.nearPersonToken(surface, source);
      if (known) return known;
    }
    const key = keyOf(type, surface);
    let token = this.byKey.get(key);
    if (!token) {
      token = this.next(type === 'NAME' ? 'PERSON' : type);
      this.byKey.set(key, token);
      this.tokens[token] = { value: normalizeText(surface).text, type };
    }
    return token;
  }

  private personToken(surface: string): string | undefined {
    for (const whole of nameKeys(surface)) {
      const direct = this.nameParts.get(whole);
      if (direct) return direct;
      for (const word of whole.split(' ')) {
        const token = this.nameParts.get(word);
        if (token) return token;
      }
    }
    return undefined;
  }

  /**
   * A name the known-identifier layer matched that is not written as on file: a misspelling
   * ("Okonkow") or initials ("D.M.O."). It takes the token of the person it was matched to,
   * never a new [PERSON_n] that stores the misspelling as someone else. Every word must be
   * that person's: "Riverside Bakery", flagged for a Will Baker, is not him.
   */
  private nearPersonToken(surface: string, source: string | undefined): string | undefined {
    const label = source === undefined ? undefined : KNOWN_SOURCE_LABELS[source];
    if (!label) return undefined;
    const near = (w: string, k: string): boolean =>
      w === k || (w.length >= 4 && k.length >= 4 && withinOneEdit(k, w));
    for (const key of nameKeys(surface)) {
      const words = key.split(' ').filter(Boolean);
      const letters = key.replace(/[^\p{L}]+/gu, '');
      for (const p of this.people) {
        if (p.label !== label) continue;
        if (words.length > 0 && words.every((w) => p.words.some((k) => near(w, k)))) return p.token;
        if (p.initials.includes(letters)) return p.token;
      }
    }
    return undefined;
  }
}

function initialsOf(person: KnownPerson): string[] {
  const first = (s: string | undefined): string => normalize(s ?? '').charAt(0);
  const g = first(person.given);
  const f = first(person.family);
  if (!g || !f) return [];
  const middle = (person.middle ?? '')
    .split(/\s+/)
    .map((w) => first(w))
    .join('');
  return middle ? [`${g}${f}`, `${g}${middle}${f}`] : [`${g}${f}`];
}
