export { OFFLINE_TEMPLATE_VERSION, OfflineTemplateProvider } from './offline-provider.js';
