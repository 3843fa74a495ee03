export { startSandboxEhr } from './server.js';
export type { SandboxEhr, SandboxEhrOptions } from './server.js';
export type { SandboxRequest } from './request-log.js';
export type { SandboxSmartClient } from './auth.js';
export { fetchSandboxToken } from './token.js';
export type { SandboxToken } from './token.js';
export { isSignedRecord } from './signed-guard.js';
export { parseSystemScope, scopeAllows } from './scopes.js';
export type { FhirAction, SystemScope } from './scopes.js';
export {
  GAD7_ITEMS,
  ITEM_SCORES,
  PART2_SECURITY_LABELS,
  PHQ9_ITEMS,
  SANDBOX_CLIENTS,
  SANDBOX_MRN_SYSTEM,
  SANDBOX_PRACTITIONERS,
  SYNTHETIC_TAG,
  sandboxSeedResources,
} from './seed/index.js';
export type { SandboxClientKey } from './seed/index.js';
export { sandboxFhirClient } from './client.js';
