import { describe, expect, it } from 'vitest';
import { keyedHash } from '@carerelay/crypto';
import type { AiRequest, TaskContext, UseCase } from '@carerelay/events';
import { TemplateRegistry } from '@carerelay/llm';
import { deidentifyContext, issuedTokensOf, knownFingerprintValues } from '@carerelay/phi';
import { outboundPrompt } from './draft-request.js';

/**
 * Differential fuzz of the last leak guard: known identifiers of a synthetic client, hidden in
 * the ways a model still reads them, go through the real pieces (deidentifyContext → the
 * request the deidentifier publishes → render → final guard). Each case must be blocked, or
 * the rendered prompt, read by an independent normalizer, must hold no form of the identifier.
 */

// A synthetic client; values chosen so that no piece of them occurs in the templates or filler.
const CLIENT: TaskContext['client'] = {
  id: 'pt-fuzz-1',
  givenNames: ['Marisol'],
  familyName: 'Quenneville',
  preferredName: null,
  birthDate: '1987-03-14',
  gender: 'female',
  pronouns: 'she/her',
  mrn: 'MRN-83920417',
  phones: ['555-010-4477'],
  emails: ['marisol.q@example.org'],
  address: { lines: ['4187 Tamarack Crescent'], city: null, county: null, state: null, postalCode: null },
};

/** An identifier as written in a note, and the keys the judge looks for (letters and digits only). */
interface Identifier {
  readonly kind: string;
  readonly text: string;
  readonly keys: readonly string[];
}

const IDENTIFIERS: readonly Identifier[] = [
  { kind: 'given', text: 'Marisol', keys: ['marisol'] },
  { kind: 'family', text: 'Quenneville', keys: ['quenneville'] },
  { kind: 'full name', text: 'Marisol Quenneville', keys: ['marisol', 'quenneville'] },
  { kind: 'relative', text: 'Bartholomew', keys: ['bartholomew'] },
  { kind: 'phone', text: '555-010-4477', keys: ['5550104477'] },
  { kind: 'MRN', text: 'MRN-83920417', keys: ['83920417'] },
  { kind: 'email', text: 'marisol.q@example.org', keys: ['marisol', 'marisolqexampleorg'] },
  { kind: 'address', text: '4187 Tamarack Crescent', keys: ['tamarack'] },
  { kind: 'DOB', text: '03/14/1987', keys: ['03141987'] },
];

type Obfuscation = (s: string, rng: Rng) => string;

const insertAt = (s: string, rng: Rng, piece: string): string => {
  const at = 1 + Math.floor(rng() * Math.max(1, s.length - 1));
  return s.slice(0, at) + piece + s.slice(at);
};
const FULLWIDTH = (s: string): string =>
  s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x21 + 0xff01));

/** A hyphen inside one word of letters (or run of digits) of at least four characters. */
const hyphenated: Obfuscation = (s, rng) => {
  const words = [...s.matchAll(/\p{L}{4,}|\d{4,}/gu)];
  const word = words.length > 0 ? pick(rng, words) : undefined;
  if (!word) return s;
  const at = word.index + 1 + Math.floor(rng() * (word[0].length - 2));
  return s.slice(0, at) + '-' + s.slice(at);
};

const OBFUSCATIONS: Readonly<Record<string, Obfuscation>> = {
  plain: (s) => s,
  'U+200B': (s, rng) => insertAt(s, rng, '\u200B'),
  'U+2060': (s, rng) => insertAt(s, rng, '\u2060'),
  'U+00AD': (s, rng) => insertAt(s, rng, '\u00AD'),
  'U+202E': (s, rng) => insertAt(s, rng, '\u202E'),
  fullwidth: (s) => FULLWIDTH(s),
  'escaped \\n': (s) => `\\n${s}`,
  'escaped \\t': (s) => `\\t${s}`,
  brackets: (s) => `[${s}]`,
  hyphenated,
  // "S.a.r.a.h" for each word; "555.010.4477", "03.14.1987" for digits.
  dotted: (s) => s.replace(/\p{L}+/gu, (w) => [...w].join('.')).replace(/(\d)[-/](?=\d)/g, '$1.'),
};

