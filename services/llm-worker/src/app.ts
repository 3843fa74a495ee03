import { aiDraftTopic, aiRequestTopic, auditEventTopic } from '@carerelay/events';
import { createPendingServiceApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';

export const SERVICE_NAME = 'llm-worker';

/** llm-worker: handlers arrive with issue #4; until then it starts, registers its schemas and reports ready. */
export function createLlmWorkerApp(context: ServiceContext): ServiceApp {
  return createPendingServiceApp(
    SERVICE_NAME,
    { consumes: [aiRequestTopic], produces: [aiDraftTopic, auditEventTopic] },
    context,
  );
}
