export { createDeidentifierApp, SERVICE_NAME } from './app.js';
export { deidentifierConfigSchema } from './config.js';
