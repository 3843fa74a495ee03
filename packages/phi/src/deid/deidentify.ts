import type { DeidentifiedContext, TaskContext } from '@carerelay/events';
import { detect } from '../detect.js';
import { normalizeText } from '../text/normalize.js';
import type { KnownIdentifiers, KnownPerson, PhiType } from '../types.js';
import { ageOn, shiftDate } from './dates.js';
import { TokenMap, type TokenValue } from './token-map.js';

export interface DeidentifyOptions {
  /** Per-client day offset: full dates are shifted (intervals kept) instead of tokenized. */
  readonly dateShiftDays?: number | null;
}

export interface DeidentifiedTask {
  readonly context: DeidentifiedContext;
  /** token → original value: goes to the vault, never onto a de-identified topic. */
  readonly tokens: Record<string, TokenValue>;
  /** Identifiers replaced, per category. Counts only. */
  readonly counts: Record<string, number>;
  readonly known: KnownIdentifiers;
}

const personOf = (
  givenNames: readonly string[],
  family: string | null,
  preferred?: string | null,
): KnownPerson => ({
  given: givenNames[0],
  middle: givenNames.slice(1).join(' ') || undefined,
  family: family ?? undefined,
  preferred: preferred ?? undefined,
});

/** The task's structured identifiers, for the detector's known-identifier layer and the leak guard. */
export function knownIdentifiersOf(context: TaskContext): KnownIdentifiers {
  const c = context.client;
  const phones = [...c.phones, ...context.relatedPersons.flatMap((r) => r.phones)];
  return {
    client: personOf(c.givenNames, c.familyName, c.preferredName),
    dob: c.birthDate ?? undefined,
    mrn: c.mrn ?? undefined,
    phones,
    emails: [...c.emails],
    address: c.address
      ? {
          line1: c.address.lines[0],
          line2: c.address.lines[1],
          city: c.address.city ?? undefined,
          county: c.address.county ?? undefined,
          state: c.address.state ?? undefined,
          zip: c.address.postalCode ?? undefined,
        }
      : undefined,
    relatives: context.relatedPersons.map((r) => personOf(r.givenNames, r.familyName)),
    careTeam: context.careTeam.map((p) => personOf(p.givenNames, p.familyName)),
  };
}

class Session {
  readonly counts: Record<string, number> = {};

  constructor(
    readonly map: TokenMap,
    readonly known: KnownIdentifiers,
    private readonly shiftDays: number | null,
  ) {}

  private count(type: PhiType): void {
    this.counts[type] = (this.counts[type] ?? 0) + 1;
  }

  /**
   * Free text: every detected identifier becomes a token (ages over 89 become "90+"); a
   * person's given name and surname side by side are one token ("[CLIENT], 37", not
   * "[CLIENT] [CLIENT], 37"). The rest goes out as the detector read it (normalized: no
   * invisible characters, fullwidth folded).
   *
   * Square brackets in de-identified text belong to tokens only: the source's own become
   * parentheses. "[Rosalind Pérez]" goes out as "([CLIENT])": "[[CLIENT]]" reads as a token
   * in brackets (and a model that drops one pair leaves a broken token), while swallowing the
   * brackets into the token would silently drop what the writer marked. A "[PERSON_1]" pasted
   * from an old draft goes out as "(PERSON_1)", so it can never be re-identified as this
   * task's [PERSON_1].
   */
  text(value: string): string {
    const spans = detect(value, { known: this.known });
    let out = '';
    let at = 0;
    let last: string | undefined;
    for (const span of spans) {
      const between = outboundText(value.slice(at, span.start));
      const token = this.replacement(span.type, value.slice(span.start, span.end), span.source);
      at = span.end;
      if (span.type === 'NAME' && token === last && SAME_LINE_SPACE.test(between)) continue;
      out += between + token;
      last = span.type === 'NAME' ? token : undefined;
      this.count(span.type);
    }
    return out + outboundText(value.slice(at));
  }

  /** A structured date field: shifted when shifting is on, else a token. */
  date(value: string): string {
    this.count('DATE');
    return this.replacement('DATE', value.slice(0, 10));
  }

