import { describe, expect, it } from 'vitest';
import { resolveOverlaps } from './resolve.js';
import type { Span } from './types.js';

const span = (start: number, end: number, type: Span['type'], source = 'x', confidence = 0.8): Span => ({
  start,
  end,
  type,
  confidence,
  source,
});

describe('overlap resolution', () => {
  it('merges overlapping spans into their union, typed by the longest', () => {
    const out = resolveOverlaps([span(10, 14, 'NAME'), span(6, 23, 'ORGANIZATION')]);
    expect(out).toEqual([{ start: 6, end: 23, type: 'ORGANIZATION', confidence: 0.8, source: 'x' }]);
  });

  it('lets a known identifier set the type of a merged span', () => {
    const out = resolveOverlaps([span(0, 20, 'LOCATION'), span(0, 5, 'NAME', 'known:client', 1)]);
    expect(out.map((s) => [s.start, s.end, s.type])).toEqual([[0, 20, 'NAME']]);
  });

  it('keeps touching but not overlapping spans apart, sorted by start', () => {
    const out = resolveOverlaps([span(5, 9, 'DATE'), span(0, 5, 'NAME')]);
    expect(out.map((s) => [s.start, s.end])).toEqual([
      [0, 5],
      [5, 9],
    ]);
  });
});
