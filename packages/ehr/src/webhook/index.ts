export {
  signWebhook,
  verifyWebhook,
  webhookSignatureHeader,
  WEBHOOK_AUTH_FAILURE_CODES,
  WEBHOOK_HEADERS,
  WEBHOOK_MAX_BODY_BYTES,
  WEBHOOK_REPLAY_TTL_SECONDS,
  WEBHOOK_TOLERANCE_SECONDS,
} from './verify.js';
export type {
  VerifyWebhookDeps,
  VerifyWebhookInput,
  WebhookRejection,
  WebhookRejectStatus,
  WebhookVerification,
} from './verify.js';
export { createWebhookHandler, readBodyLimited } from './handler.js';
export type { WebhookHandler, WebhookHandlerOptions, WebhookRejectionFacts } from './handler.js';
export { MemoryReplayStore } from './replay-store.js';
export type { ReplayStore } from './replay-store.js';
export { validateVendorEvent, VENDOR_EVENT_TYPES } from './schema.js';
export type { EventValidation, VendorChangeEvent, VendorEventType } from './schema.js';
