import { describe, expect, it } from 'vitest';
import {
  CHARS_PER_TOKEN,
  chunkPieces,
  estimateTokens,
  pieceOf,
  renderedChars,
  summaryPiece,
} from './note-chunks.js';

/** Notes of `size` characters of text, newest first, dated [DATE_1] (newest) … [DATE_n]. */
const notes = (count: number, size: number) =>
  Array.from({ length: count }, (_, i) => ({ date: `[DATE_${i + 1}]`, text: 'x'.repeat(size) }));

describe('chunkPieces: runs of consecutive notes that fit one call', () => {
  it('keeps every note once, in order, and no run over the budget', () => {
    const all = notes(40, 2_000).map(pieceOf);
    const budget = 4_000;
    const base = 600;
    const chunks = chunkPieces(all, base, budget);
    expect(chunks.flat()).toEqual(all);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      const chars = chunk.reduce((n, p) => n + renderedChars(p.note), 0);
      expect(base + estimateTokens(chars)).toBeLessThanOrEqual(budget);
    }
    // Greedy: a run ends only when the next note would not fit.
    for (const [i, chunk] of chunks.slice(0, -1).entries()) {
      const next = chunks[i + 1]![0]!;
      const chars = [...chunk, next].reduce((n, p) => n + renderedChars(p.note), 0);
      expect(chars).toBeGreaterThan((budget - base) * CHARS_PER_TOKEN);
    }
  });

  it('puts a note longer than the budget in a run of its own, never cut', () => {
    const [a, b, c] = [notes(1, 100)[0]!, { date: '[DATE_9]', text: 'y'.repeat(50_000) }, notes(1, 100)[0]!];
    const chunks = chunkPieces([a, b, c].map(pieceOf), 500, 2_000);
    expect(chunks.map((chunk) => chunk.map((p) => p.note))).toEqual([[a], [b], [c]]);
  });

  it('is one run when everything fits', () => {
    expect(chunkPieces(notes(3, 100).map(pieceOf), 500, 2_000)).toHaveLength(1);
  });
});

describe('summaryPiece: a partial summary as the next step reads it', () => {
  it('is headed by the oldest and newest dates it covers, and counts the notes under summaries', () => {
    const first = summaryPiece(notes(3, 10).map(pieceOf), { summary: 'A', risk: null });
    const second = summaryPiece(notes(5, 10).slice(3).map(pieceOf), {
      summary: 'B',
      risk: 'denied SI on [DATE_5]',
    });
    expect(first.note).toEqual({ date: '[DATE_3] to [DATE_1]', text: 'partial summary of 3 notes:\nA' });
    expect(second.note.text).toBe('partial summary of 2 notes:\nB\nrisk mentioned: denied SI on [DATE_5]');
    const both = summaryPiece([first, second], { summary: 'AB', risk: null });
    expect(both).toMatchObject({ from: '[DATE_5]', to: '[DATE_1]', notes: 5 });
    expect(both.note.date).toBe('[DATE_5] to [DATE_1]');
  });
});
