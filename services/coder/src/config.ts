/** Variables of coder beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const coderConfigSchema = {} as const;

/**
 * No endpoints of its own: CARERELAY_PROFILE=production checks only the common Kafka settings
 * (ServiceTransports in @carerelay/runtime production-profile.ts).
 */
export const coderTransports = {} as const;
