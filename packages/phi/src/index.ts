export { detect } from './detect.js';
export { PHI_TYPES } from './types.js';
export type { DetectOptions, KnownAddress, KnownIdentifiers, KnownPerson, PhiType, Span } from './types.js';
export { evaluate } from './eval/evaluate.js';
export type { Evaluation, GoldDocument, MissedSpan, PredictedDocument, TypeScore } from './eval/evaluate.js';
export { generateCorpus } from './corpus/generate.js';
export type { CorpusDocument } from './corpus/generate.js';
export type { GoldSpan } from './corpus/markup.js';
