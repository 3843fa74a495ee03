export { MINIMUM_NECESSARY, applyMinimumNecessary } from './minimum-necessary.js';
export type { ContextField } from './minimum-necessary.js';
