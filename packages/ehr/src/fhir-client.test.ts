import type { DocumentReference, Encounter } from '@medplum/fhirtypes';
import { CareRelayError } from '@carerelay/errors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from './sandbox/index.js';
import { FhirClient } from './fhir-client.js';
import { SmartBackendAuth } from './smart-auth.js';

let sandbox: SandboxEhr;
let fhir: FhirClient;
const { avery } = SANDBOX_CLIENTS;
const TASK_SYSTEM = 'urn:carerelay:task';

async function failure(promise: Promise<unknown>): Promise<CareRelayError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CareRelayError);
  return err as CareRelayError;
}

function draft(taskId: string): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    identifier: [{ system: TASK_SYSTEM, value: taskId }],
    status: 'current',
    docStatus: 'preliminary',
    type: { coding: [{ system: 'http://loinc.org', code: '34904-3' }] },
    subject: { reference: `Patient/${avery.patientId}` },
    content: [
      {
        attachment: { contentType: 'text/plain', data: Buffer.from('AI-Assisted Draft').toString('base64') },
      },
    ],
  };
}

beforeAll(async () => {
  sandbox = await startSandboxEhr();
  fhir = sandboxFhirClient(sandbox, { client: 'es384' });
});

afterAll(async () => {
  await sandbox.stop();
});

describe('FhirClient', () => {
  it('conditional create with the same identifier twice yields one resource', async () => {
    const ifNoneExist = `identifier=${TASK_SYSTEM}|task-123`;
    const first = await fhir.createIfNoneExist(draft('task-123'), ifNoneExist);
    const second = await fhir.createIfNoneExist(draft('task-123'), ifNoneExist);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.resource.id).toBe(first.resource.id);
    const found = await fhir.search<DocumentReference>('DocumentReference', {
      identifier: `${TASK_SYSTEM}|task-123`,
    });
    expect(found).toHaveLength(1);
  });

  it('updating a final (signed) DocumentReference fails with non-retryable EHR_SIGNED_RECORD', async () => {
    const signed = await fhir.read<DocumentReference>('DocumentReference', avery.noteIds[0]);
    const err = await failure(fhir.update({ ...signed, description: 'edited' }));
    expect(err.code).toBe('EHR_SIGNED_RECORD');
    expect(err.retryable).toBe(false);
  });

  it('a preliminary draft can be updated', async () => {
    const created = await fhir.create(draft('task-upd'));
    const updated = await fhir.update({ ...created, description: 'revised draft' });
    expect(updated.description).toBe('revised draft');
    expect(updated.meta?.versionId).not.toBe(created.meta?.versionId);
  });

  it('search follows next links across pages', async () => {
    const encounters = await fhir.search<Encounter>('Encounter', { patient: avery.patientId, _count: '1' });
    expect(encounters.map((e) => e.id).sort()).toEqual(Object.values(avery.encounterIds).sort());
  });

  it('search stops after maxPages', async () => {
    const bounded = new FhirClient({
      baseUrl: sandbox.baseUrl,
      auth: { getToken: () => fhirToken() },
      maxPages: 2,
    });
    const encounters = await bounded.search<Encounter>('Encounter', {
      patient: avery.patientId,
      _count: '1',
    });
    expect(encounters).toHaveLength(2);
  });

  it('a 4xx is a non-retryable EHR_REQUEST_REJECTED with the status and no resource id in the message', async () => {
    const err = await failure(fhir.read('Patient', 'no-such-patient-4711'));
    expect(err.code).toBe('EHR_REQUEST_REJECTED');
    expect(err.retryable).toBe(false);
    expect(err.details['status']).toBe(404);
    expect(err.message).not.toContain('4711');
  });

  it('a 5xx is a retryable EHR_UNAVAILABLE and the body never reaches the message', async () => {
    const failing = new FhirClient({
      baseUrl: sandbox.baseUrl,
      auth: { getToken: () => Promise.resolve('t') },
      fetch: () => Promise.resolve(new Response('{"name":"Avery Lindqvist"}', { status: 502 })),
    });
    const err = await failure(failing.read('Patient', avery.patientId));
    expect(err.code).toBe('EHR_UNAVAILABLE');
    expect(err.retryable).toBe(true);
    expect(err.message).not.toContain('Avery');
  });

  it('a network failure or timeout is a retryable EHR_UNAVAILABLE', async () => {
    const unreachable = new FhirClient({
      baseUrl: 'http://127.0.0.1:1/fhir/R4',
      auth: { getToken: () => Promise.resolve('t') },
      timeoutMs: 2_000,
    });
    const err = await failure(unreachable.read('Patient', avery.patientId));
    expect(err.code).toBe('EHR_UNAVAILABLE');
    expect(err.retryable).toBe(true);
  });
});

async function fhirToken(): Promise<string> {
  const client = sandbox.clients.readOnly;
  return new SmartBackendAuth({
    clientId: client.clientId,
    privateJwk: client.privateJwk,
    fhirBaseUrl: sandbox.baseUrl,
  }).getToken('system/*.read');
}
