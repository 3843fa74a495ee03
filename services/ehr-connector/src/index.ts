export { createEhrConnectorApp, SERVICE_NAME } from './app.js';
export { ehrConnectorConfigSchema } from './config.js';
