import { classifyName } from './lexicon/classify.js';
import { lexicon } from './lexicon/load.js';
import { detectAddresses } from './recognizers/addresses.js';
import { detectAges } from './recognizers/ages.js';
import { detectBlocks } from './recognizers/blocks.js';
import { detectDates } from './recognizers/dates.js';
import { detectIdentifiers } from './recognizers/identifiers.js';
import { detectKnown } from './recognizers/known.js';
import { detectLocations } from './recognizers/locations.js';
import { detectNames } from './recognizers/names.js';
import { detectOrganizations } from './recognizers/organizations.js';
import { detectPhones } from './recognizers/phones.js';
import { resolveOverlaps, trimSpan } from './resolve.js';
import { tokenize } from './text/tokens.js';
import type { DetectOptions, Span } from './types.js';

const DEFAULT_MIN_CONFIDENCE = 0.5;

/**
 * Finds the Safe Harbor identifiers in `text`. Returns non-overlapping spans sorted by start,
 * offsets in JavaScript string indices. Pure: the only I/O is loading the shipped lexicons
 * on the first call.
 */
export function detect(text: string, options: DetectOptions = {}): Span[] {
  if (text.length === 0) return [];
  const lex = lexicon();
  const tokens = tokenize(text);
  for (const t of tokens) if (t.shape !== 'digit') t.info = classifyName(t.key, lex);
  const minConfidence = options.minConfidence ?? DEFAULT_MIN_CONFIDENCE;
  const candidates: Span[] = [
    ...detectIdentifiers(text, tokens),
    ...detectPhones(text, tokens),
    ...detectAddresses(text, tokens),
    ...detectDates(text, tokens),
    ...detectAges(text, tokens),
    ...detectLocations(text, tokens, lex),
    ...detectOrganizations(text, tokens, lex),
    ...detectNames(text, tokens, lex),
  ];
  if (options.known) candidates.push(...detectKnown(text, tokens, options.known, lex));
  const kept: Span[] = [];
  for (const c of candidates) {
    if (c.confidence < minConfidence) continue;
    const t = trimSpan(text, c);
    if (t) kept.push(t);
  }
  // Layout: short lines of a contact block, read off the lines found around them.
  for (const b of detectBlocks(text, tokens, kept)) if (b.confidence >= minConfidence) kept.push(b);
  return resolveOverlaps(kept);
}
