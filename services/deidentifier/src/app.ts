import { aiRequestTopic, aiTaskTopic, auditEventTopic } from '@carerelay/events';
import { createPendingServiceApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';

export const SERVICE_NAME = 'deidentifier';

/** deidentifier: handlers arrive with issue #3; until then it starts, registers its schemas and reports ready. */
export function createDeidentifierApp(context: ServiceContext): ServiceApp {
  return createPendingServiceApp(
    SERVICE_NAME,
    { consumes: [aiTaskTopic], produces: [aiRequestTopic, auditEventTopic] },
    context,
  );
}
