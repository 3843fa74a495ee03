import { describe, expect, it } from 'vitest';
import { generateCorpus } from './generate.js';

describe('synthetic corpus', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    expect(generateCorpus(20, 7)).toEqual(generateCorpus(20, 7));
    expect(generateCorpus(20, 7)).not.toEqual(generateCorpus(20, 8));
  });

  it('has gold spans that point at non-empty, trimmed text inside the document', () => {
    for (const doc of generateCorpus(200, 11)) {
      for (const s of doc.spans) {
        const v = doc.text.slice(s.start, s.end);
        expect(v.length).toBeGreaterThan(0);
        expect(v.trim()).toBe(v);
      }
    }
  });

  it('includes PHI-free texts and known identifiers for the others', () => {
    const docs = generateCorpus(300, 3);
    expect(docs.filter((d) => d.spans.length === 0).length).toBeGreaterThan(10);
    expect(docs.filter((d) => d.known !== undefined).every((d) => d.known?.client?.given)).toBe(true);
  });
});
