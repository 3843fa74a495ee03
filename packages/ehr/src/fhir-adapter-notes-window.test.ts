import type { Bundle, DocumentReference, Patient } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACT_CODE_SYSTEM,
  CARERELAY_DOCUMENT_TYPE_SYSTEM,
  specOf,
  SUD_COUNSELING_NOTE_TYPE,
} from '@carerelay/policy';
import { sandboxFhirClient, startSandboxEhr, type SandboxEhr } from './sandbox/index.js';
import { FhirAdapter } from './fhir-adapter.js';
import { FhirClient } from './fhir-client.js';
import { SmartBackendAuth } from './smart-auth.js';

const DAY_MS = 86_400_000;
/** Weekly signed notes over 18 months: 2, 9, 16 … 541 days ago; 52 of them in the last 365 days. */
const WEEKLY_DAYS_AGO = Array.from({ length: 78 }, (_, k) => 2 + 7 * k);
const IN_WINDOW = WEEKLY_DAYS_AGO.filter((d) => d < 365);

let sandbox: SandboxEhr;
/** DocumentReference entries the EHR answered, across every page: what crossed the wire. */
const notesOnWire: DocumentReference[] = [];
let adapter: FhirAdapter;
let patientId: string;
const now = new Date();
const since = new Date(now.getTime() - 365 * DAY_MS).toISOString().slice(0, 10);

const daysAgo = (d: number): string => new Date(now.getTime() - d * DAY_MS).toISOString();

function note(
  day: number,
  extra: Partial<DocumentReference> = {},
  text = `weekly session, ${day} days ago`,
): DocumentReference {
  return {
    resourceType: 'DocumentReference',
    status: 'current',
    docStatus: 'final',
    type: { coding: [{ system: 'http://loinc.org', code: '34904-3' }] },
    subject: { reference: `Patient/${patientId}` },
    date: daysAgo(day),
    content: [{ attachment: { contentType: 'text/plain', data: Buffer.from(text).toString('base64') } }],
    ...extra,
  };
}

beforeAll(async () => {
  sandbox = await startSandboxEhr();
  const seed = sandboxFhirClient(sandbox);
  patientId =
    (await seed.create<Patient>({ resourceType: 'Patient', name: [{ family: 'Window' }] })).id ?? '';
  for (const day of WEEKLY_DAYS_AGO) await seed.create(note(day));
  // In the window but never a prior note: a psychotherapy note, an SUD counseling note, an unsigned draft.
  await seed.create(note(20, { meta: { security: [{ system: ACT_CODE_SYSTEM, code: 'PSY' }] } }, 'process'));
  await seed.create(
    note(30, {
      type: {
        coding: [
          { system: 'http://loinc.org', code: '11506-3' },
          { system: CARERELAY_DOCUMENT_TYPE_SYSTEM, code: SUD_COUNSELING_NOTE_TYPE },
        ],
      },
    }),
  );
  await seed.create(note(1, { docStatus: 'preliminary' }));
  // Outside the window: not read at all, so not counted either.
  await seed.create(note(400, { meta: { security: [{ system: ACT_CODE_SYSTEM, code: 'PSY' }] } }));

  const client = sandbox.clients.rs384;
  const observed: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (new URL(url).pathname.endsWith('/DocumentReference')) {
      const bundle = (await response.clone().json()) as Bundle<DocumentReference>;
      notesOnWire.push(...(bundle.entry ?? []).flatMap((e) => (e.resource ? [e.resource] : [])));
    }
    return response;
  };
  const fhir = new FhirClient({
    baseUrl: sandbox.baseUrl,
    auth: new SmartBackendAuth({
      clientId: client.clientId,
      privateJwk: client.privateJwk,
      fhirBaseUrl: sandbox.baseUrl,
    }),
    fetch: observed,
  });
  adapter = new FhirAdapter(fhir, { now: () => now });
});

afterAll(async () => {
  await sandbox.stop();
});

const noteSearches = () =>
  sandbox.requestLog.filter((r) => r.resourceType === 'DocumentReference' && r.method === 'GET');

describe('chart summary reads the signed notes of the last 12 months', () => {
  it('searches by date from 365 days back, follows every page, and keeps all 52 weekly notes, newest first', async () => {
    sandbox.clearRequestLog();
    notesOnWire.length = 0;
    const read = await adapter.readTaskContext({ clientId: patientId, reads: specOf('chart_summary').reads });

    expect(read.context.priorNotes.map((n) => n.text)).toEqual(
      IN_WINDOW.map((d) => `weekly session, ${d} days ago`),
    );
    // Nothing older than the window crossed the wire: 52 weekly + PSY + SUD + draft, in two pages.
    expect(notesOnWire).toHaveLength(IN_WINDOW.length + 3);
    expect(notesOnWire.every((d) => (d.date ?? '').slice(0, 10) >= since)).toBe(true);
    const searches = noteSearches();
    expect(searches).toHaveLength(2);
    expect(searches[0]?.query).toMatchObject({ date: `ge${since}`, _sort: '-date', _count: '50' });
    expect(searches[1]?.query).toMatchObject({ date: `ge${since}`, _offset: '50' });
    // The psychotherapy and SUD counseling notes of the window are left out, and counted.
    expect(read.excluded.map((e) => e.reason).sort()).toEqual(['PSYCHOTHERAPY_NOTE', 'SUD_COUNSELING_NOTE']);
    expect(read.sourceRefs.filter((r) => r.startsWith('DocumentReference/'))).toHaveLength(IN_WINDOW.length);
  });

  it('a window holding more signed notes than the cap keeps the newest `max`', async () => {
    const read = await adapter.readTaskContext({
      clientId: patientId,
      reads: { priorNotes: { max: 5, withinDays: 365 } },
    });
    expect(read.context.priorNotes.map((n) => n.text)).toEqual(
      IN_WINDOW.slice(0, 5).map((d) => `weekly session, ${d} days ago`),
    );
  });

  it('a progress note still reads its last 3 signed notes, with no date window', async () => {
    sandbox.clearRequestLog();
    const read = await adapter.readTaskContext({ clientId: patientId, reads: specOf('soap_note').reads });
    expect(read.context.priorNotes.map((n) => n.text)).toEqual(
      [2, 9, 16].map((d) => `weekly session, ${d} days ago`),
    );
    expect(noteSearches()[0]?.query.date).toBeUndefined();
  });
});
