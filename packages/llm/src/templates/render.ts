import { randomBytes } from 'node:crypto';
import { measurementFindings } from '@carerelay/clinical';
import type { DeidentifiedContext } from '@carerelay/events';
import { CareRelayError } from '@carerelay/errors';

/** A new data-block boundary: 128 random bits, so text in the record cannot guess it. */
export function randomBoundary(): string {
  return randomBytes(16).toString('hex');
}

const ROLE_LABEL = /\b(system|assistant|developer|user|tool|human|instructions?)(\s*):/gi;
// Zero-width and bidi control characters hide a role header from the escapes below ("sys\u200Btem:").
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;
// eslint-disable-next-line no-control-regex -- control characters are exactly what this strips
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/**
 * Makes record text safe to place inside a data block: it can no longer close the
 * block, forge a block or a chat-markup role, or start a markdown heading or a role
 * header the model could read as a new instruction section. The words stay readable,
 * because the model still has to document or triage them.
 */
export function neutralize(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(INVISIBLE, '')
    .replace(CONTROL, '')
    .replace(/<{3,}/g, (run) => '‹'.repeat(run.length))
    .replace(/>{3,}/g, (run) => '›'.repeat(run.length))
    .replace(/<\|/g, '‹|')
    .replace(/\|>/g, '|›')
    .replace(
      /^([ \t>*-]*)(#{1,6})/gm,
      (_m, lead: string, hashes: string) => lead + '\\#'.repeat(hashes.length),
    )
    .replace(ROLE_LABEL, (_m, word: string, space: string) => `${word}${space}\\:`);
}

const BLOCK_OPEN = /<<<DATA ([A-Za-z0-9]+)>>>\n/g;

/**
 * Where record text is in a rendered message: [start, end) of each data block's lines. Every
 * byte of task data is rendered inside a data block, and neutralized record text cannot open or
 * close one, so what lies outside is template text and the boundary. An opening marker with no
 * closing one: the whole message counts as record text (fail closed).
 */
export function recordTextRanges(content: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const m of content.matchAll(BLOCK_OPEN)) {
    const start = m.index + m[0].length;
    const end = content.indexOf(`\n<<<END ${m[1]}>>>`, start);
    if (end < 0) return [[0, content.length]];
    ranges.push([start, end]);
  }
  return ranges;
}

/** One data block; every line inside is neutralized record text. */
export function dataBlock(boundary: string, lines: readonly string[]): string {
  return [`<<<DATA ${boundary}>>>`, ...lines.map(neutralize), `<<<END ${boundary}>>>`].join('\n');
}

const NONE = '(none)';

const orUnknown = (value: string | null): string => value ?? 'not recorded';

function itemScores(items: Readonly<Record<string, number>>): string {
  const entries = Object.entries(items);
  return entries.length === 0
    ? ''
    : `; item scores ${entries.map(([item, score]) => `${item}=${score}`).join(', ')}`;
}

/** Each context section as the lines of its data block; empty sections render as "(none)". */
function sectionLines(context: DeidentifiedContext): Record<ContextPlaceholder, string[]> {
  const { client, encounter } = context;
  return {
    client: [
      `ref: ${client.ref}`,
      `age: ${orUnknown(client.age)}`,
      `gender: ${orUnknown(client.gender)}`,
      `pronouns: ${orUnknown(client.pronouns)}`,
    ],
    people: context.people.map((p) => `${p.ref}: ${p.role}`),
    encounter: encounter
      ? [
          `date: ${encounter.date}`,
          `service type: ${encounter.serviceType}`,
          `duration minutes: ${encounter.durationMinutes ?? 'not recorded'}`,
          `telehealth: ${encounter.telehealth ? 'yes' : 'no'}`,
          `client present: ${encounter.clientPresent ? 'yes' : 'no'}`,
          `with medical evaluation: ${encounter.withMedicalEvaluation ? 'yes' : 'no'}`,
        ]
      : [],
    sessionNotes: context.sessionNotes?.trim() ? [context.sessionNotes] : [],
    priorNotes: context.priorNotes.flatMap((n, i) => [...(i > 0 ? [''] : []), `note of ${n.date}:`, n.text]),
    goals: context.goals.map(
      (g) =>
        `${g.ref} (status ${g.status}${g.targetDate ? `, target ${g.targetDate}` : ''}): ${g.description}`,
    ),
    assessments: context.assessments.map(
      (a) => `${a.instrument} on ${a.date}: total ${a.total ?? 'not recorded'}${itemScores(a.items)}`,
    ),
    diagnoses: context.diagnoses.map((d) => `${d.code} ${d.display}`),
    messages: context.messages.flatMap((m, i) => [
      ...(i > 0 ? [''] : []),
      `message sent ${m.sentAt}:`,
      m.text,
    ]),
    intakeAnswers: context.intakeAnswers.flatMap((a, i) => [
      ...(i > 0 ? [''] : []),
      `question: ${a.question}`,
      `answer: ${a.answer}`,
    ]),
    // Computed by rules from the scores above, never by the model: the draft states the same sentences.
    measurementFindings: measurementFindings(context.assessments).flatMap((series, i) => [
      ...(i > 0 ? [''] : []),
      ...series.findings,
    ]),
  };
}

export const CONTEXT_PLACEHOLDERS = [
  'client',
  'people',
  'encounter',
  'sessionNotes',
  'priorNotes',
  'goals',
  'assessments',
  'diagnoses',
  'messages',
  'intakeAnswers',
  'measurementFindings',
] as const;
export type ContextPlaceholder = (typeof CONTEXT_PLACEHOLDERS)[number];

/** Placeholders a template file may use; `boundary` is the only one allowed in system.md. */
export const KNOWN_PLACEHOLDERS: ReadonlySet<string> = new Set<string>([...CONTEXT_PLACEHOLDERS, 'boundary']);

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g;

export function placeholdersOf(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

/**
 * Substitutes `{{name}}` in one pass, so a value that itself contains `{{goals}}`
 * is never expanded again.
 */
export function substitute(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_m, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new CareRelayError('TEMPLATE_INVALID', `Template placeholder {{${name}}} has no value`);
    }
    return value;
  });
}

/** The values of every context placeholder for one render: each section is its own data block. */
export function contextValues(context: DeidentifiedContext, boundary: string): Record<string, string> {
  const lines = sectionLines(context);
  const values: Record<string, string> = { boundary };
  for (const name of CONTEXT_PLACEHOLDERS) {
    values[name] = lines[name].length === 0 ? NONE : dataBlock(boundary, lines[name]);
  }
  return values;
}
