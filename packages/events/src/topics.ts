import { EVENT_TOPICS, type EventTopicName } from './generated/events.js';
import { dlqTopicName } from './topic-contract.js';

/** How a topic is created on the broker. The one place topics are declared. */
export interface TopicDeclaration {
  readonly name: string;
  readonly partitions: number;
  /** -1 = never expires. */
  readonly retentionMs: number;
  readonly cleanupPolicy: 'delete' | 'compact';
}

const DAY = 24 * 60 * 60 * 1000;
const NEVER = -1;

/**
 * Partitions bound each service's parallelism; 6 lets a stage scale to 6 instances.
 * ai.task.v1 carries (encrypted) PHI, so it is kept briefly. The audit topic never
 * expires: the audit store must be rebuildable, and HIPAA keeps audit records
 * 6 years (164.316(b)(2)).
 */
const MAIN: Record<EventTopicName, Omit<TopicDeclaration, 'name'>> = {
  'ehr.change.v1': { partitions: 6, retentionMs: 7 * DAY, cleanupPolicy: 'delete' },
  'ai.task.v1': { partitions: 6, retentionMs: 1 * DAY, cleanupPolicy: 'delete' },
  'ai.request.v1': { partitions: 6, retentionMs: 3 * DAY, cleanupPolicy: 'delete' },
  'ai.draft.v1': { partitions: 6, retentionMs: 7 * DAY, cleanupPolicy: 'delete' },
  'risk.alert.v1': { partitions: 6, retentionMs: 7 * DAY, cleanupPolicy: 'delete' },
  'coding.suggestion.v1': { partitions: 6, retentionMs: 7 * DAY, cleanupPolicy: 'delete' },
  'ehr.writeback.v1': { partitions: 6, retentionMs: 7 * DAY, cleanupPolicy: 'delete' },
  'review.outcome.v1': { partitions: 6, retentionMs: 30 * DAY, cleanupPolicy: 'delete' },
  'audit.event.v1': { partitions: 6, retentionMs: NEVER, cleanupPolicy: 'delete' },
};

/** Dead letters wait for a human; the audit DLQ, like the audit topic, never expires. */
function dlqRetention(topic: EventTopicName): number {
  if (topic === 'audit.event.v1') return NEVER;
  if (topic === 'ai.task.v1') return 7 * DAY;
  return 14 * DAY;
}

export const TOPIC_DECLARATIONS: readonly TopicDeclaration[] = (
  Object.keys(EVENT_TOPICS) as EventTopicName[]
).flatMap((name) => [
  { name, ...MAIN[name] },
  {
    name: dlqTopicName(name),
    partitions: 1,
    retentionMs: dlqRetention(name),
    cleanupPolicy: 'delete' as const,
  },
]);
