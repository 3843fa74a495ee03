import type { DeidentifiedNote } from '@carerelay/events';

/** Characters per token of every estimate here (the rate limit's estimate uses the same). */
export const CHARS_PER_TOKEN = 4;

export const estimateTokens = (chars: number): number => Math.ceil(chars / CHARS_PER_TOKEN);

/** Characters a note adds to a rendered prompt: its `note of <date>:` line, its text, the separators. */
export function renderedChars(note: DeidentifiedNote): number {
  return `note of ${note.date}:`.length + note.text.length + 2;
}

/**
 * A prior note, or a partial summary standing for the consecutive notes it covers (from the
 * oldest to the newest date, `notes` of them), as the next step reads it.
 */
export interface NotePiece {
  readonly note: DeidentifiedNote;
  readonly from: string;
  readonly to: string;
  readonly notes: number;
}

export const pieceOf = (note: DeidentifiedNote): NotePiece => ({
  note,
  from: note.date,
  to: note.date,
  notes: 1,
});

/**
 * Splits pieces into runs of consecutive pieces (order kept, none dropped or repeated) whose
 * prompt stays within `budgetTokens`, given `baseTokens`, the prompt without any note. A piece
 * too long for the budget on its own is a run of its own: it is never cut, since a cut could
 * separate a statement from its negation.
 */
export function chunkPieces(
  pieces: readonly NotePiece[],
  baseTokens: number,
  budgetTokens: number,
): NotePiece[][] {
  const room = Math.max(0, budgetTokens - baseTokens) * CHARS_PER_TOKEN;
  const chunks: NotePiece[][] = [];
  let current: NotePiece[] = [];
  let used = 0;
  for (const piece of pieces) {
    const size = renderedChars(piece.note);
    if (current.length > 0 && used + size > room) {
      chunks.push(current);
      current = [];
      used = 0;
    }
    current.push(piece);
    used += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

/** What one partial summary says, as the model returned it (`chart_summary.partial` output). */
export interface PartialSummary {
  readonly summary: string;
  readonly risk: string | null;
}

/**
 * A partial summary as a prior note of the next step: headed by the dates of the notes it
 * covers (pieces arrive newest first), its risk mentions kept apart so no later step loses them.
 */
export function summaryPiece(covered: readonly NotePiece[], partial: PartialSummary): NotePiece {
  const to = covered[0]?.to ?? '';
  const from = covered.at(-1)?.from ?? to;
  const notes = covered.reduce((n, p) => n + p.notes, 0);
  return {
    note: {
      date: from === to ? to : `${from} to ${to}`,
      text: [
        `partial summary of ${notes === 1 ? '1 note' : `${notes} notes`}:`,
        partial.summary,
        ...(partial.risk?.trim() ? [`risk mentioned: ${partial.risk}`] : []),
      ].join('\n'),
    },
    from,
    to,
    notes,
  };
}
