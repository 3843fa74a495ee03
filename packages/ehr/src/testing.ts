// Test helpers for code that consumes @carerelay/ehr (not for production paths).
export { runWebhookFuzz } from './webhook/fuzz-cases.js';
export type { WebhookFuzzOptions, WebhookFuzzResult } from './webhook/fuzz-cases.js';
