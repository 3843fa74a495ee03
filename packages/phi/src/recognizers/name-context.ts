import { CREDENTIALS, NAME_LABELS, RELATIONS, SIGN_OFFS, TITLES } from '../lexicon/vocabulary.js';
import { hasTrigger, triggerBit } from '../lexicon/triggers.js';
import { gap } from '../text/tokens.js';
import type { Token } from '../text/tokens.js';

/** What the words around a token say about it being a person's name. */
export type NameContext =
  | 'title'
  | 'label'
  | 'relation'
  | 'named'
  | 'patient'
  | 'signature'
  | 'credential'
  | 'role'
  | 'intro'
  | 'none';

const NAMED = new Set(['named', 'called', 'nicknamed', 'aka', 'surnamed', 'née', 'nee']);
const PATIENT = new Set(['pt', 'patient', 'client', 'resident']);
const POSSESSORS = new Set([
  'my',
  'his',
  'her',
  'their',
  'our',
  'your',
  'pts',
  'clients',
  'patients',
  'the',
  'a',
  'whose',
]);

/** Clinical roles before a surname: "Cardiology fellow Smith", "RN Pat", "SW Janet". */
export const ROLES = new Set([
  'fellow',
  'resident',
  'intern',
  'attending',
  'hospitalist',
  'intensivist',
  'surgeon',
  'cardiologist',
  'neurologist',
  'nephrologist',
  'oncologist',
  'pulmonologist',
  'anesthesiologist',
  'radiologist',
  'chaplain',
  'pharmacist',
  'dietitian',
  'nutritionist',
  'physician',
  'sw',
  'rn',
  'np',
  'pa',
  'cm',
  'lpn',
  'cna',
  'pca',
]);
/** Words after which a person introduces themselves or is quoted: "I'm Raj", "says Berg". */
const INTRO = new Set(['im', 'am', 'me', 'is', 'says', 'said', 'starring', 'him', 'her', 'by']);
const INTRO_ONLY = new Set([...INTRO].filter((w) => w !== 'by' && w !== 'is'));
const GREETINGS = new Set(['hi', 'hello', 'hey', 'dear', 'yes', 'ok', 'and']);

/** Titles that only ever precede a person's name. */
export const SHORT_TITLES = new Set(['dr', 'drs', 'mr', 'mrs', 'ms', 'mx', 'prof']);

