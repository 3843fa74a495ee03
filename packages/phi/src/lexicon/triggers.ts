import type { Token } from '../text/tokens.js';

// Recognizers start from keyword tokens ("County", "MRN", "July", "works"). Looking each
// token up in a dozen sets costs more than the rest of detection, so each recognizer
// registers its keyword set here once, at import, and gets a bit; classifyName() computes a
// key's bits once and caches them with the key's other lexicon facts.

const registry: Array<ReadonlySet<string>> = [];

/** Number of registered sets: caches of trigger bits are stale when it changes. */
export function triggerGeneration(): number {
  return registry.length;
}

/** Registers a keyword set; returns its bit. Call at module load only. */
export function triggerBit(words: ReadonlySet<string>): number {
  if (registry.length >= 31) throw new RangeError('too many trigger sets');
  registry.push(words);
  return 1 << (registry.length - 1);
}

export function triggerBitsOf(key: string): number {
  let bits = 0;
  for (let i = 0; i < registry.length; i++) if ((registry[i] as ReadonlySet<string>).has(key)) bits |= 1 << i;
  return bits;
}

/** Does the token's key belong to the keyword set behind `bit`? */
export function hasTrigger(t: Token | undefined, bit: number): boolean {
  return t !== undefined && ((t.info?.triggers ?? 0) & bit) !== 0;
}
