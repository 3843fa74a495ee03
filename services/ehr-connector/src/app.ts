import { aiTaskTopic, auditEventTopic, ehrChangeTopic, reviewOutcomeTopic } from '@carerelay/events';
import { createPendingServiceApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';

export const SERVICE_NAME = 'ehr-connector';

/** ehr-connector: handlers arrive with issue #5; until then it starts, registers its schemas and reports ready. */
export function createEhrConnectorApp(context: ServiceContext): ServiceApp {
  return createPendingServiceApp(
    SERVICE_NAME,
    {
      consumes: [ehrChangeTopic],
      produces: [ehrChangeTopic, aiTaskTopic, reviewOutcomeTopic, auditEventTopic],
    },
    context,
  );
}
