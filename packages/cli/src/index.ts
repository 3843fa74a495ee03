export { runCli } from './cli.js';
export { startEmbedded } from './embedded.js';
export type { EmbeddedOptions, EmbeddedRuntime } from './embedded.js';
