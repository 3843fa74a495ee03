export { SmartBackendAuth, signingAlgFor } from './smart-auth.js';
export type { SmartBackendAuthOptions, SmartSigningAlg } from './smart-auth.js';
export { FhirClient } from './fhir-client.js';
export type {
  AccessTokenSource,
  ConditionalCreateResult,
  FhirClientOptions,
  SearchParams,
} from './fhir-client.js';
export { FhirAdapter } from './fhir-adapter.js';
export type {
  EhrAdapter,
  FhirAdapterOptions,
  FhirReader,
  TaskContextRead,
  TaskContextRequest,
} from './fhir-adapter.js';
export { BundleFhirReader } from './bundle-reader.js';
export {
  createWebhookHandler,
  MemoryReplayStore,
  readBodyLimited,
  signWebhook,
  validateVendorEvent,
  verifyWebhook,
  VENDOR_EVENT_TYPES,
  WEBHOOK_AUTH_FAILURE_CODES,
  WEBHOOK_HEADERS,
  WEBHOOK_MAX_BODY_BYTES,
  WEBHOOK_REPLAY_TTL_SECONDS,
  WEBHOOK_TOLERANCE_SECONDS,
  webhookSignatureHeader,
} from './webhook/index.js';
export type {
  EventValidation,
  ReplayStore,
  VendorChangeEvent,
  VendorEventType,
  VerifyWebhookDeps,
  VerifyWebhookInput,
  WebhookHandler,
  WebhookHandlerOptions,
  WebhookRejection,
  WebhookRejectionFacts,
  WebhookRejectStatus,
  WebhookVerification,
} from './webhook/index.js';
export { PROMPT_TEMPLATE_SYSTEM, readSignedNote, TASK_IDENTIFIER_SYSTEM } from './signed-note.js';
export type { SignedNote } from './signed-note.js';
export { ALERT_IDENTIFIER_SYSTEM, readAlertAcknowledgement } from './alert-acknowledgement.js';
export { referencedId } from './references.js';
export { assertAboutClient, referencedPatient } from './subject-check.js';
export type { AlertAcknowledgement } from './alert-acknowledgement.js';
