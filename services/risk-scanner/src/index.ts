export {
  createRiskScannerApp,
  DEFAULT_PLAN_REVIEW_WINDOW_MS,
  DEFAULT_RISK_WINDOW_MS,
  SERVICE_NAME,
} from './app.js';
export type { RiskScannerOptions } from './app.js';
export { riskScannerConfigSchema } from './config.js';
export { InMemoryAlertDedup, RedisAlertDedup } from './domain/alert-dedup.js';
export type { AlertDedup, DedupVerdict } from './domain/alert-dedup.js';
export { RULE_VERSION, screenContext } from './domain/screen.js';
export type { RiskFinding } from './domain/screen.js';
