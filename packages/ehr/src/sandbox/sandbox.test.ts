import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  Bundle,
  DocumentReference,
  Encounter,
  OperationOutcome,
  Parameters,
  Patient,
} from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CLIENTS } from './seed/index.js';
import { startSandboxEhr, type SandboxEhr } from './server.js';
import { fetchSandboxToken } from './token.js';

const FULL = 'system/*.read system/*.write';
let sandbox: SandboxEhr;
let token: string;

async function fhir<T = unknown>(
  path: string,
  init: RequestInit & { token?: string | null } = {},
): Promise<{ status: number; body: T }> {
  const auth = init.token === null ? undefined : (init.token ?? token);
  const response = await fetch(`${sandbox.baseUrl}/${path}`, {
    ...init,
    headers: {
      'content-type': 'application/fhir+json',
      ...(auth ? { authorization: `Bearer ${auth}` } : {}),
    },
  });
  return { status: response.status, body: (await response.json()) as T };
}

beforeAll(async () => {
  sandbox = await startSandboxEhr();
  token = (await fetchSandboxToken(sandbox, sandbox.clients.rs384.clientId, FULL)).accessToken;
});

afterAll(async () => {
  await sandbox.stop();
});

describe('sandbox EHR: startup and SMART Backend Services auth', () => {
  // Start-up time is a figure for benchmarks, not a test assertion (it varies with machine load).
  it('listens on a loopback port', () => {
    expect(sandbox.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/fhir\/R4$/);
  });

  it('serves a public CapabilityStatement that names the token endpoint', async () => {
    const { status, body } = await fhir<{ resourceType: string; fhirVersion: string }>('metadata', {
      token: null,
    });
    expect(status).toBe(200);
    expect(body.resourceType).toBe('CapabilityStatement');
    expect(body.fhirVersion).toBe('4.0.1');
    expect(JSON.stringify(body)).toContain(sandbox.tokenEndpoint);
  });

  it('issues a JWT access token to the RS384 client with the requested scopes', async () => {
    const issued = await fetchSandboxToken(sandbox, sandbox.clients.rs384.clientId, 'system/Patient.read');
    expect(issued.accessToken.split('.')).toHaveLength(3);
    expect(issued.scope).toBe('system/Patient.read');
    const { status } = await fhir(`Patient/${SANDBOX_CLIENTS.avery.patientId}`, {
      token: issued.accessToken,
    });
    expect(status).toBe(200);
  });

  it('issues a working token to the ES384 client', async () => {
    const issued = await fetchSandboxToken(
      sandbox,
      sandbox.clients.es384.clientId,
      'system/DocumentReference.write system/Patient.read',
    );
    const { status, body } = await fhir<Patient>(`Patient/${SANDBOX_CLIENTS.jordan.patientId}`, {
      token: issued.accessToken,
    });
    expect(status).toBe(200);
    expect(body.name?.[0]?.family).toBe('Okafor-Reyes');
  });

  it('refuses a client assertion signed with a key the client did not register', async () => {
    const impostor = {
      ...sandbox,
      clients: {
        ...sandbox.clients,
        rs384: { ...sandbox.clients.readOnly, clientId: sandbox.clients.rs384.clientId },
      },
    };
    await expect(fetchSandboxToken(impostor, sandbox.clients.rs384.clientId, FULL)).rejects.toThrow(
      /invalid_client/,
    );
  });

  it('answers 401 with an OperationOutcome when no or a forged token is sent', async () => {
    const none = await fhir<OperationOutcome>('Patient', { token: null });
    expect(none.status).toBe(401);
    expect(none.body.resourceType).toBe('OperationOutcome');
    const forged = await fhir('Patient', { token: `${token.slice(0, -4)}AAAA` });
    expect(forged.status).toBe(401);
  });

  it('answers 403 when the token lacks the scope for the resource type or action', async () => {
    const patientOnly = (
      await fetchSandboxToken(sandbox, sandbox.clients.rs384.clientId, 'system/Patient.read')
    ).accessToken;
    expect((await fhir('Encounter', { token: patientOnly })).status).toBe(403);
    const write = await fhir('Patient', {
      token: patientOnly,
      method: 'POST',
      body: JSON.stringify({ resourceType: 'Patient' }),
    });
    expect(write.status).toBe(403);
  });

  it('refuses a transaction when any entry is outside the token scopes', async () => {
    const notesOnly = (
      await fetchSandboxToken(sandbox, sandbox.clients.es384.clientId, 'system/DocumentReference.write')
    ).accessToken;
    const transaction = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          request: { method: 'POST', url: 'DocumentReference' },
          resource: { resourceType: 'DocumentReference', status: 'current', content: [] },
        },
        { request: { method: 'POST', url: 'Patient' }, resource: { resourceType: 'Patient' } },
      ],
    };
    const { status } = await fhir('', {
      token: notesOnly,
      method: 'POST',
      body: JSON.stringify(transaction),
    });
    expect(status).toBe(403);
  });

  it('never grants a read-only client write scopes', async () => {
    await expect(
      fetchSandboxToken(sandbox, sandbox.clients.readOnly.clientId, 'system/DocumentReference.write'),
    ).rejects.toThrow(/invalid_scope/);
  });
});

