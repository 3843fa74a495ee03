import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../queries/audit-events.js';
import { AUDIT_ACTIONS, AUDIT_OUTCOMES } from '../schemas.js';
import { fhirAuditBundle, fhirAuditEvent } from './fhir.js';

/** The DICOM codes of the FHIR R4 audit-event-type value set (DCM 110100–110114). */
const R4_AUDIT_EVENT_TYPES = new Set(Array.from({ length: 15 }, (_, i) => String(110100 + i)));
const FHIR_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

const record = (overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  seq: 7,
  eventId: '3f1c1e4e-9d9b-4d53-8a59-0e7f0c1d2a11',
  occurredAt: '2025-03-01T10:00:00.000Z',
  tenantId: 't1',
  action: 'PHI_DISCLOSURE',
  outcome: 'SUCCESS',
  actor: { service: 'writeback', userId: 'dr-1', role: 'clinician' },
  clientId: 'client-42',
  purposeOfUse: 'TREATMENT',
  taskId: 'task-9',
  correlationId: 'corr-1',
  recipient: 'https://ehr.test/fhir',
  description: 'soap_note written',
  reasonCode: null,
  part2: true,
  model: null,
  templateVersion: 'soap_note@1.0.0',
  useCase: 'soap_note',
  counts: { replaced: 3 },
  hashes: { text: 'ab'.repeat(32) },
  prevHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
  recordedAt: '2025-03-01T10:00:01.000Z',
  ehrOccurredAt: null,
  ...overrides,
});

describe('FHIR R4 AuditEvent export', () => {
  it.each(AUDIT_ACTIONS.flatMap((action) => AUDIT_OUTCOMES.map((outcome) => [action, outcome])))(
    '%s/%s carries every element R4 requires, with codes from the R4 value sets',
    (action, outcome) => {
      const resource = fhirAuditEvent(record({ action, outcome } as Partial<AuditRecord>));
      expect(resource.resourceType).toBe('AuditEvent');
      expect(resource.type.system).toBe('http://dicom.nema.org/resources/ontology/DCM');
      expect(R4_AUDIT_EVENT_TYPES.has(resource.type.code)).toBe(true);
      expect(['C', 'R', 'U', 'D', 'E']).toContain(resource.action);
      expect(resource.recorded).toMatch(FHIR_INSTANT);
      expect(['0', '4', '8', '12']).toContain(resource.outcome);
      expect(resource.agent.length).toBeGreaterThan(0);
      for (const agent of resource.agent) expect(typeof agent.requestor).toBe('boolean');
      expect(resource.agent.filter((a) => a.requestor)).toHaveLength(1);
      expect(resource.source.observer).toBeTruthy();
      for (const entity of resource.entity) expect(entity.what).toBeTruthy();
    },
  );

  it('maps outcomes: success 0, refused or blocked 4 (minor), failure 8 (serious)', () => {
    const outcome = (o: AuditRecord['outcome']) => fhirAuditEvent(record({ outcome: o })).outcome;
    expect([outcome('SUCCESS'), outcome('DENIED'), outcome('BLOCKED'), outcome('FAILURE')]).toEqual([
      '0',
      '4',
      '4',
      '8',
    ]);
  });

  it('names the client as Patient/<id>, the task, the purpose of use, and labels Part 2', () => {
    const resource = fhirAuditEvent(record());
    expect(resource.entity.map((e) => e.what.reference ?? e.what.identifier?.value)).toEqual(
      expect.arrayContaining(['Patient/client-42', 'task-9']),
    );
    expect(resource.purposeOfEvent?.[0]?.coding?.[0]).toMatchObject({
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActReason',
      code: 'TREAT',
    });
    expect(resource.meta?.security.map((c) => c.code)).toEqual(
      expect.arrayContaining(['42CFRPart2', 'ETH', 'R']),
    );
    expect(fhirAuditEvent(record({ part2: false })).meta).toBeUndefined();
  });

  it('wraps events in a searchset Bundle with a next link when there is a next page', () => {
    const bundle = fhirAuditBundle([record()], { self: '/v1/audit/export?format=fhir', next: '/n' });
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset' });
    expect(bundle.link.find((l) => l.relation === 'next')?.url).toBe('/n');
    expect(bundle.entry[0]).toMatchObject({
      fullUrl: 'urn:uuid:3f1c1e4e-9d9b-4d53-8a59-0e7f0c1d2a11',
      search: { mode: 'match' },
    });
  });
});
