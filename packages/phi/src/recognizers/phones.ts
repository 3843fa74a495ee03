import { hasTrigger, triggerBit } from '../lexicon/triggers.js';
import type { Token } from '../text/tokens.js';
import type { Span } from '../types.js';

// Phone shapes the NANP and "+CC" patterns in identifiers.ts miss: internal extensions
// ("page at x4521", "ext 212") and national formats written without a country code
// ("079 2718 1155", "01.84.17.61.18", "(37) 788-063"). Grouped digits are everywhere in
// clinical text (doses, lab series), so a grouped number needs a phone cue or a shape no
// measurement has.

/** "x4521" (no space, 4-5 digits: "x2" and "x 3" are counts) and "ext 212", "ext. 4521", "extension 12". */
const EXTENSION = /(?:x(\d{4,5})|(?:ext|extension)\.?[ \t]?#?[ \t]?(\d{2,5}))(?![\w.]\d|\w)/iy;
/** A hospital pager or beeper number: "Pager #54321", "PG 33445", "beeper number 55037". */
const PAGER =
  /(?:pager|pgr|pg|beeper|bpr)\.?[ \t]*(?:#|no\.?|num(?:ber)?\.?)?[ \t]*:?[ \t]*#?[ \t]*(\d{4,7})(?![\w.]\d|\w)/iy;
const EXT_BIT = triggerBit(new Set(['x', 'ext', 'extension', 'pager', 'pgr', 'pg', 'beeper', 'bpr']));
/** Two to six groups of digits joined by one space, dot or dash; optional "(area)" and "+CC". */
const GROUPED =
  /(?<![\w+./:-])(?:\+[ ]?)?(?:\(\d{1,5}\)[ .-]?)?\d{1,8}(?:[ .-]\(?\d{1,8}\)?){1,6}(?![\w/:]|[.,-]\d)/y;
const CUE_BEFORE =
  /\b(?:call(?:ed|ing|s)?|phone|ph|tel|telephone|cell|mobile|mob|number|no|reach(?:ed)?|ring|text(?:ed)?|sms|messages?|contact|fax|pager|page|paged|beeper|answering|dial(?:ed)?|whatsapp|hotline|helpline|office|desk|home|work|landline|registered|at|on)\b[^\n\d]{0,12}$|#[ \t]*$/i;
const CUE_AFTER = /^[ \t]*[-–(]?[ \t]*(?:office|fax|mobile|cell|home|work|phone|tel|desk|direct|landline)\b/i;
/** Numeric dates and SSNs have their own recognizers. */
const DATE_SHAPE = /^\d{1,4}[-./]\d{1,2}[-./]\d{2,4}$/;
const SSN_SHAPE = /^\d{3}-\d{2}-\d{4}$/;
/** "BP 120 80", "7.38 42 98", "1 2 3": small numbers in a row read as values. */
const WEAK_CUES = new Set(['at', 'on', 'no']);

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) n++;
  }
  return n;
}

/** Two numbers joined into one grouped number: at most two separators, no line break. */
function joined(text: string, a: Token, b: Token): boolean {
  if (a.shape !== 'digit' || b.shape !== 'digit') return false;
  const g = b.start - a.end;
  return g >= 1 && g <= 2 && text.charCodeAt(a.end) !== 10 && text.charCodeAt(b.start - 1) !== 10;
}

function extension(text: string, t: Token, out: Span[]): void {
  // Not "2x1000" or "tab x4": the extension word stands alone.
  const before = text.charCodeAt(t.start - 1);
  if (before >= 48 && before <= 57) return;
  const pattern = t.key === 'x' || t.key === 'ext' || t.key === 'extension' ? EXTENSION : PAGER;
  pattern.lastIndex = t.start;
  const m = pattern.exec(text);
  if (!m) return;
  const digits = (m[1] ?? m[2]) as string;
  const start = m.index + m[0].length - digits.length;
  out.push({
    start,
    end: start + digits.length,
    type: 'PHONE',
    confidence: 0.8,
    source: 'pattern:extension',
  });
}

export function detectPhones(text: string, tokens: readonly Token[]): Span[] {
  const out: Span[] = [];
  // Grouped numbers start at a digit token followed closely by another digit token.
  let after = 0;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    const n = tokens[i + 1];
    if (t.shape !== 'digit') {
      if (hasTrigger(t, EXT_BIT)) extension(text, t, out);
      continue;
    }
    if (t.start < after || !n || !joined(text, t, n)) continue;
    // Start only at the first number of a run: the run was counted there.
    const p = tokens[i - 1];
    if (p && joined(text, p, t)) continue;
    // Count the digits of the closely joined run first: most runs are "120/80" or "3 4".
    let digits = t.text.length;
    for (let j = i + 1; j < tokens.length; j++) {
      const x = tokens[j] as Token;
      if (!joined(text, tokens[j - 1] as Token, x)) break;
      digits += x.text.length;
    }
    if (digits < 7) continue;
    let start = t.start;
    const p1 = text.charCodeAt(start - 1);
    if (p1 === 40 || p1 === 43) start--; // "(" or "+"
    if (text.charCodeAt(start - 1) === 43) start--; // "+("
    GROUPED.lastIndex = start;
    const m = GROUPED.exec(text);
    if (!m) continue;
    after = m.index + m[0].length;
    const v = m[0];
    const count = digitCount(v);
    if (count < 7 || count > 15 || DATE_SHAPE.test(v) || SSN_SHAPE.test(v)) continue;
    const groups = v.split(/[ .()-]+/).filter(Boolean);
    const seps = new Set(v.replace(/^\+/, '').replace(/[\d()]/g, ''));
    // "7.5 10.2 3.1": decimals and mixed separators between short groups are values.
    if (seps.size > 1 && !v.includes('(') && !v.startsWith('+')) continue;
    if (seps.has('.') && groups.some((g) => g.length === 1)) continue;
    const head = text.slice(Math.max(0, m.index - 40), m.index);
    const cue = CUE_BEFORE.exec(head);
    const strongCue = cue !== null && !WEAK_CUES.has(cue[0].trim().split(/\W/)[0]?.toLowerCase() ?? '');
    const tail = CUE_AFTER.test(text.slice(after, after + 16));
    // No measurement starts with a trunk zero and runs 9+ digits in 3+ groups.
    const shape =
      v.startsWith('+') || v.startsWith('(') || (groups.length >= 3 && count >= 9 && v.startsWith('0'));
    const weak = cue !== null && count >= 8 && groups.length <= 4 && groups.every((g) => g.length >= 2);
    if (!(strongCue || tail || shape || weak)) continue;
    out.push({
      start: m.index,
      end: after,
      type: /fax/i.test(head.slice(-20)) ? 'FAX' : 'PHONE',
      confidence: strongCue || tail ? 0.8 : 0.65,
      source: 'pattern:phone-grouped',
    });
  }
  return out;
}
