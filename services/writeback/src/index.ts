export { createWritebackApp, SERVICE_NAME } from './app.js';
export type { WritebackOptions } from './app.js';
export { writebackConfigSchema } from './config.js';
