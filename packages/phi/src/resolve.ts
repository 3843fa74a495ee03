import type { Span } from './types.js';

const ALNUM = /[\p{L}\p{N}]/u;

/**
 * Merges overlapping spans into non-overlapping ones. The union is kept, so nothing any
 * recognizer flagged is lost; the type comes from the known identifier if one is involved,
 * else from the longest span (the structural recognizer: "St. Mark's Church" beats "Mark"),
 * then the most confident.
 */
export function resolveOverlaps(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans.slice();
  const sorted = spans.slice().sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  let cur = { ...(sorted[0] as Span) };
  let lead = sorted[0] as Span;
  for (let i = 1; i < sorted.length; i++) {
    const s = sorted[i] as Span;
    if (s.start < cur.end) {
      if (wins(s, lead)) {
        lead = s;
        cur.type = s.type;
        cur.source = s.source;
      }
      cur.end = Math.max(cur.end, s.end);
      cur.confidence = Math.max(cur.confidence, s.confidence);
    } else {
      out.push(cur);
      cur = { ...s };
      lead = s;
    }
  }
  out.push(cur);
  return out;
}

function wins(s: Span, lead: Span): boolean {
  const sKnown = s.source.startsWith('known:');
  const lKnown = lead.source.startsWith('known:');
  if (sKnown !== lKnown) return sKnown;
  const sl = s.end - s.start;
  const ll = lead.end - lead.start;
  if (sl !== ll) return sl > ll;
  return s.confidence > lead.confidence;
}

/** Drops leading and trailing characters that are not letters or digits. */
export function trimSpan(text: string, span: Span): Span | undefined {
  let { start, end } = span;
  while (start < end && !ALNUM.test(text[start] as string)) start++;
  while (end > start && !ALNUM.test(text[end - 1] as string)) end--;
  if (end <= start) return undefined;
  return start === span.start && end === span.end ? span : { ...span, start, end };
}
