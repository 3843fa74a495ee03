import { auditEventTopic, reviewOutcomeTopic } from '@carerelay/events';
import { createPendingServiceApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';

export const SERVICE_NAME = 'audit-sink';

/** audit-sink: handlers arrive with issue #6; until then it starts, registers its schemas and reports ready. */
export function createAuditSinkApp(context: ServiceContext): ServiceApp {
  return createPendingServiceApp(
    SERVICE_NAME,
    { consumes: [auditEventTopic, reviewOutcomeTopic], produces: [] },
    context,
  );
}
