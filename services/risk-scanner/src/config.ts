/** Variables of risk-scanner beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const riskScannerConfigSchema = {} as const;

/**
 * No endpoints of its own: CARERELAY_PROFILE=production checks only the common Kafka settings
 * (ServiceTransports in @carerelay/runtime production-profile.ts).
 */
export const riskScannerTransports = {} as const;
