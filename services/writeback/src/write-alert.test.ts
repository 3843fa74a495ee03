import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateResource } from '@medplum/core';
import { DLQ_HEADERS, type EmbeddedBus } from '@carerelay/bus';
import { eventually } from '@carerelay/bus/testing';
import type { FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import { CareRelayError } from '@carerelay/errors';
import { riskAlertTopic, type RiskAlert } from '@carerelay/events';
import { type InMemoryTokenVault, vaultKeyOf } from '@carerelay/phi';
import type { WritebackOptions } from './app.js';
import { expectedSubjectRef, startWriteback } from './test-harness.js';
import type { Flag, Provenance, Task } from './domain/fhir-resources.js';

const { avery, jordan } = SANDBOX_CLIENTS;
const averyName = `${avery.given} ${avery.family}`;

let sandbox: SandboxEhr;
let fhir: FhirClient;
beforeAll(async () => {
  sandbox = await startSandboxEhr();
  fhir = sandboxFhirClient(sandbox);
});
afterAll(() => sandbox.stop());

function riskAlert(overrides: Partial<RiskAlert> = {}): RiskAlert {
  return {
    alertId: randomUUID(),
    taskId: randomUUID(),
    tenantId: 't1',
    subjectRef: expectedSubjectRef('t1', avery.patientId),
    severity: 'HIGH',
    interrupting: true,
    trigger: 'PHQ9_ITEM9',
    evidence: [
      { field: 'notes[0].text', start: 10, end: 52, excerpt: '[CLIENT] said she thinks about not waking up' },
      { field: 'assessments[0].items', start: 0, end: 9, excerpt: 'item 9: 2' },
    ],
    dedupKey: 'pseudo-1:PHQ9_ITEM9',
    ruleVersion: '2.3.0',
    raisedAt: Date.UTC(2025, 2, 14, 15, 30),
    securityLabels: [],
    consentRef: null,
    ...overrides,
  };
}

const putVault = (vault: InMemoryTokenVault, taskId: string, clientId = avery.patientId, name = averyName) =>
  vault.put(
    {
      tenantId: 't1',
      taskId,
      clientId,
      tokens: { '[CLIENT]': { value: name, type: 'NAME' } },
      dateShiftDays: null,
      createdAt: Date.now(),
    },
    60,
  );

const byAlert = <T extends Flag | Task>(type: T['resourceType'], alertId: string) =>
  fhir.search<T>(type, { identifier: `urn:carerelay:alert|${alertId}` });
/** Medplum's R4 validator throws on a structural error (cardinality, types); the sandbox store does not validate. */
const expectValid = (resource: Flag | Task | Provenance) =>
  expect(() => validateResource(resource)).not.toThrow();

describe('writeback: risk.alert.v1 → Flag (and Task when interrupting) in the sandbox EHR', () => {
  let bus: EmbeddedBus;
  afterEach(() => bus.shutdown());

  async function setup(ehr: WritebackOptions['fhir'] = fhir) {
    const env = await startWriteback(riskAlertTopic, { fhir: ehr, ehrEndpoint: sandbox.baseUrl });
    bus = env.bus;
    return env;
  }

  it('an interrupting HIGH alert makes one active Flag and one stat review Task with re-identified evidence', async () => {
    const env = await setup();
    const alert = riskAlert();
    await putVault(env.vault, alert.taskId);
    await env.publish(alert);
    await eventually(() => env.outcomes.length === 1, 'the write-back outcome');

    const flags = await byAlert<Flag>('Flag', alert.alertId);
    const tasks = await byAlert<Task>('Task', alert.alertId);
    expect(flags).toHaveLength(1);
    expect(tasks).toHaveLength(1);
    const flag = flags[0]!;
    const task = tasks[0]!;
    expect(flag.status).toBe('active');
    expect(flag.subject.reference).toBe(`Patient/${avery.patientId}`);
    expect(flag.period?.start).toBe('2025-03-14T15:30:00.000Z');
    expect(flag.category?.[0]?.coding?.[0]?.code).toBe('clinical');
    expect(flag.code.text).toMatch(/^High risk: PHQ-9 item 9/);
    expect(flag.meta?.tag?.map((t) => t.display)).toContain('AI-Assisted');
    expect(flag.meta?.tag?.map((t) => t.code)).toContain('NON-DIAGNOSTIC');

    expect(task).toMatchObject({ status: 'requested', intent: 'order', priority: 'stat' });
    expect(task.code?.text).toBe('Review AI risk alert');
    // The connector audits the Task's completion (ALERT_ACKNOWLEDGED) against the alert and its task.
    expect(task.identifier).toEqual([
      { system: 'urn:carerelay:alert', value: alert.alertId },
      { system: 'urn:carerelay:task', value: alert.taskId },
    ]);
    expect(task.for?.reference).toBe(`Patient/${avery.patientId}`);
    expect(task.focus?.reference).toBe(`Flag/${flag.id}`);
    expect(task.description).toContain(`"${averyName} said she thinks about not waking up" (notes[0].text)`);
    expect(task.description).not.toContain('[CLIENT]');

    const [prov] = await fhir.search<Provenance>('Provenance', { target: `Flag/${flag.id}` });
    expect(prov!.target.map((t) => t.reference).sort()).toEqual(
      [`Flag/${flag.id}`, `Task/${task.id}`].sort(),
    );
    expect(prov!.agent[0]?.who?.display).toContain('2.3.0');
    for (const resource of [flag, task, prov!]) expectValid(resource);

    const [outcome] = await env.outcomeEvents();
    expect(outcome).toMatchObject({
      taskId: alert.taskId,
      clientId: avery.patientId,
      kind: 'ALERT',
      status: 'CREATED',
      resourceRef: `Flag/${flag.id}`,
      provenanceRef: `Provenance/${prov!.id}`,
    });
    // The draft of the same task may still need the vault: an alert never purges it.
    expect(await env.vault.get('t1', vaultKeyOf('t1', alert.taskId))).toBeDefined();
    await eventually(() => env.audits.length >= 2, 'audit events');
    const audits = await env.auditEvents();
    expect(audits.map((a) => `${a.action}:${a.outcome}:${a.reasonCode}`)).toEqual([
      'ALERT_RAISED:SUCCESS:PHQ9_ITEM9',
      'PHI_DISCLOSURE:SUCCESS:null',
    ]);
    expect(audits[0]!.counts).toMatchObject({ interrupting: 1, evidence: 2, replaced: 1 });
    expect(audits[1]!.recipient).toBe(sandbox.baseUrl);
    const published = JSON.stringify([audits, await env.outcomeEvents()]);
    for (const text of [avery.given, avery.family, 'waking up']) expect(published).not.toContain(text);
  });

  it('a redelivered alert, before or after the vault purge, never makes a second Flag or Task', async () => {
    const env = await setup();
    const alert = riskAlert();
    await putVault(env.vault, alert.taskId);
    await env.publish(alert);
    await eventually(() => env.outcomes.length === 1, 'the first outcome');
    await env.publish(alert);
    await eventually(() => env.outcomes.length === 2, 'the second outcome');
    await env.vault.purge('t1', vaultKeyOf('t1', alert.taskId));
    await env.publish(alert); // the existing Flag names the client
    await eventually(() => env.outcomes.length === 3, 'the third outcome');

    const outcomes = await env.outcomeEvents();
    expect(outcomes.map((o) => o.status)).toEqual(['CREATED', 'ALREADY_EXISTS', 'ALREADY_EXISTS']);
    expect(new Set(outcomes.map((o) => o.resourceRef)).size).toBe(1);
    expect(new Set(outcomes.map((o) => o.provenanceRef)).size).toBe(1);
    expect(await byAlert('Flag', alert.alertId)).toHaveLength(1);
    expect(await byAlert('Task', alert.alertId)).toHaveLength(1);
    const flagRef = outcomes[0]!.resourceRef!;
    expect(await fhir.search('Provenance', { target: flagRef })).toHaveLength(1);
    expect(env.dlq).toEqual([]);
  });

  it('a non-interrupting alert is a Flag only, with its evidence on the Flag', async () => {
    const env = await setup();
    const alert = riskAlert({ severity: 'MODERATE', interrupting: false, trigger: 'TEXT_SIGNAL' });
    await putVault(env.vault, alert.taskId);
    await env.publish(alert);
    await eventually(() => env.outcomes.length === 1, 'the outcome');

    const [flag] = await byAlert<Flag>('Flag', alert.alertId);
    expect(flag!.code.text).toMatch(/^Moderate risk: /);
    expect(flag!.extension?.map((e) => e.valueString)).toContain(
      `"${averyName} said she thinks about not waking up" (notes[0].text)`,
    );
    expect(await byAlert('Task', alert.alertId)).toEqual([]);
    const [prov] = await fhir.search<Provenance>('Provenance', { target: `Flag/${flag!.id}` });
    expect(prov!.target).toEqual([{ reference: `Flag/${flag!.id}` }]);
    expectValid(flag!);
  });

  it('an alert after the vault purge finds its client through the task draft; tokens stay listed', async () => {
    const env = await setup();
    const alert = riskAlert({
      severity: 'MODERATE',
      trigger: 'CSSRS_MODERATE',
      subjectRef: expectedSubjectRef('t1', jordan.patientId),
    });
    // The draft of the same task, written earlier for another client than the default fixtures use.
    await fhir.create({
      resourceType: 'DocumentReference',
      identifier: [{ system: 'urn:carerelay:task', value: alert.taskId }],
      status: 'current',
      docStatus: 'preliminary',
      subject: { reference: `Patient/${jordan.patientId}` },
      content: [{ attachment: { contentType: 'text/plain', data: 'ZHJhZnQ=' } }],
    });
    await env.publish(alert);
    await eventually(() => env.outcomes.length === 1, 'the outcome');

    const [flag] = await byAlert<Flag>('Flag', alert.alertId);
    const [task] = await byAlert<Task>('Task', alert.alertId);
    expect(flag!.subject.reference).toBe(`Patient/${jordan.patientId}`);
    expect(task!.for?.reference).toBe(`Patient/${jordan.patientId}`);
    expect(task!.priority).toBe('urgent');
    expect(task!.description).toContain('"[CLIENT] said she thinks about not waking up"');
    expect(task!.description).toContain('Unresolved tokens (left as written): [CLIENT]');
    expect(
      flag!.extension?.filter((e) => e.url.endsWith('unresolved-token')).map((e) => e.valueString),
    ).toEqual(['[CLIENT]']);
    const [outcome] = await env.outcomeEvents();
    expect(outcome).toMatchObject({ clientId: jordan.patientId, status: 'CREATED' });
  });

  it('an alert whose client nothing names goes to the DLQ as WRITEBACK_SUBJECT_UNKNOWN, audited', async () => {
    const env = await setup();
    const alert = riskAlert();
    await env.publish(alert);
    await eventually(() => env.dlq.length === 1, 'the alert in the DLQ');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('WRITEBACK_SUBJECT_UNKNOWN');
    // Its own consumer group, derived from the service's: alerts never share offsets with drafts.
    expect(env.dlq[0]!.headers[DLQ_HEADERS.groupId]).toBe('writeback.risk-alert');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('1');
    expect(env.outcomes).toEqual([]);
    expect(await byAlert('Flag', alert.alertId)).toEqual([]);
    await eventually(() => env.audits.length >= 2, 'audit events');
    const audits = await env.auditEvents();
    expect(audits.map((a) => `${a.action}:${a.outcome}:${a.reasonCode}`)).toEqual([
      'ALERT_RAISED:FAILURE:WRITEBACK_SUBJECT_UNKNOWN',
      'TASK_DEAD_LETTERED:FAILURE:WRITEBACK_SUBJECT_UNKNOWN',
    ]);
    expect(audits.every((a) => a.taskId === alert.taskId)).toBe(true);
  });

  it('an EHR that rejects the write (4xx) sends the alert to the DLQ with its cause, at once', async () => {
    // The read-only SMART client: searches succeed, every create is refused by the EHR (403).
    const env = await setup(sandboxFhirClient(sandbox, { client: 'readOnly' }));
    const alert = riskAlert();
    await putVault(env.vault, alert.taskId);
    await env.publish(alert);
    await eventually(() => env.dlq.length === 1, 'the alert in the DLQ');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorCode]).toBe('EHR_REQUEST_REJECTED');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.errorMessage]).toContain('403');
    expect(env.dlq[0]!.headers[DLQ_HEADERS.attempts]).toBe('1');
    expect(await byAlert('Flag', alert.alertId)).toEqual([]);
    expect(env.outcomes).toEqual([]);
  });

  it('an EHR that is unavailable (5xx) is retried and still writes one Flag and one Task', async () => {
    let failures = 2;
    const flaky: WritebackOptions['fhir'] = {
      search: (type, params) => fhir.search(type, params),
      createIfNoneExist: (resource, query) =>
        failures-- > 0
          ? Promise.reject(
              new CareRelayError('EHR_UNAVAILABLE', 'create failed with 503', { retryable: true }),
            )
          : fhir.createIfNoneExist(resource, query),
    };
    const env = await setup(flaky);
    const alert = riskAlert();
    await putVault(env.vault, alert.taskId);
    await env.publish(alert);
    await eventually(() => env.outcomes.length === 1, 'the outcome after retries');
    expect(env.dlq).toEqual([]);
    expect(await byAlert('Flag', alert.alertId)).toHaveLength(1);
    expect(await byAlert('Task', alert.alertId)).toHaveLength(1);
  });
});
