export type { ChatMessage, CompletionRequest, CompletionResult, ModelClient } from './provider.js';
export { AzureOpenAIModelClient } from './providers/azure-openai.js';
export type { AzureOpenAIOptions } from './providers/azure-openai.js';
export { OpenAICompatibleModelClient } from './providers/openai-compatible.js';
export type { OpenAICompatibleOptions } from './providers/openai-compatible.js';
export { retryAfterMs } from './providers/openai-chat.js';
export * from './templates/index.js';
export * from './offline/index.js';
export { provenanceOf } from './provenance.js';
