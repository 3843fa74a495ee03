export { scanRisk } from './scan.js';
export type { RiskLevel, RiskScan, RiskSignal } from './scan.js';
export type { RiskSignalKind } from './lexicon.js';
