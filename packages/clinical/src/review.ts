import { createHash } from 'node:crypto';

/** Levenshtein distance with two rows: O(n·m) time, O(min(n, m)) memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (a.length < b.length) [a, b] = [b, a];
  if (b.length === 0) return a.length;
  let prev = new Uint32Array(b.length + 1);
  let curr = new Uint32Array(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    curr[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      curr[j] = Math.min(prev[j]! + 1, curr[j - 1]! + 1, prev[j - 1]! + cost);
    }
    [prev, curr] = [curr, prev];
  }
  return prev[b.length]!;
}

/** 0 = unchanged, 1 = entirely rewritten: distance over the longer text's length. */
export function normalizedEditDistance(a: string, b: string): number {
  const longest = Math.max(a.length, b.length);
  return longest === 0 ? 0 : editDistance(a, b) / longest;
}

const normalize = (s: string): string => s.replace(/\s+/g, ' ').trim();
const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

export interface ReviewMetrics {
  readonly normalizedEditDistance: number;
  readonly sectionsTotal: number;
  /** Names of the draft's sections the clinician changed (whitespace-only edits do not count). */
  readonly sectionsChanged: readonly string[];
  readonly draftSha256: string;
  readonly finalSha256: string;
}

/**
 * How much the clinician changed an AI draft before signing, as metrics and
 * hashes only (review.outcome.v1 never carries text). Whitespace is normalized
 * so re-wrapping a paragraph is not an edit.
 */
export function compareDraftToFinal(
  draft: Readonly<Record<string, string>>,
  final: Readonly<Record<string, string>>,
): ReviewMetrics {
  const names = Object.keys(draft);
  const join = (sections: Readonly<Record<string, string>>): string =>
    names.map((n) => `${n}: ${normalize(sections[n] ?? '')}`).join('\n');
  const draftText = join(draft);
  const finalText = join(final);
  return {
    normalizedEditDistance: Number(normalizedEditDistance(draftText, finalText).toFixed(4)),
    sectionsTotal: names.length,
    sectionsChanged: names.filter((n) => normalize(draft[n] ?? '') !== normalize(final[n] ?? '')),
    draftSha256: sha256(draftText),
    finalSha256: sha256(finalText),
  };
}
