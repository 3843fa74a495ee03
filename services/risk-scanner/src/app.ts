import { aiRequestTopic, auditEventTopic, riskAlertTopic } from '@carerelay/events';
import { createPendingServiceApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';

export const SERVICE_NAME = 'risk-scanner';

/** risk-scanner: handlers arrive with a later issue; until then it starts, registers its schemas and reports ready. */
export function createRiskScannerApp(context: ServiceContext): ServiceApp {
  return createPendingServiceApp(
    SERVICE_NAME,
    { consumes: [aiRequestTopic], produces: [riskAlertTopic, auditEventTopic] },
    context,
  );
}
