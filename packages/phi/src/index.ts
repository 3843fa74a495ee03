export { detect } from './detect.js';
export { PHI_TYPES } from './types.js';
export type { DetectOptions, KnownAddress, KnownIdentifiers, KnownPerson, PhiType, Span } from './types.js';
export { evaluate } from './eval/evaluate.js';
export type { Evaluation, GoldDocument, MissedSpan, PredictedDocument, TypeScore } from './eval/evaluate.js';
export { generateCorpus } from './corpus/generate.js';
export type { CorpusDocument } from './corpus/generate.js';
export type { GoldSpan } from './corpus/markup.js';
export { deidentifyContext, knownIdentifiersOf } from './deid/deidentify.js';
export type { DeidentifiedTask, DeidentifyOptions } from './deid/deidentify.js';
export { TokenMap, TOKEN_LABELS } from './deid/token-map.js';
export type { TokenValue } from './deid/token-map.js';
export { reidentify } from './deid/reidentify.js';
export type { Reidentified } from './deid/reidentify.js';
export { scanOutbound, scanPrompt, knownFingerprintValues, issuedTokensOf } from './deid/leak-guard.js';
export type {
  LeakFinding,
  LeakGuardOptions,
  LeakScan,
  OutboundMessage,
  RecordTextRanges,
} from './deid/leak-guard.js';
export { parseDate, shiftDate, dateKey, ageOn } from './deid/dates.js';
export { RedisTokenVault, InMemoryTokenVault, vaultKeyOf } from './vault/token-vault.js';
export type { TokenVault, VaultEntry } from './vault/token-vault.js';
