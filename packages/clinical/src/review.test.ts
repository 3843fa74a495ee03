import { describe, expect, it } from 'vitest';
import { splitSections } from './note-formats.js';
import { compareDraftToFinal, editDistance, normalizedEditDistance } from './review.js';

describe('edit distance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
    expect(normalizedEditDistance('abcd', 'abcx')).toBe(0.25);
    expect(normalizedEditDistance('', '')).toBe(0);
  });
});

describe('splitSections', () => {
  it('finds SOAP sections by full or one-letter headings, any case, with text before them kept apart', () => {
    const note =
      'AI-Assisted Draft\nS: slept 6h\nobjective: calm, PHQ-9 11\nA:\nimproving\n## Plan - continue CBT';
    expect(splitSections(note, 'soap')).toEqual({
      Preamble: 'AI-Assisted Draft',
      Subjective: 'slept 6h',
      Objective: 'calm, PHQ-9 11',
      Assessment: 'improving',
      Plan: 'continue CBT',
    });
  });

  it('maps a missing section to an empty string', () => {
    expect(splitSections('Data: x\nPlan: y', 'dap')).toEqual({ Data: 'x', Assessment: '', Plan: 'y' });
  });
});

describe('compareDraftToFinal', () => {
  const draft = {
    Subjective: 'Client reports better sleep.',
    Objective: 'Calm.',
    Assessment: 'Improving.',
    Plan: 'Continue.',
  };

  it('signed unchanged (whitespace aside) → distance 0 and no section changed', () => {
    const final = { ...draft, Subjective: 'Client  reports better\nsleep.' };
    const m = compareDraftToFinal(draft, final);
    expect(m.normalizedEditDistance).toBe(0);
    expect(m.sectionsChanged).toEqual([]);
    expect(m.draftSha256).toBe(m.finalSha256);
  });

  it('names the changed sections and measures the edit, carrying hashes but no text', () => {
    const final = { ...draft, Plan: 'Continue weekly CBT; add sleep diary.' };
    const m = compareDraftToFinal(draft, final);
    expect(m.sectionsChanged).toEqual(['Plan']);
    expect(m.sectionsTotal).toBe(4);
    expect(m.normalizedEditDistance).toBeGreaterThan(0.2);
    expect(m.normalizedEditDistance).toBeLessThan(0.5);
    expect(m.draftSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(m)).not.toContain('sleep diary');
  });
});
