import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CLIENTS, sandboxSeedResources } from '@carerelay/ehr/sandbox';
import { startAzureRecorder } from '@carerelay/llm/testing';
import { draftFromBundle } from './draft.js';

// Names chosen so that no three letters of any of them occur in the prompt template or the
// rest of the record: any fragment found in a request is a leak.
const CLIENT = { given: 'Zsófia', family: 'Wojcik' };
const PARTNER = { given: 'Kazuhiko', family: 'Przybylski' };
const MOTHER = { given: 'Ifeoma', family: 'Szczepański' };
const NAMES = [CLIENT, PARTNER, MOTHER].flatMap((p) => [p.given, p.family]);

/** The intake note: written with zero-width spaces, a word joiner, fullwidth letters, soft hyphens, brackets. */
const INTAKE_NOTE =
  'S: Zs\u200bófia Wo\u2060jcik, 37, self-referred for low mood. Lives with partner Ｋａｚｕｈｉｋｏ Przy\u00adbylski. ' +
  'Mother [Ifeoma Szczepański] calls daily. Zso\u0301fia\u200bWojcik signed consent.\n' +
  'O: Alert, oriented.\nA: F33.1 major depressive disorder, recurrent, moderate.\nP: Weekly CBT.';
/** The session note: brackets, a zero-width non-joiner and joiner, fullwidth capitals, bidi controls, a BOM. */
const SESSION_NOTE =
  'S: [Zsófia] reports walking twice this week with Kazu\u200chiko. ＷＯＪＣＩＫ says sleep improved to 6 hours. ' +
  'Her mother Ifeo\u200dma Szcze\u00adpański visited; \u202eZsófia\u202c denies SI.\n' +
  'O: PHQ-9 14, GAD-7 8.\nA: Early response to behavioral activation.\nP: Continue weekly CBT; Przy\ufeffbylski to join next session.';

type Resource = { resourceType: string; id?: string; [field: string]: unknown };

/** Avery's sandbox record, renamed, with a mother added and the notes above as the signed notes. */
function hiddenNamesBundle(): string {
  const avery = SANDBOX_CLIENTS.avery;
  const mine = (r: Resource): boolean =>
    r.id === avery.patientId ||
    JSON.stringify(r).includes(`Patient/${avery.patientId}`) ||
    r.resourceType === 'Practitioner';
  const renamed = JSON.parse(
    JSON.stringify((sandboxSeedResources() as Resource[]).filter(mine))
      .replaceAll(`${avery.given} ${avery.family}`, `${CLIENT.given} ${CLIENT.family}`)
      .replaceAll(avery.given, CLIENT.given)
      .replaceAll(avery.family, CLIENT.family),
  ) as Resource[];
  const notes = [INTAKE_NOTE, SESSION_NOTE];
  for (const r of renamed) {
    if (r.resourceType === 'Patient')
      r.name = [{ use: 'official', given: [CLIENT.given], family: CLIENT.family }];
    if (r.resourceType === 'RelatedPerson') r.name = [{ given: [PARTNER.given], family: PARTNER.family }];
    if (r.resourceType === 'DocumentReference') {
      const text = notes[avery.noteIds.indexOf(r.id as (typeof avery.noteIds)[number])];
      r.content = [
        {
          attachment: {
            contentType: 'text/plain; charset=utf-8',
            data: Buffer.from(text!).toString('base64'),
          },
        },
      ];
    }
    if (r.id === avery.goalIds[1])
      r.description = { text: 'Schedule three pleasant activities each week, one with [Kazuhiko]' };
  }
  const partner = renamed.find((r) => r.resourceType === 'RelatedPerson')!;
  const mother: Resource = {
    ...partner,
    id: 'sbx-related-avery-mother',
    relationship: [
      {
        coding: [
          { system: 'http://terminology.hl7.org/CodeSystem/v3-RoleCode', code: 'MTH', display: 'mother' },
        ],
      },
    ],
    name: [{ given: [MOTHER.given], family: MOTHER.family }],
    telecom: [],
  };
  const entry = [...renamed, mother].map((resource) => ({ resource }));
  const file = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'hidden-names.json');
  writeFileSync(file, JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry }));
  return file;
}

const INVISIBLE = /[\p{Cf}\p{Default_Ignorable_Code_Point}]/gu;
const withoutAccents = (s: string): string => s.normalize('NFKD').replace(/\p{M}+/gu, '');