/** Applied on top of the first, on some variations. */
const SECOND = ['U+200B', 'U+2060', 'U+00AD', 'U+202E', 'fullwidth'] as const;

/** The context fields a note can carry; each names the use case whose template renders it. */
const FIELDS: ReadonlyArray<{
  name: string;
  useCase: UseCase;
  put: (c: TaskContext, text: string) => TaskContext;
}> = [
  { name: 'sessionNotes', useCase: 'soap_note', put: (c, t) => ({ ...c, sessionNotes: t }) },
  {
    name: 'priorNotes',
    useCase: 'soap_note',
    put: (c, t) => ({ ...c, priorNotes: [{ id: 'doc-1', date: '2026-02-23', text: t }] }),
  },
  {
    name: 'goals',
    useCase: 'goal_progress',
    put: (c, t) => ({ ...c, goals: [{ id: 'goal-1', description: t, status: 'active', targetDate: null }] }),
  },
  {
    name: 'messages',
    useCase: 'message_triage',
    put: (c, t) => ({ ...c, messages: [{ id: 'msg-1', sentAt: '2026-03-01T10:00:00Z', text: t }] }),
  },
  {
    name: 'intake question',
    useCase: 'intake_extraction',
    put: (c, t) => ({ ...c, intakeAnswers: [{ question: t, answer: 'yes', linkId: null, code: null }] }),
  },
  {
    name: 'diagnosis display',
    useCase: 'soap_note',
    put: (c, t) => ({ ...c, diagnoses: [{ code: 'F41.1', display: t }] }),
  },
];

const SENTENCES: readonly ((id: string) => string)[] = [
  (id) => `Client reported that ${id} slept poorly this week.`,
  (id) => `Spoke with ${id} about the breathing exercise.`,
  (id) => `Reach ${id} before the next session.`,
  (id) => `${id} attended on time and was engaged.`,
  (id) => `Discussed coping skills; ${id}.`,
];

type Rng = () => number;

