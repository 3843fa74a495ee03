import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '@carerelay/events';
import { GENESIS_HASH, canonicalAuditJson, chainHash } from './chain.js';

const event: AuditEvent = {
  eventId: '3f1c2d9e-0b7a-4c55-9a1e-7d2f8b6c4e10',
  occurredAt: 1_767_225_600_123,
  tenantId: 'tenant-a',
  action: 'PHI_DISCLOSURE',
  outcome: 'SUCCESS',
  actor: { service: 'llm-worker', userId: 'u-7', role: 'clinician' },
  clientId: 'patient-42',
  purposeOfUse: 'TREATMENT',
  taskId: 'task-9',
  correlationId: null,
  recipient: 'azure-openai/gpt-4o',
  description: 'de-identified session context',
  reasonCode: null,
  part2: true,
  model: 'gpt-4o-2024-08-06',
  templateVersion: 'soap_note@3',
  useCase: 'soap_note',
  ehrOccurredAt: null,
  counts: { tokensOut: 512, tokensIn: 1_830 },
  hashes: { response: 'bb', prompt: 'aa' },
};

// Written by hand from the rule (keys sorted at every level, no whitespace), not by the code under test.
const HAND_WRITTEN =
  '{"action":"PHI_DISCLOSURE","actor":{"role":"clinician","service":"llm-worker","userId":"u-7"},' +
  '"clientId":"patient-42","correlationId":null,"counts":{"tokensIn":1830,"tokensOut":512},' +
  '"description":"de-identified session context","eventId":"3f1c2d9e-0b7a-4c55-9a1e-7d2f8b6c4e10",' +
  '"hashes":{"prompt":"aa","response":"bb"},"model":"gpt-4o-2024-08-06","occurredAt":1767225600123,' +
  '"outcome":"SUCCESS","part2":true,"purposeOfUse":"TREATMENT","reasonCode":null,' +
  '"recipient":"azure-openai/gpt-4o","taskId":"task-9","templateVersion":"soap_note@3",' +
  '"tenantId":"tenant-a","useCase":"soap_note"}';

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Rebuilds an object with its keys in reverse order, at every level. */
function reversedKeys<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const entries = Object.entries(value as Record<string, unknown>).reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, reversedKeys(v)])) as T;
}

describe('audit hash chain', () => {
  it('serializes an event as sorted-key JSON without whitespace', () => {
    expect(canonicalAuditJson(event)).toBe(HAND_WRITTEN);
  });

  it('hashes sha256(prevHash + newline + canonical JSON), starting from 64 zeros', () => {
    expect(GENESIS_HASH).toBe('0000000000000000000000000000000000000000000000000000000000000000');
    expect(chainHash(GENESIS_HASH, event)).toBe(sha256(`${GENESIS_HASH}\n${HAND_WRITTEN}`));
  });

  // Pinned with `printf '%s\n%s' <64 zeros> '<HAND_WRITTEN>' | sha256sum`.
  it('keeps the hash of a known event stable across releases (stored chains must keep verifying)', () => {
    expect(chainHash(GENESIS_HASH, event)).toBe(
      'cd540b148c4d5d2443b3688b9cfec604d622b7be9c081401f027c4ec15475492',
    );
  });

  it('does not depend on the order of keys in the event, its actor or its maps', () => {
    expect(chainHash(GENESIS_HASH, reversedKeys(event))).toBe(chainHash(GENESIS_HASH, event));
  });

  it('treats an absent useCase (an event written before the field existed) as null', () => {
    const older: { -readonly [K in keyof AuditEvent]?: AuditEvent[K] } = { ...event };
    delete older.useCase;
    const withNull = { ...event, useCase: null };
    expect(chainHash(GENESIS_HASH, older as AuditEvent)).toBe(chainHash(GENESIS_HASH, withNull));
  });

  it('hashes an event without an EHR time exactly as before the field existed', () => {
    const older: { -readonly [K in keyof AuditEvent]?: AuditEvent[K] } = { ...event };
    delete older.ehrOccurredAt;
    expect(chainHash(GENESIS_HASH, older as AuditEvent)).toBe(chainHash(GENESIS_HASH, event));
    expect(canonicalAuditJson(event)).toBe(HAND_WRITTEN);
  });

  it("includes the EHR's claimed time when there is one, after eventId in key order", () => {
    expect(canonicalAuditJson({ ...event, ehrOccurredAt: 1_672_531_200_000 })).toContain(
      '"description":"de-identified session context","ehrOccurredAt":1672531200000,"eventId":',
    );
  });

  it.each([
    ['ehrOccurredAt set', { ehrOccurredAt: 1_672_531_200_000 }],
    ['eventId', { eventId: '3f1c2d9e-0b7a-4c55-9a1e-7d2f8b6c4e11' }],
    ['occurredAt (1 ms)', { occurredAt: event.occurredAt + 1 }],
    ['tenantId', { tenantId: 'tenant-b' }],
    ['action', { action: 'PHI_ACCESS' }],
    ['outcome', { outcome: 'DENIED' }],
    ['actor.userId', { actor: { ...event.actor, userId: 'u-8' } }],
    ['actor.role', { actor: { ...event.actor, role: null } }],
    ['clientId', { clientId: 'patient-43' }],
    ['purposeOfUse', { purposeOfUse: 'PAYMENT' }],
    ['taskId', { taskId: null }],
    ['correlationId', { correlationId: 'c-1' }],
    ['recipient', { recipient: 'ehr' }],
    ['description', { description: 'de-identified session context.' }],
    ['reasonCode', { reasonCode: 'POLICY_DENIED' }],
    ['part2', { part2: false }],
    ['model', { model: 'gpt-4o' }],
    ['templateVersion', { templateVersion: 'soap_note@4' }],
    ['useCase', { useCase: 'dap_note' }],
    ['a count', { counts: { ...event.counts, tokensOut: 513 } }],
    ['a count added', { counts: { ...event.counts, attempts: 1 } }],
    ['a hash', { hashes: { ...event.hashes, prompt: 'ab' } }],
  ] as const)('changes when %s changes', (_field, change) => {
    const altered: AuditEvent = { ...event, ...change };
    expect(chainHash(GENESIS_HASH, altered)).not.toBe(chainHash(GENESIS_HASH, event));
  });

  it('changes when the previous hash changes, so reordering or dropping an event breaks the chain', () => {
    const first = chainHash(GENESIS_HASH, event);
    const second = { ...event, eventId: 'second' };
    expect(chainHash(first, second)).not.toBe(chainHash(GENESIS_HASH, second));
  });

  it('does not confuse a null with the string "null" or a count with a numeric string', () => {
    expect(canonicalAuditJson({ ...event, clientId: 'null' })).not.toBe(
      canonicalAuditJson({ ...event, clientId: null }),
    );
    expect(canonicalAuditJson({ ...event, hashes: { n: '1' } })).toContain('"hashes":{"n":"1"}');
  });
});
