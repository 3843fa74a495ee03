import { Partitioners, type PartitionMetadata } from 'kafkajs';
import {
  SANDBOX_CLIENTS,
  SANDBOX_MRN_SYSTEM,
  SANDBOX_PRACTITIONERS,
  type SandboxEhr,
} from '@carerelay/ehr/sandbox';

/** A client of the chaos run: who they are (for the PHI grep) and the encounter that ends. */
export interface ChaosClient {
  readonly patientId: string;
  readonly given: string;
  readonly family: string;
  readonly mrn: string;
  readonly phone: string;
  readonly birthDate: string;
  readonly encounterId: string;
}

const THERAPIST = SANDBOX_PRACTITIONERS.therapist;

/** A FHIR resource as the sandbox's store takes it. */
type Resource = Parameters<SandboxEhr['repository']['createResource']>[0];

/**
 * Invented people for the sessions the seed has no client for (each session gets a client
 * of its own, so a draft or a model call is attributed to its session by its client alone).
 */
const SYNTHETIC = [
  { given: 'Marisol', family: 'Quenby', mrn: 'CHX-310001', phone: '555-0311', birthDate: '1990-05-07' },
  { given: 'Tobias', family: 'Vandermeer', mrn: 'CHX-310002', phone: '555-0322', birthDate: '1983-12-19' },
  { given: 'Ingrid', family: 'Sobotka', mrn: 'CHX-310003', phone: '555-0333', birthDate: '1999-02-25' },
  { given: 'Desmond', family: 'Achterberg', mrn: 'CHX-310004', phone: '555-0344', birthDate: '1976-08-30' },
] as const;

const partitioner = Partitioners.DefaultPartitioner();
/** The partition kafkajs (murmur2, Java-compatible) gives `key` on a topic of `count` partitions. */
export function partitionOf(key: string, count: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: count }, (_, i) => ({
    partitionErrorCode: 0,
    partitionId: i,
    leader: 0,
    replicas: [0],
    isr: [0],
  }));
  return partitioner({ topic: 'ehr.change.v1', partitionMetadata, message: { key, value: null } });
}

/**
 * The run's tenant and clients: the two seeded clients that can have a draft (Riley's records
 * are 42 CFR Part 2 and are never sent) and `synthetic` invented ones, with patient ids chosen
 * so that every client's key (`tenant:client`) falls on its own partition of ehr.change.v1 and
 * ai.task.v1: a session held up by one fault never queues another session behind it there.
 */
export function chooseClients(
  runId: string,
  synthetic: number,
  partitions: number,
): { tenantId: string; clients: ChaosClient[] } {
  const { avery, jordan } = SANDBOX_CLIENTS;
  for (let attempt = 0; ; attempt++) {
    const tenantId = `chaos-${runId}-${attempt}`;
    const used = new Set(
      [avery.patientId, jordan.patientId].map((id) => partitionOf(`${tenantId}:${id}`, partitions)),
    );
    if (used.size < 2) continue;
    const clients: ChaosClient[] = [
      { ...pick(avery), encounterId: avery.encounterIds.open },
      { ...pick(jordan), encounterId: 'chaos-enc-jordan' },
    ];
    for (const person of SYNTHETIC.slice(0, synthetic)) {
      for (let n = 0; n < 200; n++) {
        const patientId = `chaos-patient-${person.family.toLowerCase()}-${n}`;
        const partition = partitionOf(`${tenantId}:${patientId}`, partitions);
        if (used.has(partition)) continue;
        used.add(partition);
        clients.push({ ...person, patientId, encounterId: `chaos-enc-${person.family.toLowerCase()}` });
        break;
      }
    }
    if (clients.length === synthetic + 2) return { tenantId, clients };
  }
}

function pick(c: (typeof SANDBOX_CLIENTS)['avery' | 'jordan']): Omit<ChaosClient, 'encounterId'> {
  return {
    patientId: c.patientId,
    given: c.given,
    family: c.family,
    mrn: c.mrn,
    phone: c.phone,
    birthDate: c.birthDate,
  };
}