/** mulberry32, written here so the cases do not depend on the code under test. */
function seeded(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

function baseContext(): TaskContext {
  return {
    client: { ...CLIENT },
    relatedPersons: [
      { givenNames: ['Bartholomew'], familyName: 'Oyelaran', relationship: 'brother', phones: [] },
    ],
    careTeam: [{ givenNames: ['Priya'], familyName: 'Raman', role: 'therapist' }],
    encounter: {
      id: 'enc-1',
      start: '2026-03-02T15:00:00Z',
      end: '2026-03-02T15:50:00Z',
      serviceType: 'individual',
      telehealth: false,
      clientPresent: true,
      withMedicalEvaluation: false,
    },
    sessionNotes: 'Sleep improved. Denies SI.',
    priorNotes: [],
    goals: [],
    assessments: [
      { instrument: 'PHQ-9', loinc: '44261-6', date: '2026-03-02', total: 11, items: {}, subject: false },
    ],
    diagnoses: [{ code: 'F41.1', display: 'Generalized anxiety disorder' }],
    messages: [],
    intakeAnswers: [],
  };
}

/**
 * The judge, independent of the code under test: the prompt as a model reads it, NFKC, with
 * literal escapes, invisible characters, separators and accents gone, lower case, letters and
 * digits only. An identifier leaks if a key, or a piece of it of at least 60% of its length
 * (and 5 characters), remains: "Mari[CLIENT]" is not tokenized whole.
 */
function squashed(text: string): string {
  return text
    .normalize('NFKC')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}
function leakedKeys(prompt: string, keys: readonly string[]): string[] {
  const text = squashed(prompt);
  return keys.filter((key) => {
    const n = Math.max(5, Math.ceil(key.length * 0.6));
    for (let i = 0; i + n <= key.length; i++) if (text.includes(key.slice(i, i + n))) return true;
    return false;
  });
}

const FINGERPRINT_KEY = Buffer.alloc(32, 7);
const registry = TemplateRegistry.load({ newBoundary: () => 'b'.repeat(32) });

type Outcome = 'blocked' | 'tokenized whole' | 'LEAKED';

/** The real pieces: de-identify, the request the deidentifier publishes, render, the final guard. */
function run(context: TaskContext, useCase: UseCase): { outcome: Outcome; prompt: string } {
  const deid = deidentifyContext(context);
  const request: AiRequest = {
    taskId: 'task-fuzz',
    tenantId: 'tenant-fuzz',
    subjectRef: 'subject-fuzz',
    useCase,
    purposeOfUse: 'TREATMENT',
    deidentifiedContext: JSON.stringify(deid.context),
    vaultKey: 'vault:fuzz',
    deidCounts: deid.counts,
    dateShifted: false,
    securityLabels: [],
    consentRef: null,
    createdAt: 0,
    knownFingerprints: knownFingerprintValues(deid.known).map((v) => keyedHash(FINGERPRINT_KEY, v)),
    issuedTokens: issuedTokensOf(deid),
  };
  const out = outboundPrompt(request, registry.templateFor(useCase), FINGERPRINT_KEY);
  const prompt = out.messages.map((m) => m.content).join('\n');
  return { outcome: out.findings.length > 0 ? 'blocked' : 'tokenized whole', prompt };
}

interface Case {
  readonly identifier: Identifier;
  readonly obfuscation: string;
  readonly field: (typeof FIELDS)[number];
  readonly text: string;
}

function cases(seed: number, variations: number): Case[] {
  const rng = seeded(seed);
  const out: Case[] = [];
  for (const identifier of IDENTIFIERS) {
    for (const [name, obfuscate] of Object.entries(OBFUSCATIONS)) {
      for (let v = 0; v < variations; v++) {
        const field = pick(rng, FIELDS);
        const cased = rng() < 0.25 ? identifier.text.toUpperCase() : identifier.text;
        let surface = obfuscate(cased, rng);
        const second = rng() < 0.3 ? pick(rng, SECOND) : undefined;
        if (second && second !== name) surface = OBFUSCATIONS[second]!(surface, rng);
        out.push({ identifier, obfuscation: name, field, text: pick(rng, SENTENCES)(surface) });
      }
    }
  }
  return out;
}

describe('the final leak guard, fuzzed against the rendered prompt', () => {
  it('the judge finds nothing in a prompt with no identifier in its notes (no false alarms)', () => {
    for (const field of FIELDS) {
      const context = field.put(baseContext(), SENTENCES[0]!('the client'));
      const { outcome, prompt } = run(context, field.useCase);
      expect(outcome).toBe('tokenized whole');
      expect(IDENTIFIERS.flatMap((i) => leakedKeys(prompt, i.keys))).toEqual([]);
    }
  });

  it('blocks, or tokenizes whole, every hidden form of a known identifier', () => {
    const table = new Map<string, Record<Outcome, number>>();
    const leaks: string[] = [];
    for (const c of cases(20261207, 3)) {
      const context = c.field.put(baseContext(), c.text);
      const { outcome: guarded, prompt } = run(context, c.field.useCase);
      const outcome: Outcome =
        guarded !== 'blocked' && leakedKeys(prompt, c.identifier.keys).length > 0 ? 'LEAKED' : guarded;
      const row = `${c.identifier.kind} × ${c.obfuscation}`;
      const counts = table.get(row) ?? { blocked: 0, 'tokenized whole': 0, LEAKED: 0 };
      counts[outcome] += 1;
      table.set(row, counts);
      if (outcome === 'LEAKED') leaks.push(`${row} in ${c.field.name}: ${JSON.stringify(c.text)}`);
    }
    const lines = [...table].map(
      ([row, n]) =>
        `${row.padEnd(34)} ${String(n.blocked).padStart(7)} ${String(n['tokenized whole']).padStart(15)} ${String(n.LEAKED).padStart(6)}`,
    );
    console.log(
      [`${'case'.padEnd(34)} blocked tokenized whole LEAKED`, ...lines, '', ...leaks.slice(0, 40)].join('\n'),
    );
    expect(leaks).toEqual([]);
  });
});
