export { createEhrConnectorApp, SERVICE_NAME } from './app.js';
export type { EhrConnectorOptions } from './app.js';
export { ehrConnectorConfigSchema } from './config.js';
export { decideAccess } from './domain/access.js';
export type { AccessDecision, AccessRequest } from './domain/access.js';
export { useCaseFor } from './domain/planner.js';
export { planChange, taskIdFor } from './handlers/plan-change.js';
