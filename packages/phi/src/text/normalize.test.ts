import { describe, expect, it } from 'vitest';
import { normalizeText, originalRange, wholeWord } from './normalize.js';

/** The original text behind view range [start, end). */
function behind(original: string, start: number, end: number, options = {}): string {
  const [s, e] = originalRange(normalizeText(original, options), start, end);
  return original.slice(s, e);
}

describe('normalizeText', () => {
  it('returns plain ASCII as it is, with no offset map', () => {
    const view = normalizeText('Rosalind, 7/22.\n\tok');
    expect(view).toEqual({ text: 'Rosalind, 7/22.\n\tok', map: null, invisible: false });
  });

  it('returns text NFKC leaves alone, with nothing invisible, with no offset map', () => {
    expect(normalizeText('Pérez “quoted” — café’s').map).toBeNull();
  });

  it.each([
    ['zero-width space', 'Rosa\u200blind'],
    ['zero-width non-joiner', 'Rosa\u200clind'],
    ['zero-width joiner', 'Rosa\u200dlind'],
    ['word joiner', 'Rosa\u2060lind'],
    ['byte order mark', 'Rosa\ufefflind'],
    ['soft hyphen', 'Rosa\u00adlind'],
    ['left-to-right embedding and pop', '\u202aRosalind\u202c'],
    ['right-to-left override', '\u202eRosalind'],
    ['first strong isolate', '\u2068Rosalind\u2069'],
    ['variation selector', 'Rosa\ufe0flind'],
    ['Mongolian vowel separator', 'Rosa\u180elind'],
    ['control character', 'Rosa\u0007lind'],
  ])('removes a %s', (_name, original) => {
    const view = normalizeText(original);
    expect(view.text).toBe('Rosalind');
    expect(view.invisible).toBe(true);
  });

  it('folds fullwidth letters and digits, ligatures and non-breaking spaces (NFKC)', () => {
    expect(normalizeText('Ｒｏｓａｌｉｎｄ ＰＥＲＥＺ １２３').text).toBe('Rosalind PEREZ 123');
    expect(normalizeText('ﬁle\u00a0ok').text).toBe('file ok');
    expect(normalizeText('Pe\u0301rez').text).toBe('Pérez');
  });

  it('keeps lone surrogates as they are, one unit each', () => {
    const view = normalizeText('\ud800Ros\u00adalind \udc00x\ud800');
    expect(view.text).toBe('\ud800Rosalind \udc00x\ud800');
    expect(behind('\ud800Ros\u00adalind', 1, 9)).toBe('Ros\u00adalind');
  });

  it('keeps whitespace and line breaks', () => {
    expect(normalizeText('a\u200b\tb\r\nc\u2028d').text).toBe('a\tb\r\nc\u2028d');
  });

  it('turns each invisible character into a space when asked', () => {
    expect(normalizeText('Rosalind\u200bPérez', { invisible: 'space' }).text).toBe('Rosalind Pérez');
  });

  it('decodes JSON string escapes when asked, and only then', () => {
    expect(
      normalizeText('{"t":"ok\\nSam \\u0052osa\\u200blind \\"x\\" \\\\n"}', { jsonEscapes: true }).text,
    ).toBe('{"t":"ok\nSam Rosalind "x" \\n"}');
    expect(normalizeText('ok\\nSam').text).toBe('ok\\nSam');
    expect(normalizeText('\\ud83d\\ude00 \\uZZZZ', { jsonEscapes: true }).text).toBe('\u{1f600} \\uZZZZ');
  });
});

describe('originalRange', () => {
  it('maps a view range to the original characters behind it, invisible ones inside included', () => {
    expect(behind('seen Rosa\u200blind today', 5, 13)).toBe('Rosa\u200blind');
    expect(behind('seen Ros\u00ada\u2060lind today', 5, 13)).toBe('Ros\u00ada\u2060lind');
    expect(behind('seen Ｒｏｓａｌｉｎｄ today', 5, 13)).toBe('Ｒｏｓａｌｉｎｄ');
    expect(behind('Pe\u0301rez.', 0, 5)).toBe('Pe\u0301rez');
  });

  it('maps a range ending inside an expansion to the whole source character', () => {
    // "ﬁ" is one original character and two view characters.
    expect(behind('a ﬁle', 2, 3)).toBe('ﬁ');
    expect(behind('a ﬁle', 3, 6)).toBe('ﬁle');
  });

  it('maps through decoded JSON escapes to the escape as written', () => {
    expect(behind('{"t":"\\u0052osa\\u200blind"}', 6, 14, { jsonEscapes: true })).toBe(
      '\\u0052osa\\u200blind',
    );
  });

  it('maps the end of the view to the end of the original', () => {
    const original = 'Rosalind\u200b';
    expect(behind(original, 0, 8)).toBe('Rosalind\u200b');
  });

  it('is the identity when there is no map', () => {
    expect(originalRange(normalizeText('plain text'), 2, 6)).toEqual([2, 6]);
  });
});

describe('wholeWord', () => {
  const widened = (text: string, start: number, end: number): string => {
    const [s, e] = wholeWord(text, start, end);
    return text.slice(s, e);
  };

  it('takes the rest of a word split by invisible characters', () => {
    expect(widened('Rosa\u200blind came', 0, 4)).toBe('Rosa\u200blind');
    expect(widened('Ros\u00adalind came', 4, 9)).toBe('Ros\u00adalind');
    expect(widened('the \u00adcia note', 5, 8)).toBe('\u00adcia');
  });

  it('takes invisible characters at the edges', () => {
    expect(widened('x \u202eRosalind\u202c y', 3, 11)).toBe('\u202eRosalind\u202c');
  });

  it('stops at punctuation, brackets, a possessive and a change from letters to digits', () => {
    expect(widened('[Rosalind]', 1, 9)).toBe('Rosalind');
    expect(widened("Rosalind's", 0, 8)).toBe('Rosalind');
    expect(widened('Rosalind2', 0, 8)).toBe('Rosalind');
    expect(widened('Rosalind-Pérez', 0, 8)).toBe('Rosalind');
  });

  it('takes a whole word that a span only began', () => {
    expect(widened('Rosalindita', 0, 8)).toBe('Rosalindita');
    expect(widened('MRN 0012345', 6, 11)).toBe('0012345');
  });

  it('reads surrogate pairs as one character', () => {
    expect(widened('𝐑osa lind', 2, 5)).toBe('𝐑osa');
  });
});
