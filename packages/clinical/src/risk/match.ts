/**
 * Every match of a global pattern, without `String.prototype.matchAll`: matchAll clones the
 * RegExp on each call, which was most of the scanner's time (hundreds of patterns per sentence).
 * The shared pattern's `lastIndex` is reset before and after, so patterns stay reusable.
 */
export interface Hit {
  index: number;
  end: number;
  text: string;
}

export function hits(pattern: RegExp, text: string): Hit[] {
  const out: Hit[] = [];
  if (!pattern.global) {
    const m = pattern.exec(text);
    if (m !== null) out.push({ index: m.index, end: m.index + m[0].length, text: m[0] });
    return out;
  }
  pattern.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = pattern.exec(text)) !== null) {
    out.push({ index: m.index, end: m.index + m[0].length, text: m[0] });
    if (m[0].length === 0) pattern.lastIndex += 1;
  }
  pattern.lastIndex = 0;
  return out;
}
