import { aiRequestTopic, auditEventTopic, codingSuggestionTopic } from '@carerelay/events';
import { createPendingServiceApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';

export const SERVICE_NAME = 'coder';

/** coder: handlers arrive with a later issue; until then it starts, registers its schemas and reports ready. */
export function createCoderApp(context: ServiceContext): ServiceApp {
  return createPendingServiceApp(
    SERVICE_NAME,
    { consumes: [aiRequestTopic], produces: [codingSuggestionTopic, auditEventTopic] },
    context,
  );
}
