import { randomUUID } from 'node:crypto';
import type { Bus, DeadLetter } from '@carerelay/bus';
import { auditEventTopic, type AuditAction, type AuditEvent, type AuditOutcome } from '@carerelay/events';

/** What a caller states about an act; everything else defaults to "not applicable". */
export interface AuditFacts {
  readonly tenantId: string;
  readonly action: AuditAction;
  readonly outcome: AuditOutcome;
  readonly service: string;
  readonly userId?: string | null;
  readonly role?: string | null;
  readonly clientId?: string | null;
  readonly purposeOfUse?: string | null;
  readonly taskId?: string | null;
  readonly correlationId?: string | null;
  readonly recipient?: string | null;
  readonly description?: string | null;
  readonly reasonCode?: string | null;
  readonly part2?: boolean;
  readonly model?: string | null;
  readonly templateVersion?: string | null;
  readonly useCase?: string | null;
  readonly counts?: Readonly<Record<string, number>>;
  readonly hashes?: Readonly<Record<string, string>>;
  /**
   * The event's identity, for an act observed more than once (a redelivered change, the same
   * completion by webhook and by poll): the store keeps one event per tenant and eventId, so
   * it must derive from the act. Default: a random UUID.
   */
  readonly eventId?: string;
  /**
   * When the EHR says the act happened (a note's signedAt, a Task's completion), epoch ms.
   * Kept as a claim only: the event's occurredAt is always the recording service's clock, so
   * an EHR field edited to a past date cannot place an event where retention drops it.
   */
  readonly ehrOccurredAt?: number | null;
}

/**
 * Builds an audit.event.v1 value. Ids, codes, counts and hashes only: the type
 * has no field for clinical text, and `description` must stay PHI-free.
 */
export function auditEvent(facts: AuditFacts, now: () => number = Date.now): AuditEvent {
  return {
    eventId: facts.eventId ?? randomUUID(),
    occurredAt: now(),
    tenantId: facts.tenantId,
    action: facts.action,
    outcome: facts.outcome,
    actor: { service: facts.service, userId: facts.userId ?? null, role: facts.role ?? null },
    clientId: facts.clientId ?? null,
    purposeOfUse: facts.purposeOfUse ?? null,
    taskId: facts.taskId ?? null,
    correlationId: facts.correlationId ?? null,
    recipient: facts.recipient ?? null,
    description: facts.description ?? null,
    reasonCode: facts.reasonCode ?? null,
    part2: facts.part2 ?? false,
    model: facts.model ?? null,
    templateVersion: facts.templateVersion ?? null,
    useCase: facts.useCase ?? null,
    ehrOccurredAt: facts.ehrOccurredAt ?? null,
    counts: { ...facts.counts },
    hashes: { ...facts.hashes },
  };
}

/** Publishes audit events on the bus, keyed by tenant (one chain per tenant). */
export class AuditTrail {
  constructor(
    private readonly bus: Bus,
    private readonly service: string,
  ) {}

  deadLettered(letter: DeadLetter): Promise<void> {
    return this.record(deadLetterFacts(letter));
  }

  record(facts: Omit<AuditFacts, 'service'>): Promise<void> {
    const event = auditEvent({ ...facts, service: this.service });
    return this.bus.publish(auditEventTopic, { key: event.tenantId, value: event });
  }
}

/** The ids an event carries, read from a dead letter's decoded value when there is one. */
interface TaskIds {
  readonly tenantId?: string;
  readonly taskId?: string;
  readonly clientId?: string;
}

/** Audits a record that went to a DLQ: tenant from the value, else from the `tenant:…` key. */
export function deadLetterFacts(letter: DeadLetter): Omit<AuditFacts, 'service'> {
  const ids = (letter.value ?? {}) as TaskIds;
  return {
    tenantId: ids.tenantId ?? letter.record.key?.split(':')[0] ?? 'unknown',
    taskId: ids.taskId ?? null,
    clientId: ids.clientId ?? null,
    action: 'TASK_DEAD_LETTERED',
    outcome: 'FAILURE',
    reasonCode: letter.errorCode,
    counts: { attempts: letter.attempts },
  };
}
