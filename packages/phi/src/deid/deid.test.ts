import { describe, expect, it } from 'vitest';
import { deidentifyContext } from './deidentify.js';
import { FIXTURE_IDENTIFIERS, FIXTURE_WORD_NAMES, fixtureTaskContext } from './fixtures.js';
import { scanOutbound, knownFingerprintValues } from './leak-guard.js';
import { reidentify } from './reidentify.js';
import { TokenMap } from './token-map.js';
import { createHmac } from 'node:crypto';

describe('deidentifyContext', () => {
  const result = deidentifyContext(fixtureTaskContext());
  const json = JSON.stringify(result.context);

  it('leaves none of the fixture identifiers in the de-identified context', () => {
    for (const id of FIXTURE_IDENTIFIERS) expect(json.toLowerCase()).not.toContain(id.toLowerCase());
    for (const name of FIXTURE_WORD_NAMES) expect(json).not.toMatch(new RegExp(`\\b${name}\\b`));
  });

  it('gives every name form of the client one token, [CLIENT], possessive included', () => {
    expect(result.context.sessionNotes).toMatch(/^\[CLIENT\] reported/);
    expect(result.context.priorNotes[0]?.text).toMatch(/^Ms\. \[CLIENT\]('s)? PHQ-9 was 14/);
    expect(result.context.goals[0]?.description).toMatch(/^\[CLIENT\] /);
  });

  it('gives relatives and clinicians stable tokens, the same value the same token', () => {
    const people = Object.fromEntries(result.context.people.map((p) => [p.role, p.ref]));
    expect(people).toEqual({
      mother: '[PERSON_1]',
      husband: '[PERSON_2]',
      therapist: '[CLINICIAN_1]',
      psychiatrist: '[CLINICIAN_2]',
    });
    expect(result.context.sessionNotes).toContain('argued with [PERSON_2] about money');
    expect(result.context.sessionNotes).toContain('her mother [PERSON_1] called twice');
    expect(result.context.priorNotes[0]?.text).toContain('Dr. [CLINICIAN_2] adjusted');
    expect(result.tokens['[PERSON_2]']).toEqual({ value: 'Will Baker', type: 'NAME' });
    // The same phone written twice is one token.
    const phoneTokens = Object.entries(result.tokens).filter(([, v]) => v.type === 'PHONE');
    expect(phoneTokens).toHaveLength(1);
  });

  it('keeps what the model needs: clinical facts, duration, scores, age', () => {
    expect(result.context.client.age).toBe('41');
    expect(result.context.encounter?.durationMinutes).toBe(53);
    expect(result.context.encounter?.date).toMatch(/^\[DATE_\d+\]$/);
    expect(result.context.sessionNotes).toContain('Denies SI, no plan or intent');
    expect(result.context.assessments[0]?.total).toBe(11);
    expect(result.counts.NAME).toBeGreaterThanOrEqual(8);
  });

  it('de-identifies an intake answer and keeps its form structure (linkId, LOINC code) as it is', () => {
    const ctx = fixtureTaskContext();
    const intake = deidentifyContext({
      ...ctx,
      intakeAnswers: [
        { question: 'Who do you live with?', answer: 'Will and our son', linkId: 'living', code: null },
        { question: 'Q9', answer: 'Several days', linkId: '/44249-1/44260-8', code: '44260-8' },
      ],
    });
    expect(intake.context.intakeAnswers).toEqual([
      { question: 'Who do you live with?', answer: '[PERSON_2] and our son', linkId: 'living', code: null },
      { question: 'Q9', answer: 'Several days', linkId: '/44249-1/44260-8', code: '44260-8' },
    ]);
  });

  it('reports ages over 89 as 90+', () => {
    const ctx = fixtureTaskContext();
    const old = deidentifyContext({ ...ctx, client: { ...ctx.client, birthDate: '1931-02-01' } });
    expect(old.context.client.age).toBe('90+');
  });

  it('shifts full dates by the client offset, keeping intervals', () => {
    const shifted = deidentifyContext(fixtureTaskContext(), { dateShiftDays: -40 });
    expect(shifted.context.encounter?.date).toBe('2026-01-21');
    expect(shifted.context.priorNotes[0]?.date).toBe('2026-01-14'); // still 7 days before the session
    expect(shifted.context.sessionNotes).toContain('Next session 2026-02-04');
  });
});

describe('reidentify', () => {
  const { tokens } = deidentifyContext(fixtureTaskContext());

  it('tolerates case and spacing changes, leaves placeholders, and reports unknown tokens', () => {
    const draft = '[client] met with [ Person_1 ] and [PERSON 2]; [PERSON_9] unknown. [INTERVENTION_DETAIL]';
    const out = reidentify(draft, tokens);
    expect(out.text).toBe(
      'Dana Marie Okonkwo met with Grace Okonkwo and Will Baker; [PERSON_9] unknown. [INTERVENTION_DETAIL]',
    );
    expect(out.unresolved).toEqual(['[PERSON_9]']);
    expect(out.replaced).toBe(3);
  });

  it('moves shifted dates back', () => {
    expect(reidentify('Seen 2026-01-21.', {}, { dateShiftDays: -40 }).text).toBe('Seen 2026-03-02.');
  });
});

describe('outbound leak guard', () => {
  const ctx = fixtureTaskContext();
  const deid = deidentifyContext(ctx);

  it('passes the de-identified context', () => {
    expect(scanOutbound(JSON.stringify(deid.context), { known: deid.known }).blocked).toBe(false);
  });

  it('blocks a known identifier in any form, and reports where without the text', () => {
    const scan = scanOutbound('Summary for OKONKWO, seen today.', { known: deid.known });
    expect(scan.blocked).toBe(true);
    expect(scan.findings[0]).toMatchObject({ type: 'NAME', start: 12, end: 19 });
    expect(JSON.stringify(scan)).not.toContain('OKONKWO');
  });

  it('blocks a high-confidence identifier that is not on file', () => {
    expect(scanOutbound('SSN 219-09-9999 on the form', {}).blocked).toBe(true);
    expect(scanOutbound('email jlee@clinic.example.org', {}).blocked).toBe(true);
  });

  it('finds known identifiers by keyed fingerprint, without holding them', () => {
    const key = Buffer.alloc(32, 7);
    const hash = (w: string): string => createHmac('sha256', key).update(w).digest('base64url');
    const set = new Set(knownFingerprintValues(deid.known).map(hash));
    expect(scanOutbound('Plan for dani next week', { fingerprints: { set, hash } }).blocked).toBe(true);
    expect(scanOutbound('call 503.555.0142', { fingerprints: { set, hash } }).blocked).toBe(true);
    expect(scanOutbound('[CLIENT] slept better this week', { fingerprints: { set, hash } }).blocked).toBe(
      false,
    );
  });
});

describe('identifiers hidden by Unicode', () => {
  const withNotes = (sessionNotes: string) => deidentifyContext({ ...fixtureTaskContext(), sessionNotes });

  it('replaces every hidden form of a name on file with the whole token, nothing of the word left', () => {
    const out = withNotes(
      'Da\u200bni came with Ｗｉｌｌ. Okon\u00adkwo said \u202ePriya\u202c agreed; Gra\u2060ce called; Dani\u200bOkonkwo signed.',
    );
    expect(out.context.sessionNotes).toBe(
      '[CLIENT] came with [PERSON_2]. [CLIENT] said [CLINICIAN_1] agreed; [PERSON_1] called; [CLIENT] signed.',
    );
  });

  it("writes a person's given name and surname side by side as one token", () => {
    const ctx = fixtureTaskContext();
    const out = deidentifyContext({
      ...ctx,
      client: { ...ctx.client, givenNames: ['Avery'], familyName: 'Lindqvist', preferredName: null },
      sessionNotes: 'S: Avery Lindqvist, 37, self-referred. Avery\u200b Lindqvist\nLindqvist',
    });
    expect(out.context.sessionNotes).toBe('S: [CLIENT], 37, self-referred. [CLIENT]\n[CLIENT]');
  });

  it('gives a misspelled name on file its person token, not a new one', () => {
    expect(withNotes('Okonkow called.').context.sessionNotes).toBe('[CLIENT] called.');
  });

  it("keeps square brackets for tokens: a name in brackets becomes ([CLIENT]), the source's own brackets become parentheses", () => {
    const out = withNotes(
      'Seen: [Dana Okonkwo]. [Dani] says hi. Wrote [sic]; pasted [PERSON_1] from an old draft.',
    );
    expect(out.context.sessionNotes).toBe(
      'Seen: ([CLIENT]). ([CLIENT]) says hi. Wrote (sic); pasted (PERSON_1) from an old draft.',
    );
  });

  it('sends the normalized text: no invisible characters, fullwidth folded', () => {
    const out = withNotes('Sleep\u200b improved to ６h\u00ad; mood “better”.');
    expect(out.context.sessionNotes).toBe('Sleep improved to 6h; mood “better”.');
  });

  it('gives the same value written in fullwidth digits the same token, stored as plain text', () => {
    const out = withNotes('Call 503-555-0142 or ５０３-５５５-０１４２.');
    const phones = Object.entries(out.tokens).filter(([, v]) => v.type === 'PHONE');
    expect(phones).toEqual([['[PHONE_1]', { value: '503-555-0142', type: 'PHONE' }]]);
    expect(out.context.sessionNotes).toBe('Call [PHONE_1] or [PHONE_1].');
  });

  it('passes its own output through the leak guard', () => {
    const out = withNotes('Da\u200bni and [Will] and Ｇｒａｃｅ.');
    expect(scanOutbound(JSON.stringify(out.context), { known: out.known }).blocked).toBe(false);
  });
});

describe('TokenMap name forms', () => {
  const map = new TokenMap([
    { person: { given: 'Rosalind', family: 'Pérez' }, label: 'CLIENT' },
    { person: { given: 'Sam', family: 'Quispe' }, label: 'PERSON' },
  ]);

  it.each(['Pérez', 'PEREZ', 'Ｐｅｒｅｚ', 'Pe\u0301rez', 'Rosa\u200blind', 'Ros\u00adalind Pérez'])(
    'maps %j to [CLIENT]',
    (surface) => {
      expect(map.tokenFor('NAME', surface)).toBe('[CLIENT]');
    },
  );

  it('maps a misspelling flagged as a known relative to that relative', () => {
    expect(map.tokenFor('NAME', 'Quipse', 'known:relative')).toBe('[PERSON_1]');
  });
});

describe('reidentify, tokens a model wrote oddly', () => {
  const { tokens } = deidentifyContext(fixtureTaskContext());

  it('reads fullwidth brackets and invisible characters around a token', () => {
    const out = reidentify('［CLIENT］ met [ PERSON\u200b_1 ] and [\u2060PERSON_2\u200b].', tokens);
    expect(out.text).toBe('Dana Marie Okonkwo met Grace Okonkwo and Will Baker.');
    expect(out.replaced).toBe(3);
  });
});

describe('outbound leak guard, Unicode and JSON', () => {
  const deid = deidentifyContext(fixtureTaskContext());
  const key = Buffer.alloc(32, 7);
  const hash = (w: string): string => createHmac('sha256', key).update(w).digest('base64url');
  const fingerprints = { set: new Set(knownFingerprintValues(deid.known).map(hash)), hash };

  it('reads JSON escapes as the receiver does: a name after an escaped newline is still a name', () => {
    expect(scanOutbound(JSON.stringify({ t: 'ok\nWill visited' }), { known: deid.known }).blocked).toBe(true);
    expect(scanOutbound(JSON.stringify({ t: 'ok\nDani visited' }), { fingerprints }).blocked).toBe(true);
    expect(scanOutbound('{"t":"\\u0044ani visited"}', { fingerprints }).blocked).toBe(true);
  });

  it.each(['Plan for Da\u200bni', 'Plan for Ｄａｎｉ', 'Plan for Dan\u00adi', 'Plan for \u202eDani\u202c'])(
    'finds the fingerprint of a name hidden by Unicode in %j',
    (text) => {
      expect(scanOutbound(text, { fingerprints }).blocked).toBe(true);
    },
  );

  it('reports where a hidden name is in the text as sent', () => {
    const scan = scanOutbound('Summary for OKON\u200bKWO, seen today.', { known: deid.known });
    expect(scan.findings[0]).toMatchObject({ type: 'NAME', start: 12, end: 20 });
  });

  it('finds a name on file written without its accent', () => {
    const known = { client: { given: 'Rosalind', family: 'Pérez' } };
    const set = new Set(knownFingerprintValues(known).map(hash));
    expect(scanOutbound('seen: PEREZ', { fingerprints: { set, hash } }).blocked).toBe(true);
  });
});