  private replacement(type: PhiType, surface: string, source?: string): string {
    if (type === 'AGE') return '90+';
    if (type === 'DATE' && this.shiftDays !== null) {
      const shifted = shiftDate(normalizeText(surface).text, this.shiftDays);
      if (shifted) return shifted;
    }
    return this.map.tokenFor(type, surface, source);
  }
}

const SQUARE_BRACKETS = /[[\]]/g;
const SAME_LINE_SPACE = /^[ \t]+$/;

function outboundText(s: string): string {
  return normalizeText(s).text.replace(SQUARE_BRACKETS, (b) => (b === '[' ? '(' : ')'));
}

function minutesBetween(start: string, end: string | null): number | null {
  if (!end) return null;
  const ms = Date.parse(end) - Date.parse(start);
  return Number.isFinite(ms) && ms >= 0 ? Math.round(ms / 60_000) : null;
}

/**
 * De-identifies a task's (already minimum-necessary) context: structured
 * identifiers are dropped or tokenized, free text goes through detection with
 * the task's known identifiers. Pure: no I/O.
 */
export function deidentifyContext(context: TaskContext, options: DeidentifyOptions = {}): DeidentifiedTask {
  const known = knownIdentifiersOf(context);
  const map = new TokenMap([
    { person: known.client ?? {}, label: 'CLIENT' },
    ...(known.relatives ?? []).map((person) => ({ person, label: 'PERSON' as const })),
    ...(known.careTeam ?? []).map((person) => ({ person, label: 'CLINICIAN' as const })),
  ]);
  const s = new Session(map, known, options.dateShiftDays ?? null);
  const c = context.client;
  const sessionDay = context.encounter?.start.slice(0, 10) ?? new Date().toISOString().slice(0, 10);
  const age = c.birthDate ? ageOn(c.birthDate, sessionDay) : null;
  // personTokens[0] is the client; relatives, then care team, follow in order.
  const personTokens = map.personTokens.slice(1);

  const deidentified: DeidentifiedContext = {
    client: {
      ref: '[CLIENT]',
      // Safe Harbor 164.514(b)(2)(i)(C): ages over 89 are aggregated into 90+.
      age: age === null ? null : age > 89 ? '90+' : String(age),
      gender: c.gender,
      pronouns: c.pronouns,
    },
    people: [
      ...context.relatedPersons.map((r, i) => ({
        ref: personTokens[i] ?? '[PERSON]',
        role: s.text(r.relationship),
      })),
      ...context.careTeam.map((p, i) => ({
        ref: personTokens[context.relatedPersons.length + i] ?? '[CLINICIAN]',
        role: s.text(p.role),
      })),
    ],
    encounter: context.encounter
      ? {
          date: s.date(context.encounter.start),
          durationMinutes: minutesBetween(context.encounter.start, context.encounter.end),
          serviceType: context.encounter.serviceType,
          telehealth: context.encounter.telehealth,
          clientPresent: context.encounter.clientPresent,
          withMedicalEvaluation: context.encounter.withMedicalEvaluation,
        }
      : null,
    sessionNotes: context.sessionNotes === null ? null : s.text(context.sessionNotes),
    priorNotes: context.priorNotes.map((n) => ({ date: s.date(n.date), text: s.text(n.text) })),
    goals: context.goals.map((g, i) => ({
      ref: `G${i + 1}`,
      description: s.text(g.description),
      status: g.status,
      targetDate: g.targetDate === null ? null : s.date(g.targetDate),
    })),
    assessments: context.assessments.map((a) => ({ ...a, date: s.date(a.date) })),
    diagnoses: context.diagnoses.map((d) => ({ code: d.code, display: d.display })),
    messages: context.messages.map((m) => ({ sentAt: s.date(m.sentAt), text: s.text(m.text) })),
    // linkId and code are the form's structure (ids and LOINC codes), never what the client wrote.
    intakeAnswers: context.intakeAnswers.map((a) => ({
      question: a.question,
      answer: s.text(a.answer),
      linkId: a.linkId ?? null,
      code: a.code ?? null,
    })),
  };
  return { context: deidentified, tokens: map.tokens, counts: s.counts, known };
}
