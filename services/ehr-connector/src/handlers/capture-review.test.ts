import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { LocalKeyProvider } from '@carerelay/crypto';
import { FhirAdapter, readSignedNote, type FhirClient } from '@carerelay/ehr';
import {
  SANDBOX_CLIENTS,
  SANDBOX_PRACTITIONERS,
  sandboxFhirClient,
  startSandboxEhr,
  type SandboxEhr,
} from '@carerelay/ehr/sandbox';
import {
  AvroSerde,
  InMemorySchemaStore,
  auditEventTopic,
  ehrChangeTopic,
  reviewOutcomeTopic,
  type AuditEvent,
  type EhrChange,
  type ReviewOutcome,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import type { ServiceApp } from '@carerelay/runtime';
import { createEhrConnectorApp } from '../app.js';
import { FhirChangePoller, InMemoryCursorStore } from '../ingress/change-poller.js';

const serde = new AvroSerde(new InMemorySchemaStore());
const logger = createLogger({ service: 'test', level: 'silent' });
const { avery } = SANDBOX_CLIENTS;
const therapist = SANDBOX_PRACTITIONERS.therapist.id;

const SECTIONS = {
  Subjective: `${avery.given} ${avery.family} reports sleeping six hours most nights.`,
  Objective: 'PHQ-9 11. Calm, engaged, good eye contact.',
  Assessment: 'Depressive symptoms improving with behavioral activation.',
  Plan: 'Continue weekly CBT; review sleep diary next session.',
};
const render = (sections: Record<string, string>, header = true): string =>
  [
    ...(header ? ['AI-Assisted Draft — review and sign', 'Model: AZURE_OPENAI/notes/2024-08-06', ''] : []),
    ...Object.entries(sections).map(([k, v]) => `${k}: ${v}`),
  ].join('\n');
type DocumentReference = Extract<Parameters<FhirClient['create']>[0], { resourceType: 'DocumentReference' }>;
const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

/**
 * Review capture: the clinician signs a note that started as a CareRelay draft → one
 * review.outcome.v1 with the edit metrics, hashes only, and a DRAFT_REVIEWED audit.
 */
describe('review capture on note signed (sandbox EHR)', () => {
  let sandbox: SandboxEhr;
  let fhir: FhirClient;
  let bus: EmbeddedBus;
  let app: ServiceApp;

  beforeAll(async () => {
    sandbox = await startSandboxEhr();
    fhir = sandboxFhirClient(sandbox);
    bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    app = createEhrConnectorApp(
      { bus, logger, concurrency: 1 },
      {
        adapter: new FhirAdapter(fhir),
        signedNote: (id) => readSignedNote(fhir, id),
        keys: LocalKeyProvider.ephemeral(),
        noteFormat: 'soap_note',
        maxAttempts: 2,
        retryInitialMs: 10,
      },
    );
    await app.start();
  }, 60_000);
  afterAll(async () => {
    await app.stop();
    await bus.shutdown();
    await sandbox.stop();
  });

  async function writeDraft(taskId: string): Promise<DocumentReference> {
    const doc = await fhir.create<DocumentReference>({
      resourceType: 'DocumentReference',
      identifier: [{ system: 'urn:carerelay:task', value: taskId }],
      status: 'current',
      docStatus: 'preliminary',
      subject: { reference: `Patient/${avery.patientId}` },
      date: new Date().toISOString(),
      content: [{ attachment: { contentType: 'text/plain', data: b64(render(SECTIONS)) } }],
    });
    await fhir.create({
      resourceType: 'Provenance',
      meta: { tag: [{ system: 'urn:carerelay:task', code: taskId }] },
      target: [{ reference: `DocumentReference/${doc.id}` }],
      recorded: new Date().toISOString(),
      agent: [{ who: { display: 'AZURE_OPENAI/notes/2024-08-06' } }],
      entity: [
        {
          role: 'derivation',
          what: {
            identifier: {
              system: 'urn:carerelay:prompt-template',
              value: `soap_note@1.2.0#${'c'.repeat(64)}`,
            },
          },
        },
      ],
    });
    return doc;
  }

  const signedChange = (documentId: string): EhrChange => ({
    eventId: randomUUID(),
    tenantId: 't1',
    clientId: avery.patientId,
    changeType: 'NOTE_SIGNED',
    source: 'POLL',
    vendor: 'fhir-r4',
    resourceType: 'DocumentReference',
    resourceId: documentId,
    resourceVersion: null,
    encounterId: null,
    actorUserId: therapist,
    occurredAt: Date.now(),
    receivedAt: Date.now(),
    requestedUseCase: null,
    actorRole: null,
    redraft: false,
  });

  it(
    'the draft signed in place with the Plan rewritten: one outcome naming Plan, metrics and hashes only',
    { timeout: 20_000 },
    async () => {
      const reviews = await collectRaw(bus, reviewOutcomeTopic.name);
      const audits = await collectRaw(bus, auditEventTopic.name);
      const taskId = randomUUID();
      const draft = await writeDraft(taskId);
      const finalSections = { ...SECTIONS, Plan: 'Start sleep restriction; weekly CBT; sleep diary.' };
      const startedAt = Date.now();
      // The clinician removes the draft label, edits the plan and signs.
      const signed = await fhir.update({
        ...draft,
        docStatus: 'final',
        authenticator: { reference: `Practitioner/${therapist}` },
        content: [{ attachment: { contentType: 'text/plain', data: b64(render(finalSections, false)) } }],
      });
      const change = signedChange(draft.id!);
      // The same signing reported twice with different event ids (a poll and a vendor webhook).
      const webhook: EhrChange = { ...signedChange(draft.id!), source: 'WEBHOOK', vendor: 'acme-ehr' };
      await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: change });
      await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: webhook });
      const ours = async (): Promise<ReviewOutcome[]> =>
        (await Promise.all(reviews.records.map((r) => serde.decode(reviewOutcomeTopic, r.value!)))).filter(
          (o) => o.taskId === taskId,
        );
      for (let i = 0; i < 100 && (await ours()).length < 2; i += 1)
        await new Promise((r) => setTimeout(r, 50));
      const [first, second] = await ours();
      expect(second).toEqual(first); // same event id whatever reported it: the audit store keeps one
      expect(first).toMatchObject<Partial<ReviewOutcome>>({
        taskId,
        clientId: avery.patientId,
        useCase: 'soap_note',
        reviewerUserId: therapist,
        sectionsTotal: 4,
        sectionsChanged: ['Plan'],
        templateId: 'soap_note',
        templateVersion: '1.2.0',
      });
      expect(first!.documentRef).toMatch(new RegExp(`^DocumentReference/${draft.id}/_history/[^/]+$`));
      expect(first!.normalizedEditDistance).toBeGreaterThan(0);
      expect(first!.normalizedEditDistance).toBeLessThan(0.3);
      expect(first!.draftSha256).not.toBe(first!.finalSha256);
      // No text of the note, and not the client's name, in the event's bytes.
      const bytes = Buffer.concat(reviews.records.map((r) => r.value!)).toString('latin1');
      for (const text of [avery.family, 'sleep restriction', 'behavioral activation']) {
        expect(bytes).not.toContain(text);
      }
      const reviewedAudits = async (): Promise<AuditEvent[]> =>
        (await Promise.all(audits.records.map((r) => serde.decode(auditEventTopic, r.value!)))).filter(
          (a) => a.action === 'DRAFT_REVIEWED' && a.taskId === taskId,
        );
      for (let i = 0; i < 100 && (await reviewedAudits()).length < 2; i += 1)
        await new Promise((r) => setTimeout(r, 50));
      const reviewed = await reviewedAudits();
      expect(reviewed[0]).toMatchObject({
        useCase: 'soap_note',
        counts: { sectionsChanged: 1, sectionsTotal: 4 },
        // The EHR's signing time is a claim kept apart; the event's time is CareRelay's clock.
        ehrOccurredAt: Date.parse(signed.meta!.lastUpdated!),
      });
      expect(reviewed[0]!.occurredAt).toBeGreaterThanOrEqual(startedAt);
      expect(reviewed[0]!.occurredAt).toBeLessThanOrEqual(Date.now());
      // The second report repeats the audit event's id: the audit store keeps one per (tenant, eventId).
      expect(reviewed).toHaveLength(2);
      expect(reviewed[1]!.eventId).toBe(reviewed[0]!.eventId);

      // Both deliveries read the note's text from the EHR: each read is a PHI_ACCESS.
      const accesses = (
        await Promise.all(audits.records.map((r) => serde.decode(auditEventTopic, r.value!)))
      ).filter(
        // (The planner's read for the coding task is a PHI_ACCESS too, for TREATMENT.)
        (a) =>
          a.action === 'PHI_ACCESS' &&
          [change.eventId, webhook.eventId].includes(a.correlationId ?? '') &&
          a.purposeOfUse === 'OPERATIONS',
      );
      expect(accesses).toHaveLength(2);
      for (const access of accesses) {
        expect(access).toMatchObject<Partial<AuditEvent>>({
          tenantId: 't1',
          outcome: 'SUCCESS',
          clientId: avery.patientId,
          taskId,
          purposeOfUse: 'OPERATIONS',
          actor: { service: 'ehr-connector', userId: therapist, role: null },
        });
      }
    },
  );

  it(
    'a new signed note that relatesTo the draft, unchanged but for the label: distance 0, no section changed',
    { timeout: 20_000 },
    async () => {
      const reviews = await collectRaw(bus, reviewOutcomeTopic.name);
      const taskId = randomUUID();
      const draft = await writeDraft(taskId);
      const signed = await fhir.create<DocumentReference>({
        resourceType: 'DocumentReference',
        status: 'current',
        docStatus: 'final',
        subject: { reference: `Patient/${avery.patientId}` },
        author: [{ reference: `Practitioner/${therapist}` }],
        relatesTo: [{ code: 'transforms', target: { reference: `DocumentReference/${draft.id}` } }],
        content: [{ attachment: { contentType: 'text/plain', data: b64(render(SECTIONS, false)) } }],
      });
      const before = reviews.records.length;
      await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: signedChange(signed.id!) });
      await eventually(() => reviews.records.length === before + 1, 'the review outcome');
      const outcome = await serde.decode(reviewOutcomeTopic, reviews.records.at(-1)!.value!);
      expect(outcome).toMatchObject({
        taskId,
        normalizedEditDistance: 0,
        sectionsChanged: [],
        sectionsTotal: 4,
      });
    },
  );

  it('a signed note CareRelay did not draft gives no review outcome', { timeout: 20_000 }, async () => {
    const reviews = await collectRaw(bus, reviewOutcomeTopic.name);
    const signed = await fhir.create<DocumentReference>({
      resourceType: 'DocumentReference',
      status: 'current',
      docStatus: 'final',
      subject: { reference: `Patient/${avery.patientId}` },
      content: [{ attachment: { contentType: 'text/plain', data: b64(render(SECTIONS, false)) } }],
    });
    const audits = await collectRaw(bus, auditEventTopic.name);
    const [reviewsBefore, auditsBefore] = [reviews.records.length, audits.records.length];
    const change = signedChange(signed.id!);
    await bus.publish(ehrChangeTopic, { key: `t1:${avery.patientId}`, value: change });
    // The coding task's policy decision is audited once the change has been handled.
    await eventually(() => audits.records.length > auditsBefore, 'the change handled');
    expect(reviews.records.length).toBe(reviewsBefore);
    // The signed note was still read to find out: that read is audited.
    const accesses = async (): Promise<AuditEvent[]> =>
      (await Promise.all(audits.records.map((r) => serde.decode(auditEventTopic, r.value!)))).filter(
        (a) =>
          a.action === 'PHI_ACCESS' && a.correlationId === change.eventId && a.purposeOfUse === 'OPERATIONS',
      );
    await eventually(async () => (await accesses()).length > 0, 'the read of the signed note audited');
    expect(await accesses()).toMatchObject([{ clientId: avery.patientId, taskId: null, outcome: 'SUCCESS' }]);
  });

  it(
    'the poller reports a signed draft as NOTE_SIGNED, and not the preliminary draft itself',
    { timeout: 20_000 },
    async () => {
      const published: EhrChange[] = [];
      const poller = new FhirChangePoller({
        fhir,
        cursors: new InMemoryCursorStore(),
        tenantId: 't1',
        vendor: 'fhir-r4',
        logger,
        publish: (c) => {
          published.push(c);
          return Promise.resolve();
        },
      });
      await poller.pollOnce();
      await new Promise((r) => setTimeout(r, 20));
      const draft = await writeDraft(randomUUID());
      await poller.pollOnce();
      expect(published.filter((c) => c.resourceId === draft.id)).toEqual([]);
      await fhir.update({
        ...draft,
        docStatus: 'final',
        authenticator: { reference: `Practitioner/${therapist}` },
      });
      await poller.pollOnce();
      expect(published.filter((c) => c.resourceId === draft.id)).toMatchObject([
        { changeType: 'NOTE_SIGNED', resourceType: 'DocumentReference', actorUserId: therapist },
      ]);
    },
  );
});
