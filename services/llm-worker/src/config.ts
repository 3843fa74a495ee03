/** Variables of llm-worker beyond the common ones (see @carerelay/runtime commonConfigSchema). */
export const llmWorkerConfigSchema = {} as const;
