export { createCoderApp, SERVICE_NAME } from './app.js';
export { coderConfigSchema } from './config.js';
