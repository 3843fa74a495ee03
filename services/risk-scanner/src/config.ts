/** Variables of risk-scanner beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const riskScannerConfigSchema = {} as const;
