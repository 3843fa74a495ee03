export { createRiskScannerApp, SERVICE_NAME } from './app.js';
export { riskScannerConfigSchema } from './config.js';
