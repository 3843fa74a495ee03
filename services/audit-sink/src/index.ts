export { createAuditSinkApp, SERVICE_NAME } from './app.js';
export { auditSinkConfigSchema } from './config.js';
