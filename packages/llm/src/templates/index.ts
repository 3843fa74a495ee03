export {
  TemplateRegistry,
  buildTemplate,
  defaultTemplateRegistry,
  stepTemplateFor,
  template,
  templateFor,
  templateHash,
} from './registry.js';
export type { TemplateFiles, TemplateRegistryOptions } from './registry.js';
export { draftMeasures } from './measures.js';
export { neutralize, randomBoundary, recordTextRanges } from './render.js';
export { strictSchemaViolations } from './strict-schema.js';
export { DRAFT_LABEL, DRAFT_USE_CASES, isModelDrafted } from './types.js';
export type { DraftUseCase, OutputSchema, OutputValidation, PromptTemplate } from './types.js';
export { TOKEN_LABELS, placeholdersIn, validateOutput } from './validate.js';
