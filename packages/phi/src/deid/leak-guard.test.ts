import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deidentifyContext } from './deidentify.js';
import { fixtureTaskContext } from './fixtures.js';
import { issuedTokensOf, knownFingerprintValues, scanOutbound, scanPrompt } from './leak-guard.js';

const deid = deidentifyContext(fixtureTaskContext());
const key = Buffer.alloc(32, 7);
const hash = (w: string): string => createHmac('sha256', key).update(w).digest('base64url');
const fingerprints = { set: new Set(knownFingerprintValues(deid.known).map(hash)), hash };
const tokens = issuedTokensOf(deid);
const user = (content: string) => [{ role: 'user', content }];

describe('the leak guard masks only the tokens the deidentifier issued', () => {
  it('reads a name in brackets as a name, not as a token', () => {
    expect(scanOutbound('Seen: [Dani Okonkwo] today', { fingerprints, tokens }).blocked).toBe(true);
    expect(scanOutbound('Seen: [PERSON Dani] today', { fingerprints, tokens }).blocked).toBe(true);
    expect(scanPrompt(user('Seen: [Dani Okonkwo] today'), { fingerprints, tokens }).blocked).toBe(true);
  });

  it('masks an issued token, so "[CLIENT]" is not read as a name', () => {
    expect(tokens).toContain('[CLIENT]');
    expect(scanPrompt(user('[CLIENT] and [PERSON_1] talked'), { fingerprints, tokens }).blocked).toBe(false);
  });

  it('issues every bracketed string the de-identified context holds', () => {
    // Independently of issuedTokensOf: whatever is in square brackets in the published context.
    const bracketed = new Set(JSON.stringify(deid.context).match(/\[[^\]["]+\]/g));
    expect(bracketed.size).toBeGreaterThan(3);
    for (const b of bracketed) expect(tokens).toContain(b);
  });

  it('blocks letters glued to a token: a word tokenized in part', () => {
    const scan = scanPrompt(user('Seen [CLIENT]-nkwo today'), { fingerprints, tokens });
    expect(scan.findings.map((f) => f.type)).toEqual(['TOKEN_FRAGMENT']);
    expect(scanPrompt(user("[CLIENT]'s plan; [PERSON_1]/[PERSON_2]"), { fingerprints, tokens }).blocked).toBe(
      false,
    );
  });
});

describe('the leak guard reads the prompt as the model does', () => {
  it.each([
    ['a literal escaped newline', 'note:\\nDani slept'],
    ['a literal escaped tab', 'note:\\tOkonkwo slept'],
    ['a dotted name', 'Plan for D.a.n.i next week'],
    ['a hyphenated name', 'Plan for Okon-kwo next week'],
    ['a name run together', 'Plan for DaniOkonkwo next week'],
    ['a dotted date of birth', 'born 07.22.1984'],
    ['a date of birth with a hyphen inside', 'born 07/22/19-84'],
    ['a dotted email', 'mail d.a.n.i.o.k.o.n.k.w.o@example.com'],
    ['a street of the address', 'lives on Larkspur'],
  ])('finds %s', (_name, content) => {
    expect(scanPrompt(user(content), { fingerprints, tokens }).blocked).toBe(true);
  });

  it('reads a backslash escape written into the context as the model does', () => {
    const json = JSON.stringify({ text: 'note \\nDani slept' });
    expect(scanOutbound(json, { fingerprints, tokens }).blocked).toBe(true);
  });

  it('reports the message and offsets in its content, never the text', () => {
    const scan = scanPrompt([{ role: 'system', content: 'rules' }, ...user('Seen: Da\u200bni today')], {
      fingerprints,
      tokens,
    });
    expect(scan.findings[0]).toMatchObject({ message: 1, start: 6, end: 11 });
    expect(JSON.stringify(scan)).not.toMatch(/dani/i);
  });

  it('searches a system message for known identifiers, not for the detector guesses its rules trip', () => {
    expect(scanPrompt([{ role: 'system', content: 'Write for Dani.' }], { fingerprints }).blocked).toBe(true);
    expect(
      scanPrompt([{ role: 'system', content: 'Rules:\n- riskStatement: only if the inputs say so.' }], {
        fingerprints,
      }).blocked,
    ).toBe(false);
  });
});