describe('sandbox EHR: seeded data', () => {
  it('finds a seeded client by name', async () => {
    const { body } = await fhir<Bundle<Patient>>('Patient?name=Lindqvist');
    expect(body.entry?.map((e) => e.resource?.id)).toEqual([SANDBOX_CLIENTS.avery.patientId]);
  });

  it("lists a client's finished encounters, including the 53-minute session", async () => {
    const { body } = await fhir<Bundle<Encounter>>(
      `Encounter?patient=Patient/${SANDBOX_CLIENTS.avery.patientId}&status=finished`,
    );
    const ids = body.entry?.map((e) => e.resource?.id).sort();
    expect(ids).toEqual(
      [SANDBOX_CLIENTS.avery.encounterIds.intake, SANDBOX_CLIENTS.avery.encounterIds.session53].sort(),
    );
    const session = body.entry?.find(
      (e) => e.resource?.id === SANDBOX_CLIENTS.avery.encounterIds.session53,
    )?.resource;
    const minutes =
      (Date.parse(session?.period?.end ?? '') - Date.parse(session?.period?.start ?? '')) / 60_000;
    expect(minutes).toBe(53);
  });

  it('accepts a bare patient id in reference searches', async () => {
    const { body } = await fhir<Bundle>(
      `Encounter?patient=${SANDBOX_CLIENTS.jordan.patientId}&status=finished`,
    );
    expect(body.entry).toHaveLength(2);
  });

  it('pages search results with next links until every match is seen', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${sandbox.baseUrl}/Encounter?_count=2&_sort=_lastUpdated`;
    while (next) {
      const page: Response = await fetch(next, { headers: { authorization: `Bearer ${token}` } });
      const bundle = (await page.json()) as Bundle;
      seen.push(...(bundle.entry ?? []).map((e) => e.fullUrl ?? ''));
      next = bundle.link?.find((l) => l.relation === 'next')?.url;
    }
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
    expect(seen).toContain(`${sandbox.baseUrl}/Encounter/${SANDBOX_CLIENTS.avery.encounterIds.session53}`);
  });

  it('finds PHQ-9 totals by LOINC code', async () => {
    const { body } = await fhir<Bundle>('Observation?code=44261-6');
    expect(body.entry).toHaveLength(3);
  });
});

describe('sandbox EHR: changes', () => {
  it('returns only resources changed after a _lastUpdated cursor', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const cursor = new Date().toISOString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // A stale client-supplied timestamp must not hide the write from the poll.
    const stale = {
      resourceType: 'Patient',
      meta: { lastUpdated: '2020-01-01T00:00:00Z' },
      name: [{ family: 'Cursor' }],
    };
    const created = await fhir<Patient>('Patient', { method: 'POST', body: JSON.stringify(stale) });
    expect(created.status).toBe(201);
    const { body } = await fhir<Bundle>(`Patient?_lastUpdated=gt${encodeURIComponent(cursor)}`);
    expect(body.entry?.map((e) => e.resource?.id)).toEqual([created.body.id]);
  });

  it('notifies a rest-hook subscriber when a matching Encounter is finished', async () => {
    const received: Bundle[] = [];
    const listener: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Bundle);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const endpoint = `http://127.0.0.1:${(listener.address() as AddressInfo).port}/hook`;
    try {
      const sub = await fhir<{ status: string }>('Subscription', {
        method: 'POST',
        body: JSON.stringify({
          resourceType: 'Subscription',
          status: 'requested',
          reason: 'session ended',
          criteria: 'Encounter?status=finished',
          channel: { type: 'rest-hook', endpoint, payload: 'application/fhir+json' },
        }),
      });
      expect(sub.status).toBe(201);
      expect(sub.body.status).toBe('active');

      const encId = SANDBOX_CLIENTS.avery.encounterIds.open;
      const open = await fhir<Encounter>(`Encounter/${encId}`);
      // A change that still does not match (in progress) must not be announced.
      const stillOpen = {
        ...open.body,
        participant: [...(open.body.participant ?? []), { individual: { display: 'observer' } }],
      };
      expect(
        (await fhir(`Encounter/${encId}`, { method: 'PUT', body: JSON.stringify(stillOpen) })).status,
      ).toBe(200);
      const finished = {
        ...open.body,
        status: 'finished',
        period: { start: open.body.period?.start, end: '2025-09-30T14:51:00-04:00' },
      };
      expect(
        (await fhir(`Encounter/${encId}`, { method: 'PUT', body: JSON.stringify(finished) })).status,
      ).toBe(200);

      await expect.poll(() => received.length, { timeout: 3_000 }).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toHaveLength(1);
      const status = received[0]?.entry?.[0]?.resource as Parameters;
      expect(status.parameter?.find((p) => p.name === 'type')?.valueCode).toBe('event-notification');
      expect(received[0]?.entry?.[1]?.resource).toMatchObject({
        resourceType: 'Encounter',
        id: encId,
        status: 'finished',
      });
    } finally {
      listener.close();
    }
  });

  it('refuses a subscription whose channel it cannot deliver to', async () => {
    const body = {
      resourceType: 'Subscription',
      status: 'requested',
      reason: 'x',
      criteria: 'Communication',
      channel: { type: 'email', endpoint: 'mailto:a@example.org' },
    };
    const { status } = await fhir('Subscription', { method: 'POST', body: JSON.stringify(body) });
    expect(status).toBe(400);
  });
});

