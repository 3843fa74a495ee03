import { describe, expect, it } from 'vitest';
import { detect } from '../detect.js';
import type { KnownIdentifiers } from '../types.js';

const known: KnownIdentifiers = {
  client: { given: 'Maria', family: 'Delacroix-Nwosu', preferred: 'Mimi' },
  dob: '1992-07-22',
  address: { line1: '4410 Quail Run Lane', city: 'Millbrook Falls', state: 'VT', zip: '05602' },
  mrn: '00012345',
  phones: ['(802) 555-0142'],
  emails: ['mimi.dn@example.com'],
  relatives: [{ given: 'Hope', family: 'Delacroix' }],
  careTeam: [{ given: 'Tobiah', family: 'Okafor' }],
};

function coveredAll(text: string, phrase: string): boolean {
  const spans = detect(text, { known });
  let from = 0;
  for (let at = text.indexOf(phrase, from); at >= 0; at = text.indexOf(phrase, from)) {
    for (let i = at; i < at + phrase.length; i++) {
      if (/[\p{L}\p{N}]/u.test(text[i] as string) && !spans.some((s) => s.start <= i && s.end > i))
        return false;
    }
    from = at + phrase.length;
  }
  return true;
}

describe('known identifiers from the structured fields', () => {
  it.each([
    ['first name alone, lowercase', 'spoke with maria today', 'maria'],
    ['surname part alone, ALL CAPS', 'NWOSU, M. seen today', 'NWOSU'],
    ['possessive', "Maria's mood improved", 'Maria'],
    ['preferred name', 'Mimi says hi', 'Mimi'],
    ['initials with periods', 'Plan discussed with M.D. and her mother', 'M.D.'],
    ['initials without periods', 'MD reports poor sleep', 'MD'],
    ['a one-letter typo', 'Mraia was late', 'Mraia'],
    ['a relative whose name is a word', 'hope is fragile and Hope visited', 'hope'],
    ['a care-team member', 'per okafor', 'okafor'],
  ])('catches the %s', (_case, text, phrase) => {
    expect(coveredAll(text, phrase)).toBe(true);
  });

  it.each([
    '07/22/1992',
    '7/22/92',
    '1992-07-22',
    'July 22nd, 1992',
    '22 Jul 1992',
    '7/22',
    '07221992',
    'Jul. 22',
  ])('catches the date of birth written %s', (dob) => {
    expect(coveredAll(`DOB ${dob} confirmed`, dob)).toBe(true);
  });

  it('catches the address, city, ZIP, MRN with separators, phone and email local part', () => {
    const text =
      'Lives at 4410 quail run ln in Millbrook Falls 05602. MRN 000-123-45, cell 802.555.0142, email mimi.dn';
    for (const phrase of [
      '4410 quail run ln',
      'Millbrook Falls',
      '05602',
      '000-123-45',
      '802.555.0142',
      'mimi.dn',
    ]) {
      expect(coveredAll(text, phrase)).toBe(true);
    }
  });

  it('leaves initials that spell a clinical abbreviation before a value: "MD" ok, but not "HR 88"', () => {
    const hr: KnownIdentifiers = { client: { given: 'Hana', family: 'Ruiz' } };
    expect(detect('HR 88, BP 120/80', { known: hr })).toEqual([]);
    expect(detect('HR says hello', { known: hr }).length).toBe(1);
  });
});

describe('known identifiers hidden by Unicode', () => {
  const rosalind: KnownIdentifiers = {
    client: { given: 'Rosalind', family: 'Pérez' },
    relatives: [{ given: 'Sam', family: 'Quispe' }],
    careTeam: [{ given: 'Ingrid', family: 'Weiß' }],
  };
  /** Each span written as <source>, so the expectation shows what is left of the original around it. */
  const marked = (text: string): string => {
    let out = '';
    let at = 0;
    for (const s of detect(text, { known: rosalind })) {
      out += `${text.slice(at, s.start)}<${s.source}>`;
      at = s.end;
    }
    return out + text.slice(at);
  };

  it.each([
    ['a zero-width space inside', 'Rosa\u200blind came early', '<known:client> came early'],
    ['a zero-width non-joiner and joiner', 'Ro\u200csa\u200dlind came', '<known:client> came'],
    ['a word joiner', 'Rosa\u2060lind came', '<known:client> came'],
    ['a byte order mark', 'Rosa\ufefflind came', '<known:client> came'],
    ['a soft hyphen', 'Ros\u00adalind came', '<known:client> came'],
    ['fullwidth letters', 'Ｒｏｓａｌｉｎｄ came', '<known:client> came'],
    ['fullwidth capitals', 'ＲＯＳＡＬＩＮＤ came', '<known:client> came'],
    ['a decomposed accent', 'Pe\u0301rez came', '<known:client> came'],
    ['bidi controls around it', 'seen: \u202eRosalind\u202c today', 'seen: <known:client> today'],
    ['bidi isolates around it', 'seen: \u2066Rosalind\u2069 today', 'seen: <known:client> today'],
    ['a soft hyphen before it', 'seen \u00adRosalind today', 'seen <known:client> today'],
    [
      'a zero-width space as the only separator',
      'seen Rosalind\u200bPérez today',
      'seen <known:client> today',
    ],
    ['several forms at once', 'Ro\u200bsa\u00adlind Pér\u2060ez', '<known:client>'],
    ['a relative behind a zero-width non-joiner', 'S\u200cam called', '<known:relative> called'],
    ['square brackets', 'Seen: [Rosalind Pérez] today', 'Seen: [<known:client>] today'],
    [
      'square brackets and a zero-width space',
      'Seen: [Rosa\u200blind] today',
      'Seen: [<known:client>] today',
    ],
    ['fullwidth brackets', 'Seen: ［Rosalind］ today', 'Seen: ［<known:client>］ today'],
  ])('catches the client or relative behind %s, whole', (_case, text, expected) => {
    expect(marked(text)).toBe(expected);
  });

  it('folds case fully: "WEISS" is the care-team member Weiß', () => {
    expect(marked('per WEISS')).toBe('per <known:care-team>');
  });

  it('leaves ordinary Unicode text alone', () => {
    expect(marked('Mood “better” — sleep 6\u00a0h, café visit')).toBe(
      'Mood “better” — sleep 6\u00a0h, café visit',
    );
  });
});
