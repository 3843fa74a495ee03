export { createWritebackApp, SERVICE_NAME } from './app.js';
export type { WritebackOptions } from './app.js';
export { writebackConfigSchema } from './config.js';
export { renderNote, reidentifyDraft } from './domain/draft-text.js';
