export { CareRelayError, isCareRelayError, toCareRelayError } from './care-relay-error.js';
export type { CareRelayErrorOptions } from './care-relay-error.js';