const therapistRef = {
  reference: `Practitioner/${THERAPIST.id}`,
  display: `${THERAPIST.given} ${THERAPIST.family}, ${THERAPIST.credential}`,
};

/**
 * Puts the run's clients in the sandbox as an EHR user would have: a chart for each invented
 * client (Patient, active care team with the therapist, an active diagnosis) and an
 * in-progress session for every client that has none. Written before the services start:
 * the seed is history, not a change.
 */
export async function seedClients(sandbox: SandboxEhr, clients: readonly ChaosClient[]): Promise<void> {
  const repo = sandbox.repository;
  const today = new Date();
  const start = new Date(today.getTime() - 60 * 60_000).toISOString();
  for (const c of clients) {
    const isSeeded = c.patientId.startsWith('sbx-');
    const resources: Resource[] = [];
    if (!isSeeded) {
      const subject = { reference: `Patient/${c.patientId}`, display: `${c.given} ${c.family}` };
      resources.push(
        {
          resourceType: 'Patient',
          id: c.patientId,
          active: true,
          identifier: [{ system: SANDBOX_MRN_SYSTEM, value: c.mrn }],
          name: [{ use: 'official', given: [c.given], family: c.family }],
          birthDate: c.birthDate,
          telecom: [{ system: 'phone', value: c.phone, use: 'mobile' }],
          generalPractitioner: [therapistRef],
        },
        {
          resourceType: 'CareTeam',
          id: `${c.patientId}-team`,
          status: 'active',
          subject,
          participant: [{ role: [{ text: 'primary clinician' }], member: therapistRef }],
        },
        {
          resourceType: 'Condition',
          id: `${c.patientId}-dx`,
          clinicalStatus: {
            coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
          },
          code: {
            coding: [
              {
                system: 'http://hl7.org/fhir/sid/icd-10-cm',
                code: 'F41.1',
                display: 'Generalized anxiety disorder',
              },
            ],
          },
          subject,
        },
      );
    }
    if (c.encounterId.startsWith('chaos-'))
      resources.push({
        resourceType: 'Encounter',
        id: c.encounterId,
        status: 'in-progress',
        class: {
          system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
          code: 'AMB',
          display: 'ambulatory',
        },
        type: [
          {
            coding: [
              {
                system: 'http://www.ama-assn.org/go/cpt',
                code: '90834',
                display: 'Psychotherapy, 45 minutes',
              },
            ],
            text: 'Psychotherapy, 45 minutes',
          },
        ],
        subject: { reference: `Patient/${c.patientId}`, display: `${c.given} ${c.family}` },
        participant: [{ individual: therapistRef }],
        period: { start },
      });
    for (const resource of resources) await repo.createResource(resource);
  }
}

interface EncounterLike {
  resourceType: 'Encounter';
  status?: string;
  period?: { start?: string; end?: string };
  length?: { value: number; unit: string; system: string; code: string };
}

/** The clinician closes the session in the EHR: status finished, with its end time. Returns the new version. */
export async function finishEncounter(sandbox: SandboxEhr, encounterId: string): Promise<string> {
  const repo = sandbox.repository;
  const encounter = (await repo.readResource('Encounter', encounterId)) as unknown as EncounterLike;
  const end = new Date().toISOString();
  const stored = await repo.updateResource({
    ...encounter,
    status: 'finished',
    period: { ...encounter.period, end },
  } as unknown as Resource);
  return stored.meta?.versionId ?? '';
}

/** Someone corrects a finished session afterwards (its length, then its end time): a new version each time. */
export async function editFinishedEncounter(
  sandbox: SandboxEhr,
  encounterId: string,
  edit: number,
): Promise<string> {
  const repo = sandbox.repository;
  const encounter = (await repo.readResource('Encounter', encounterId)) as unknown as EncounterLike;
  if (encounter.status !== 'finished')
    throw new Error(`encounter ${encounterId} is ${encounter.status}, not finished`);
  const stored = await repo.updateResource({
    ...encounter,
    length: { value: 45 + edit, unit: 'min', system: 'http://unitsofmeasure.org', code: 'min' },
  } as unknown as Resource);
  return stored.meta?.versionId ?? '';
}
