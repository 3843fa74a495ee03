import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateResource } from '@medplum/core';
import { DLQ_HEADERS, type EmbeddedBus } from '@carerelay/bus';
import { eventually } from '@carerelay/bus/testing';
import type { FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import { codingSuggestionTopic, type CodingSuggestion } from '@carerelay/events';
import { type InMemoryTokenVault, vaultKeyOf } from '@carerelay/phi';
import type { WritebackOptions } from './app.js';
import { expectedSubjectRef, startWriteback } from './test-harness.js';
import type { Claim, Provenance } from './domain/fhir-resources.js';

const { avery } = SANDBOX_CLIENTS;
const clinicianName = 'Dana Whitcombe';

let sandbox: SandboxEhr;
let fhir: FhirClient;
beforeAll(async () => {
  sandbox = await startSandboxEhr();
  fhir = sandboxFhirClient(sandbox);
});
afterAll(() => sandbox.stop());

function suggestion(
  taskId = randomUUID(),
  part2: Pick<CodingSuggestion, 'securityLabels' | 'consentRef'> = { securityLabels: [], consentRef: null },
): CodingSuggestion {
  const code = (system: 'CPT' | 'ICD10CM', c: string, display: string, addOn = false) => ({
    system,
    code: c,
    display,
    addOn,
    rationale: `${c}: rule applied`,
    confidence: 0.9,
  });
  return {
    taskId,
    tenantId: 't1',
    subjectRef: expectedSubjectRef('t1', avery.patientId),
    codes: [
      code('CPT', '90837', 'Psychotherapy, 60 minutes'),
      code('CPT', '+90785', 'Interactive complexity', true),
      code('ICD10CM', 'F33.1', 'Major depressive disorder, recurrent, moderate'),
      code('ICD10CM', 'Z63.0', 'Problems in relationship with spouse or partner'),
    ],
    psychotherapyMinutes: 55,
    warnings: ['Stop time not documented by [CLINICIAN_1]: payers may deny time-based codes.'],
    ruleVersion: '1.4.0',
    createdAt: Date.UTC(2025, 2, 14, 17, 0),
    ...part2,
  };
}

const putVault = (vault: InMemoryTokenVault, taskId: string) =>
  vault.put(
    {
      tenantId: 't1',
      taskId,
      clientId: avery.patientId,
      tokens: { '[CLINICIAN_1]': { value: clinicianName, type: 'NAME' } },
      dateShiftDays: null,
      createdAt: Date.now(),
    },
    60,
  );

const claimsOf = (taskId: string) =>
  fhir.search<Claim>('Claim', { identifier: `urn:carerelay:task|${taskId}` });

describe('writeback: coding.suggestion.v1 → draft Claim in the sandbox EHR', () => {
  let bus: EmbeddedBus;
  afterEach(() => bus.shutdown());

  async function setup(ehr: WritebackOptions['fhir'] = fhir) {
    const env = await startWriteback(codingSuggestionTopic, { fhir: ehr, ehrEndpoint: sandbox.baseUrl });
    bus = env.bus;
    return env;
  }

  it('writes one draft Claim with the CPT items and ICD-10-CM diagnoses, then purges the vault', async () => {
    const env = await setup();
    const s = suggestion();
    await putVault(env.vault, s.taskId);
    await env.publish(s);
    await eventually(() => env.outcomes.length === 1, 'the write-back outcome');

    const claims = await claimsOf(s.taskId);
    expect(claims).toHaveLength(1);
    const claim = claims[0]!;
    expect(claim).toMatchObject({ status: 'draft', use: 'claim', created: '2025-03-14T17:00:00.000Z' });
    expect(claim.patient.reference).toBe(`Patient/${avery.patientId}`);
    expect(claim.type.coding?.[0]?.code).toBe('professional');
    expect(claim.priority.coding?.[0]?.code).toBe('normal');
    expect(claim.provider.display).toBe('To be determined by the biller');
    expect(claim.insurance[0]?.coverage.display).toBe('To be determined by the biller');
    expect(
      claim.item?.map((i) => [i.productOrService.coding?.[0]?.system, i.productOrService.coding?.[0]?.code]),
    ).toEqual([
      ['http://www.ama-assn.org/go/cpt', '90837'],
      ['http://www.ama-assn.org/go/cpt', '90785'],
    ]);
    expect(
      claim.diagnosis?.map((d) => [
        d.diagnosisCodeableConcept?.coding?.[0]?.system,
        d.diagnosisCodeableConcept?.coding?.[0]?.code,
      ]),
    ).toEqual([
      ['http://hl7.org/fhir/sid/icd-10-cm', 'F33.1'],
      ['http://hl7.org/fhir/sid/icd-10-cm', 'Z63.0'],
    ]);
    expect(claim.item?.[0]?.diagnosisSequence).toEqual([1, 2]);
    const info = claim.supportingInfo?.map((i) => i.valueString ?? i.valueQuantity?.value);
    expect(info).toContain(`Stop time not documented by ${clinicianName}: payers may deny time-based codes.`);
    expect(info).toContain('90837: rule applied');
    expect(info).toContain(55);
    expect(claim.meta?.tag?.map((t) => t.code)).toEqual(
      expect.arrayContaining(['AI-ASSISTED', 'NOT-SUBMITTED']),
    );

    const [prov] = await fhir.search<Provenance>('Provenance', { target: `Claim/${claim.id}` });
    expect(prov!.agent[0]?.who?.display).toContain('1.4.0');
    for (const resource of [claim, prov!]) expect(() => validateResource(resource)).not.toThrow();

    const [outcome] = await env.outcomeEvents();
    expect(outcome).toMatchObject({
      taskId: s.taskId,
      clientId: avery.patientId,
      kind: 'CODING_SUGGESTION',
      status: 'CREATED',
      resourceRef: `Claim/${claim.id}`,
      provenanceRef: `Provenance/${prov!.id}`,
    });
    expect(await env.vault.get('t1', vaultKeyOf('t1', s.taskId))).toBeUndefined();
    await eventually(() => env.audits.length >= 2, 'audit events');
    const audits = await env.auditEvents();
    expect(audits.map((a) => `${a.action}:${a.reasonCode}:${a.useCase}`)).toEqual([
      'DRAFT_WRITTEN:CREATED:coding',
      'PHI_DISCLOSURE:null:coding',
    ]);
    expect(audits[0]!.counts).toMatchObject({ cpt: 2, icd10cm: 2, warnings: 1, replaced: 1 });
    expect(audits[1]).toMatchObject({ recipient: sandbox.baseUrl, purposeOfUse: 'PAYMENT' });
    expect(JSON.stringify(audits)).not.toContain('Whitcombe');
    // Not Part 2: no label on the Claim, no notice, no consent in the accounting.
    expect(claim.meta?.security).toBeUndefined();
    expect(JSON.stringify(claim)).not.toContain('42 CFR part 2');
    expect(audits.map((a) => a.part2)).toEqual([false, false]);
    expect(audits[1]!.description).not.toContain('consent');
  });

  it('a Part 2 suggestion: the Claim keeps the 42CFRPart2 label and the notice; the payment disclosure names the consent', async () => {
    const env = await setup();
    const s = suggestion(randomUUID(), {
      securityLabels: ['42CFRPart2', 'ETH'],
      consentRef: 'Consent/c-part2/_history/4',
    });
    await putVault(env.vault, s.taskId);
    await env.publish(s);
    await eventually(() => env.outcomes.length === 1, 'the write-back outcome');

    const [claim] = await claimsOf(s.taskId);
    expect(claim!.meta?.security).toEqual([
      {
        system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
        code: '42CFRPart2',
        display: '42 CFR Part2',
      },
    ]);
    expect(claim!.extension?.map((e) => e.valueString)).toContain(
      '42 CFR part 2 prohibits unauthorized use or disclosure of these records.',
    );
    expect(() => validateResource(claim!)).not.toThrow();
    await eventually(() => env.audits.length >= 2, 'audit events');
    const [written, disclosure] = await env.auditEvents();
    expect(written).toMatchObject({ action: 'DRAFT_WRITTEN', part2: true });
    expect(disclosure).toMatchObject({ action: 'PHI_DISCLOSURE', purposeOfUse: 'PAYMENT', part2: true });
    expect(disclosure!.description).toBe(
      `coding suggestion written to the EHR as draft Claim/${claim!.id} under consent Consent/c-part2/_history/4`,
    );
  });

  it('a redelivered suggestion (vault refilled or already purged) never makes a second Claim', async () => {
    const env = await setup();
    const s = suggestion();
    await putVault(env.vault, s.taskId);
    await env.publish(s);
    await eventually(() => env.outcomes.length === 1, 'the first outcome');
    await putVault(env.vault, s.taskId); // redelivery before the purge was seen
    await env.publish(s);
    await eventually(() => env.outcomes.length === 2, 'the second outcome');
    await env.publish(s); // after the purge
    await eventually(() => env.outcomes.length === 3, 'the third outcome');

    const outcomes = await env.outcomeEvents();
    expect(outcomes.map((o) => o.status)).toEqual(['CREATED', 'ALREADY_EXISTS', 'ALREADY_EXISTS']);
    expect(new Set(outcomes.map((o) => o.resourceRef)).size).toBe(1);
    expect(new Set(outcomes.map((o) => o.provenanceRef)).size).toBe(1);
    expect(await claimsOf(s.taskId)).toHaveLength(1);
    expect(await fhir.search('Provenance', { target: outcomes[0]!.resourceRef! })).toHaveLength(1);
    expect(env.dlq).toEqual([]);
  });

  it('an EHR that rejects the Claim (4xx) sends the suggestion to the DLQ with its cause; vault kept', async () => {
    const env = await setup(sandboxFhirClient(sandbox, { client: 'readOnly' }));
    const s = suggestion();
    await putVault(env.vault, s.taskId);
    await env.publish(s);
    await eventually(() => env.dlq.length === 1, 'the suggestion in the DLQ');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('EHR_REQUEST_REJECTED');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.groupId]).toBe('writeback.coding-suggestion');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorMessage]).toContain('403');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('1');
    expect(await env.vault.get('t1', vaultKeyOf('t1', s.taskId))).toBeDefined();
    expect(await claimsOf(s.taskId)).toEqual([]);
  });

  it('a suggestion without a vault entry or a Claim goes to the DLQ as WRITEBACK_VAULT_MISSING', async () => {
    const env = await setup();
    const s = suggestion();
    await env.publish(s);
    await eventually(() => env.dlq.length === 1, 'the suggestion in the DLQ');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('WRITEBACK_VAULT_MISSING');
    expect(await claimsOf(s.taskId)).toEqual([]);
    await eventually(() => env.audits.length >= 2, 'audit events');
    expect((await env.auditEvents()).map((a) => `${a.action}:${a.reasonCode}`)).toEqual([
      'DRAFT_WRITTEN:WRITEBACK_VAULT_MISSING',
      'TASK_DEAD_LETTERED:WRITEBACK_VAULT_MISSING',
    ]);
  });
});
