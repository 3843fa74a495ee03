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
export type { EhrAdapter, FhirAdapterOptions, TaskContextRead, TaskContextRequest } from './fhir-adapter.js';
