import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DLQ_HEADERS, type EmbeddedBus } from '@carerelay/bus';
import { eventually } from '@carerelay/bus/testing';
import type { FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import {
  aiDraftTopic,
  codingSuggestionTopic,
  riskAlertTopic,
  type AiDraft,
  type CodingSuggestion,
  type RiskAlert,
  type TopicContract,
} from '@carerelay/events';
import { vaultKeyOf, type InMemoryTokenVault } from '@carerelay/phi';
import { expectedSubjectRef, startWriteback } from './test-harness.js';
import type { DocumentReference } from './domain/fhir-resources.js';

const { avery, jordan } = SANDBOX_CLIENTS;
const averyRef = expectedSubjectRef('t1', avery.patientId);
const jordanRef = expectedSubjectRef('t1', jordan.patientId);

let sandbox: SandboxEhr;
let fhir: FhirClient;
beforeAll(async () => {
  sandbox = await startSandboxEhr();
  fhir = sandboxFhirClient(sandbox);
});
afterAll(() => sandbox.stop());

function draft(subjectRef: string): AiDraft {
  return {
    taskId: randomUUID(),
    tenantId: 't1',
    subjectRef,
    useCase: 'soap_note',
    content: JSON.stringify({ subjective: '[CLIENT] reports low mood.', plan: 'Weekly sessions.' }),
    placeholders: [],
    provenance: {
      provider: 'AZURE_OPENAI',
      deployment: 'gpt-4o-notes',
      modelVersion: '2024-08-06',
      templateId: 'soap_note',
      templateVersion: '1.0.0',
      templateHash: 'a'.repeat(64),
      promptTokens: 100,
      completionTokens: 50,
      latencyMs: 900,
      finishReason: 'stop',
    },
    createdAt: Date.now(),
    securityLabels: [],
    consentRef: null,
    measures: [],
    intakeExtraction: null,
  };
}

/** The vault entry the deidentifier wrote for the task: Avery's identifiers. */
const putAveryVault = (vault: InMemoryTokenVault, taskId: string) =>
  vault.put(
    {
      tenantId: 't1',
      taskId,
      clientId: avery.patientId,
      tokens: { '[CLIENT]': { value: `${avery.given} ${avery.family}`, type: 'NAME' } },
      dateShiftDays: null,
      createdAt: Date.now(),
    },
    60,
  );

/** A draft of the task already in Jordan's chart (the earlier use of the colliding task id). */
const jordanDraftOf = (taskId: string) =>
  fhir.create<DocumentReference>({
    resourceType: 'DocumentReference',
    identifier: [{ system: 'urn:carerelay:task', value: taskId }],
    status: 'current',
    docStatus: 'preliminary',
    subject: { reference: `Patient/${jordan.patientId}` },
    content: [{ attachment: { contentType: 'text/plain', data: 'ZHJhZnQ=' } }],
  });

const byTask = (type: string, taskId: string) =>
  fhir.search(type as 'DocumentReference', { identifier: `urn:carerelay:task|${taskId}` });

describe('writeback refuses a draft whose subject is not the vault entry’s client nor the target record’s', () => {
  let bus: EmbeddedBus;
  afterEach(() => bus.shutdown());

  async function setup<T>(topic: TopicContract<T>) {
    const env = await startWriteback(topic, { fhir, ehrEndpoint: sandbox.baseUrl });
    bus = env.bus;
    return env;
  }

  async function expectRefused(
    env: Awaited<ReturnType<typeof setup>>,
    action: string,
    taskId: string,
  ): Promise<void> {
    await eventually(() => env.dlq.length === 1, 'the record in the DLQ');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('WRITEBACK_SUBJECT_MISMATCH');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('1');
    await eventually(() => env.audits.length >= 2, 'audit events');
    const audits = await env.auditEvents();
    expect(audits.map((a) => `${a.action}:${a.outcome}:${a.reasonCode}`)).toEqual([
      `${action}:DENIED:WRITEBACK_SUBJECT_MISMATCH`,
      'TASK_DEAD_LETTERED:FAILURE:WRITEBACK_SUBJECT_MISMATCH',
    ]);
    expect(audits.every((a) => a.taskId === taskId)).toBe(true);
    expect(JSON.stringify(audits)).not.toContain(avery.family);
    expect(env.outcomes).toEqual([]);
  }

  it("a draft for Jordan's pseudonym with Avery's vault entry: DLQ, audited, nothing written, vault kept", async () => {
    const env = await setup(aiDraftTopic);
    const d = draft(jordanRef);
    await putAveryVault(env.vault, d.taskId);
    await env.publish(d);
    await expectRefused(env, 'DRAFT_WRITTEN', d.taskId);
    expect(await byTask('DocumentReference', d.taskId)).toEqual([]);
    expect(await env.vault.get('t1', vaultKeyOf('t1', d.taskId))).toBeDefined();
  });

  it("a draft whose task id already has a record in another client's chart: DLQ, that record untouched", async () => {
    const env = await setup(aiDraftTopic);
    const d = draft(averyRef);
    const existing = await jordanDraftOf(d.taskId);
    await putAveryVault(env.vault, d.taskId);
    await env.publish(d);
    await expectRefused(env, 'DRAFT_WRITTEN', d.taskId);
    const docs = await byTask('DocumentReference', d.taskId);
    expect(docs).toEqual([existing]);
    expect(await fhir.search('Provenance', { target: `DocumentReference/${existing.id}` })).toEqual([]);
  });

  it("after the vault purge, another client's record is not reported as this draft's", async () => {
    const env = await setup(aiDraftTopic);
    const d = draft(averyRef);
    await jordanDraftOf(d.taskId);
    await env.publish(d);
    await expectRefused(env, 'DRAFT_WRITTEN', d.taskId);
  });

  it("a coding suggestion for Jordan's pseudonym with Avery's vault entry: DLQ, no Claim", async () => {
    const env = await setup(codingSuggestionTopic);
    const suggestion: CodingSuggestion = {
      taskId: randomUUID(),
      tenantId: 't1',
      subjectRef: jordanRef,
      codes: [
        {
          system: 'CPT',
          code: '90837',
          display: 'Psychotherapy, 60 minutes',
          addOn: false,
          rationale: 'rule',
          confidence: 0.9,
        },
      ],
      psychotherapyMinutes: 55,
      warnings: [],
      ruleVersion: '1.4.0',
      createdAt: Date.now(),
      securityLabels: [],
      consentRef: null,
    };
    await putAveryVault(env.vault, suggestion.taskId);
    await env.publish(suggestion);
    await expectRefused(env, 'DRAFT_WRITTEN', suggestion.taskId);
    expect(await byTask('Claim', suggestion.taskId)).toEqual([]);
  });

  it("a risk alert for Jordan's pseudonym with Avery's vault entry: DLQ, no Flag", async () => {
    const env = await setup(riskAlertTopic);
    const alert: RiskAlert = {
      alertId: randomUUID(),
      taskId: randomUUID(),
      tenantId: 't1',
      subjectRef: jordanRef,
      severity: 'HIGH',
      interrupting: false,
      trigger: 'PHQ9_ITEM9',
      evidence: [],
      dedupKey: `${jordanRef}:PHQ9_ITEM9`,
      ruleVersion: '2.3.0',
      raisedAt: Date.now(),
      securityLabels: [],
      consentRef: null,
    };
    await putAveryVault(env.vault, alert.taskId);
    await env.publish(alert);
    await expectRefused(env, 'ALERT_RAISED', alert.taskId);
    expect(await fhir.search('Flag', { identifier: `urn:carerelay:alert|${alert.alertId}` })).toEqual([]);
  });
});