/** Every run of three or more letters of a name, as written and without accents, lowercase. */
function fragments(name: string): string[] {
  const lower = name.toLowerCase();
  const out = new Set<string>();
  for (let i = 0; i < lower.length; i++)
    for (let j = i + 3; j <= lower.length; j++)
      out.add(lower.slice(i, j)).add(withoutAccents(lower.slice(i, j)));
  return [...out];
}

/** The text of a request's messages, as the model reads it (JSON decoded). */
const promptOf = (body: string): string =>
  (JSON.parse(body) as { messages: Array<{ content: string }> }).messages.map((m) => m.content).join('\n');

/** A request body as bytes and as the model reads it, each raw, without invisible characters, and folded (NFKC, no accents); lowercase. */
function readings(body: string): string[] {
  const prompt = promptOf(body);
  const views = [body, body.replace(INVISIBLE, ''), prompt, prompt.replace(INVISIBLE, '')];
  return [...views, ...views.map((v) => withoutAccents(v.normalize('NFKC')))].map((v) => v.toLowerCase());
}

describe('carerelay draft --bundle, names hidden by Unicode', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('sends the model whole tokens for every hidden form and no fragment of any name', async () => {
    const recorder = await startAzureRecorder(() => ({
      status: 200,
      content: JSON.stringify({
        draftLabel: 'AI-Assisted Draft',
        subjective: '[CLIENT] walked with [PERSON_1]; [PERSON_2] visited.',
        objective: '[MENTAL_STATUS_DETAIL]',
        assessment: 'Improving.',
        plan: 'Continue CBT.',
        riskStatement: null,
        goalsAddressed: ['G2'],
      }),
    }));
    closers.push(recorder.close);
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (c: Buffer) => chunks.push(c.toString()));
    const code = await draftFromBundle({ bundle: hiddenNamesBundle(), useCase: 'soap_note' }, out, {
      AZURE_OPENAI_ENDPOINT: recorder.url,
      AZURE_OPENAI_API_KEY: 'k',
      AZURE_OPENAI_DEPLOYMENT: 'notes',
      OPENAI_API_VERSION: '2024-10-21',
    });
    const printed = chunks.join('');
    expect(code, printed).toBe(0);
    expect(recorder.requests).toHaveLength(1);
    const body = recorder.requests[0]!.body;
    const prompt = promptOf(body);

    // No name, and no three letters of one, in any reading of the bytes that left.
    const leaks = readings(body).flatMap((text, reading) =>
      NAMES.flatMap(fragments)
        .filter((f) => text.includes(f))
        .map((f) => `reading ${reading}: "${f}"`),
    );
    expect(leaks).toEqual([]);

    // Every hidden form became its person's token, whole; the source's brackets became parentheses.
    expect(prompt).toContain('[PERSON_1]: domestic partner\n[PERSON_2]: mother');
    expect(prompt).toContain(
      [
        'S: [CLIENT], 37, self-referred for low mood. Lives with partner [PERSON_1]. ',
        'Mother ([PERSON_2]) calls daily. [CLIENT] signed consent.',
      ].join(''),
    );
    expect(prompt).toContain(
      [
        'S: ([CLIENT]) reports walking twice this week with [PERSON_1]. [CLIENT] says sleep improved to 6 hours. ',
        'Her mother [PERSON_2] visited; [CLIENT] denies SI.',
      ].join(''),
    );
    expect(prompt).toContain('P: Continue weekly CBT; [PERSON_1] to join next session.');
    expect(prompt).toContain('Schedule three pleasant activities each week, one with ([PERSON_1])');
    expect(body).not.toMatch(INVISIBLE);

    // The draft comes back with the names on file.
    expect(printed).toContain('Zsófia Wojcik walked with Kazuhiko Przybylski; Ifeoma Szczepański visited.');
    const trail = printed.split('--- audit trail ---\n')[1]!.trim().split('\n');
    expect(trail.map((l) => (JSON.parse(l) as { action: string }).action)).toEqual([
      'POLICY_DECISION',
      'PHI_ACCESS',
      'DEID',
      'LLM_CALL',
      'DRAFT_WRITTEN',
      'PHI_DISCLOSURE',
    ]);
  });
});
