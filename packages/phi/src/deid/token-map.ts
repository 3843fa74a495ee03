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

const normalize = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[’']s$/u, '')
    .replace(/[^\p{L}\p{N}@.+-]+/gu, ' ')
    .trim();

function keyOf(type: PhiType, surface: string): string {
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
      for (const part of [person.given, person.middle, person.family, person.preferred, full]) {
        if (!part) continue;
        const key = normalize(part);
        // The client first: a relative who shares the client's surname does not take it over.
        if (key && !this.nameParts.has(key)) this.nameParts.set(key, token);
      }
    }
  }

  private next(label: string): string {
    const n = (this.counters.get(label) ?? 0) + 1;
    this.counters.set(label, n);
    return `[${label}_${n}]`;
  }

  tokenFor(type: PhiType, surface: string): string {
    if (type === 'NAME') {
      const known = this.personToken(surface);
      if (known) return known;
    }
    const key = keyOf(type, surface);
    let token = this.byKey.get(key);
    if (!token) {
      token = this.next(type === 'NAME' ? 'PERSON' : type);
      this.byKey.set(key, token);
      this.tokens[token] = { value: surface, type };
    }
    return token;
  }

  private personToken(surface: string): string | undefined {
    const whole = normalize(surface);
    const direct = this.nameParts.get(whole);
    if (direct) return direct;
    for (const word of whole.split(' ')) {
      const token = this.nameParts.get(word);
      if (token) return token;
    }
    return undefined;
  }
}
