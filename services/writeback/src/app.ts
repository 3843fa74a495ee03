import {
  aiDraftTopic,
  auditEventTopic,
  codingSuggestionTopic,
  ehrWritebackTopic,
  riskAlertTopic,
} from '@carerelay/events';
import { createPendingServiceApp, type ServiceApp, type ServiceContext } from '@carerelay/runtime';

export const SERVICE_NAME = 'writeback';

/** writeback: handlers arrive with issue #5; until then it starts, registers its schemas and reports ready. */
export function createWritebackApp(context: ServiceContext): ServiceApp {
  return createPendingServiceApp(
    SERVICE_NAME,
    {
      consumes: [aiDraftTopic, riskAlertTopic, codingSuggestionTopic],
      produces: [ehrWritebackTopic, auditEventTopic],
    },
    context,
  );
}
