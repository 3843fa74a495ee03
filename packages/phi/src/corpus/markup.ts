import type { PhiType } from '../types.js';

// Documents are written as plain strings with inline PHI markers, then compiled into text
// plus exact gold offsets. Markers use private-use characters that never occur in notes.
const OPEN = '\uE000';
const SEP = '\uE001';
const CLOSE = '\uE002';

export interface GoldSpan {
  start: number;
  end: number;
  type: PhiType;
  /** The value comes from the task's structured fields (known identifiers). */
  known?: boolean;
}

/** Marks `value` as PHI of `type` inside a template string. */
export function phi(type: PhiType, value: string, known = false): string {
  return `${OPEN}${type}${known ? '*' : ''}${SEP}${value}${CLOSE}`;
}

export function compile(marked: string): { text: string; spans: GoldSpan[] } {
  let text = '';
  const spans: GoldSpan[] = [];
  let i = 0;
  while (i < marked.length) {
    const open = marked.indexOf(OPEN, i);
    if (open === -1) {
      text += marked.slice(i);
      break;
    }
    text += marked.slice(i, open);
    const sep = marked.indexOf(SEP, open);
    const close = marked.indexOf(CLOSE, sep);
    if (sep === -1 || close === -1) throw new SyntaxError('unbalanced PHI marker');
    const label = marked.slice(open + 1, sep);
    const value = marked.slice(sep + 1, close);
    const known = label.endsWith('*');
    const span: GoldSpan = {
      start: text.length,
      end: text.length + value.length,
      type: (known ? label.slice(0, -1) : label) as PhiType,
    };
    if (known) span.known = true;
    if (value.length > 0) spans.push(span);
    text += value;
    i = close + 1;
  }
  return { text, spans };
}
