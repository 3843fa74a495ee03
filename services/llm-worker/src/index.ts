export { createLlmWorkerApp, SERVICE_NAME } from './app.js';
export { llmWorkerConfigSchema } from './config.js';
