import type {
  Condition,
  DocumentReference,
  Observation,
  QuestionnaireResponse,
  Resource,
} from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { ITEM_SCORES, SANDBOX_CLIENTS, sandboxSeedResources } from './index.js';

const resources = sandboxSeedResources();
const byId = new Map(resources.map((r) => [r.id, r]));
const get = <T extends Resource>(id: string): T => byId.get(id) as T;
const securityCodes = (r: Resource): string[] => (r.meta?.security ?? []).map((s) => s.code ?? '');

describe('sandbox seed', () => {
  it('gives every resource a unique well-known id and the HTEST synthetic-data tag', () => {
    expect(byId.size).toBe(resources.length);
    expect(resources.every((r) => r.meta?.tag?.some((t) => t.code === 'HTEST'))).toBe(true);
  });

  it('stores PHQ-9 and GAD-7 totals that equal the sum of their item answers', () => {
    for (const [key, scores] of Object.entries(ITEM_SCORES)) {
      const client = SANDBOX_CLIENTS[key as keyof typeof SANDBOX_CLIENTS];
      const phq9 = get<Observation>(client.phq9.observationId);
      expect(phq9.valueInteger).toBe(scores.phq9.reduce((a, b) => a + b, 0));
      expect(phq9.valueInteger).toBe(client.phq9.total);
      expect(phq9.component?.[0]?.valueInteger).toBe(client.phq9.item9);
      expect(get<Observation>(client.gad7.observationId).valueInteger).toBe(client.gad7.total);
      const response = get<QuestionnaireResponse>(client.phq9.responseId);
      expect(response.item?.find((i) => i.linkId === '44260-8')?.answer?.[0]?.valueCoding?.code).toBe(
        client.phq9.item9 === 0 ? 'LA6568-5' : 'LA6569-3',
      );
    }
  });

  it('labels the alcohol use disorder diagnosis and the SUD notes with 42 CFR Part 2 codes', () => {
    const f10 = get<Condition>(SANDBOX_CLIENTS.riley.conditionIds[0]);
    expect(f10.code?.coding?.[0]?.code).toBe('F10.20');
    expect(securityCodes(f10)).toEqual(['42CFRPart2', 'ETH', 'R']);
    for (const id of SANDBOX_CLIENTS.riley.noteIds) expect(securityCodes(get(id))).toContain('42CFRPart2');
    expect(securityCodes(get(SANDBOX_CLIENTS.avery.noteIds[0]))).toEqual([]);
  });

  it('records an active Part 2 consent for the client with the SUD diagnosis', () => {
    const consent = get<Resource & { status?: string; patient?: { reference?: string } }>(
      SANDBOX_CLIENTS.riley.consentId,
    );
    expect(consent.resourceType).toBe('Consent');
    expect(consent.status).toBe('active');
    expect(consent.patient?.reference).toBe(`Patient/${SANDBOX_CLIENTS.riley.patientId}`);
  });

  it('stores prior progress notes as final 34904-3 documents with base64 text', () => {
    const notes = resources.filter((r): r is DocumentReference => r.resourceType === 'DocumentReference');
    expect(notes).toHaveLength(6);
    for (const n of notes) {
      expect(n.docStatus).toBe('final');
      expect(n.type?.coding?.[0]?.code).toBe('34904-3');
      expect(Buffer.from(n.content[0]?.attachment.data ?? '', 'base64').toString('utf8')).toMatch(/^S: /);
    }
  });
});