const ABBREVIATED_TITLES = new Set([
  'dr',
  'mr',
  'mrs',
  'ms',
  'mx',
  'prof',
  'rev',
  'fr',
  'sr',
  'br',
  'det',
  'capt',
  'sgt',
  'lt',
  'col',
  'gen',
  'sen',
  'rep',
  'gov',
  'st',
]);
// "... worried. -June": a hyphen attached to the name after a sentence end signs it too.
const INLINE_DASH = /[.!?,;][ \t]*(?:—|–|--)[ \t]*$|[.!?][ \t]+-$/;
const SPACE_ONLY = /^[ \t]{1,3}$/;
const TITLE_GAP = /^\.?[ \t]{0,3}$/;
const LABEL_GAP = /^[ \t]*[:#=?-][ \t]*$|^[ \t]*:[ \t]*\n?[ \t]*$/;
const RELATION_GAP = /^(?:,[ \t]*|[ \t]+|[ \t]*\([ \t]*)$/;
const DASH_LINE = /(?:^|\n)[ \t]*(?:-{1,2}|—|–|~)[ \t]*$/;
const SIGN_OFF_GAP = /^,?[ \t]*\r?\n?[ \t]*$/;

const TRIGGER_BIT = triggerBit(
  new Set([...TITLES, ...NAME_LABELS, ...RELATIONS, ...NAMED, ...PATIENT, ...SIGN_OFFS, ...ROLES, ...INTRO]),
);
const CREDENTIAL_BIT = triggerBit(CREDENTIALS);

/** A dash or tilde between the previous token and this one (a signature: "—Jane"). */
function dashBefore(text: string, prev: Token, t: Token): boolean {
  for (let i = t.start - 1; i >= prev.end; i--) {
    const c = text.charCodeAt(i);
    if (c === 45 || c === 8212 || c === 8211 || c === 126) return true;
  }
  return false;
}

/** The context a token gets from the words before it (titles, relations, labels...). */
export function contextBefore(text: string, tokens: readonly Token[], i: number): NameContext {
  const t = tokens[i] as Token;
  const prev = tokens[i - 1];
  if (!prev) {
    return DASH_LINE.test(text.slice(0, t.start)) ? 'signature' : 'none';
  }
  const k = prev.key;
  // Most tokens have no trigger word before them and no dash: decide that without slicing.
  if (!hasTrigger(prev, TRIGGER_BIT) && !dashBefore(text, prev, t)) return 'none';
  // Frequent words that are only intro cues ("is", "her", "me"): need a single space, no slicing.
  if (INTRO_ONLY.has(k)) {
    const single = t.start - prev.end === 1 && !prev.possessive && text.charCodeAt(prev.end) === 32;
    return single ? introBefore(tokens, i, ' ') : 'none';
  }
  const between = gap(text, prev, t);
  if ((between.includes('\n') && DASH_LINE.test(between)) || INLINE_DASH.test(between)) return 'signature';
  const abbreviated = ABBREVIATED_TITLES.has(k) || !between.includes('.');
  // "DR BAKAITIS" in an all-caps note; elsewhere an all-caps title is an acronym ("PA", "ST").
  const titleShape = prev.shape !== 'upper' || (prev.upperLine && SHORT_TITLES.has(k));
  if (TITLES.has(k) && TITLE_GAP.test(between) && titleShape && abbreviated) {
    // "Father" and "Sister" are titles only when capitalised: "her father took" is not.
    if (
      prev.shape === 'cap' ||
      t.shape !== 'lower' ||
      k === 'dr' ||
      k === 'mr' ||
      k === 'mrs' ||
      k === 'ms'
    ) {
      return 'title';
    }
  }
  // "What's your name? Jildau": a question mark ends a label only after "name".
  if (NAME_LABELS.has(k) && LABEL_GAP.test(between) && (k === 'name' || !between.includes('?')))
    return 'label';
  if (RELATIONS.has(k) && RELATION_GAP.test(between)) {
    const before = tokens[i - 2];
    // "her husband Tom", "pt's sister jessica", "Mother: Ana", "sponsor Dave"
    if (before && (POSSESSORS.has(before.key) || before.possessive)) return 'relation';
    if (t.shape !== 'lower') return 'relation';
    // "social: son bill called", "d/w dr. murphy, son bill": a relation opening a clause.
    if (!before || /[:;,.(\n-]/.test(text.slice(before.end, prev.start))) return 'relation';
  }
  if (ROLES.has(k) && SPACE_ONLY.test(between)) return 'role';
  // "called" is mostly "phoned" in notes: "Called Pharmacy" is not a name, "called Joy" is.
  if (NAMED.has(k) && (SPACE_ONLY.test(between) || between.trim() === ','))
    return k === 'called' ? 'intro' : 'named';
  if (INTRO.has(k)) {
    const intro = introBefore(tokens, i, between);
    if (intro !== 'none') return intro;
  }
  if (k === 'is' && SPACE_ONLY.test(between) && tokens[i - 2]?.key === 'name') return 'named';
  // "sponsor is Bill", "her caseworker is Tanya": a relation named after "is".
  if (k === 'is' && SPACE_ONLY.test(between) && RELATIONS.has(tokens[i - 2]?.key ?? '') && t.shape === 'cap')
    return 'relation';
  if (k === 'by' && SPACE_ONLY.test(between) && tokens[i - 2]?.key === 'goes') return 'named';
  if (PATIENT.has(k) && (SPACE_ONLY.test(between) || (k === 'pt' && TITLE_GAP.test(between))))
    return 'patient';
  if (SIGN_OFFS.has(k) && SIGN_OFF_GAP.test(between) && between.length > 0) {
    // "Thanks,\nJane" / "Best, Jane": only at the end of a message or line.
    if (between.includes(',') || between.includes('\n')) return 'signature';
  }
  if (k === 'by' && tokens[i - 2]?.key === 'signed' && SPACE_ONLY.test(between)) return 'signature';
  if (!between.includes('\n') && DASH_LINE.test(text.slice(Math.max(0, t.start - 4), t.start))) {
    const lineStart = text.lastIndexOf('\n', t.start - 1) + 1;
    if (DASH_LINE.test(text.slice(lineStart, t.start))) return 'signature';
  }
  return 'none';
}

/** "I'm Raj", "I am Raj", "hi, this is marcus", "call me Vee", "says Berg", "named him Frank", "Directed by: X". */
function introBefore(tokens: readonly Token[], i: number, between: string): NameContext {
  const k = (tokens[i - 1] as Token).key;
  const before = tokens[i - 2];
  if (k === 'by') return /^[ \t]*:[ \t]*$/.test(between) ? 'label' : 'none';
  if (!SPACE_ONLY.test(between)) return 'none';
  if (k === 'im' || k === 'says' || k === 'said' || k === 'starring') return 'intro';
  if (k === 'am' && before?.key === 'i') return 'intro';
  if (k === 'me' && (before?.key === 'call' || before?.key === 'calls')) return 'intro';
  if ((k === 'him' || k === 'her') && (before?.key === 'named' || before?.key === 'called')) return 'named';
  if (k === 'is' && before?.key === 'this') {
    const opener = tokens[i - 3];
    if (before.sentenceStart || (opener !== undefined && GREETINGS.has(opener.key))) return 'intro';
  }
  return 'none';
}

/** "Jane Doe, LCSW": a credential right after the token. */
export function credentialAfter(text: string, tokens: readonly Token[], i: number): boolean {
  const t = tokens[i] as Token;
  const next = tokens[i + 1];
  if (!next) return false;
  if (!hasTrigger(next, CREDENTIAL_BIT)) return false;
  const between = gap(text, t, next);
  if (!/^,?[ \t]{0,2}$/.test(between) || between.length === 0) return false;
  // "ma", "ms", "do", "pa" are credentials only in capitals ("MA", "PhD", "PsyD").
  // Lowercase, a credential that is no word ("q. lander rrt", "pat rixford licsw") still counts.
  const word = (next.info?.wordRank ?? 0) > 0;
  return (
    next.shape === 'upper' ||
    /[A-Z].*[A-Z]/.test(next.text) ||
    next.key.length > 3 ||
    (next.key.length === 3 && !word)
  );
}

export function isSpaceGap(text: string, a: Token, b: Token): boolean {
  return SPACE_ONLY.test(gap(text, a, b));
}
