export { startAzureRecorder, obeySchema, exampleFor } from './azure-recorder.js';
export type { RecordedRequest, Responder, ScriptedResponse } from './azure-recorder.js';
