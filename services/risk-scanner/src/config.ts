import { int, url } from '@carerelay/config';

/** Variables of risk-scanner beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const riskScannerConfigSchema = {
  REDIS_URL: url({
    description: "Redis holding the alert deduplication windows (shared by the service's replicas)",
    protocols: ['redis', 'rediss'],
  }),
  RISK_DEDUP_WINDOW_MS: int({
    description: 'one alert per client and trigger inside this window; a more severe alert still passes',
    min: 60_000,
    default: 86_400_000,
  }),
  RISK_PLAN_REVIEW_WINDOW_DAYS: int({
    description: 'one plan-review (stagnation) flag per client and instrument inside this many days',
    min: 1,
    max: 365,
    default: 30,
  }),
  RISK_STAGNATION_SESSIONS: int({
    description: 'PHQ-9/GAD-7 administrations without reliable change that make stagnation',
    min: 2,
    max: 20,
    default: 4,
  }),
  RISK_MAX_ATTEMPTS: int({
    description: 'attempts before a request is dead-lettered',
    min: 1,
    max: 20,
    default: 5,
  }),
  RISK_RETRY_INITIAL_MS: int({
    description: 'first retry delay (doubles, with jitter)',
    min: 1,
    default: 500,
  }),
} as const;

/**
 * The variables CARERELAY_PROFILE=production requires to be encrypted and verified (ServiceTransports
 * in @carerelay/runtime production-profile.ts).
 */
export const riskScannerTransports = { redis: ['REDIS_URL'] } as const;
