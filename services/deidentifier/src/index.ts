export { createDeidentifierApp, SERVICE_NAME } from './app.js';
export type { DeidentifierOptions } from './app.js';
export { deidentifierConfigSchema } from './config.js';
export { deidentifyTask } from './handlers/deidentify-task.js';