describe('sandbox EHR: signed records are read-only', () => {
  const noteId = SANDBOX_CLIENTS.avery.noteIds[0];

  it('refuses to update a final DocumentReference and leaves it unchanged', async () => {
    const before = await fhir<DocumentReference>(`DocumentReference/${noteId}`);
    const edited = { ...before.body, description: 'edited by the product' };
    const put = await fhir<OperationOutcome>(`DocumentReference/${noteId}`, {
      method: 'PUT',
      body: JSON.stringify(edited),
    });
    expect(put.status).toBe(422);
    expect(put.body.issue?.[0]?.details?.text).toBe('signed record is read-only');
    const after = await fhir<DocumentReference>(`DocumentReference/${noteId}`);
    expect(after.body.description).toBe(before.body.description);
    expect(after.body.meta?.versionId).toBe(before.body.meta?.versionId);
  });

  it('refuses a PATCH of an active CarePlan', async () => {
    const patch = await fetch(`${sandbox.baseUrl}/CarePlan/${SANDBOX_CLIENTS.avery.carePlanId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json-patch+json' },
      body: JSON.stringify([{ op: 'replace', path: '/title', value: 'changed' }]),
    });
    expect(patch.status).toBe(422);
  });

  it('accepts a new preliminary DocumentReference draft', async () => {
    const draft: DocumentReference = {
      resourceType: 'DocumentReference',
      status: 'current',
      docStatus: 'preliminary',
      subject: { reference: `Patient/${SANDBOX_CLIENTS.avery.patientId}` },
      content: [
        { attachment: { contentType: 'text/plain', data: Buffer.from('S: draft').toString('base64') } },
      ],
    };
    const created = await fhir<DocumentReference>('DocumentReference', {
      method: 'POST',
      body: JSON.stringify(draft),
    });
    expect(created.status).toBe(201);
    expect(created.body.docStatus).toBe('preliminary');
    const found = await fhir<Bundle>(
      `DocumentReference?docStatus=preliminary&patient=${SANDBOX_CLIENTS.avery.patientId}`,
    );
    expect(found.body.entry?.map((e) => e.resource?.id)).toEqual([created.body.id]);
  });
});
