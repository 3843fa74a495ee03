import type { Bundle, Resource } from '@medplum/fhirtypes';
import { CareRelayError } from '@carerelay/errors';
import type { SearchParams } from './fhir-client.js';

type Ref = { readonly reference?: string } | undefined;

/** The patient a resource is about, by the reference fields FHIR R4 uses for it. */
function patientRefs(resource: Resource): string[] {
  const r = resource as unknown as Record<string, unknown>;
  const refs = [r.subject, r.patient, r.beneficiary, r.sender, r.for].map((x) => (x as Ref)?.reference);
  if (resource.resourceType === 'Patient') refs.push(`Patient/${resource.id}`);
  return refs.filter((x): x is string => typeof x === 'string');
}

/**
 * Serves the FHIR adapter's reads from a Bundle instead of an EHR, so the
 * one-shot `carerelay draft --bundle` runs the same minimum-necessary mapping as
 * the connector. Searches filter by patient only; the adapter applies its own
 * status, type and recency rules to what comes back.
 */
export class BundleFhirReader {
  private readonly resources: Resource[];

  constructor(bundle: Bundle) {
    if (bundle.resourceType !== 'Bundle') {
      throw new CareRelayError('BUNDLE_INVALID', 'input is not a FHIR Bundle', { retryable: false });
    }
    this.resources = (bundle.entry ?? [])
      .map((e) => e.resource)
      .filter((r): r is Resource => Boolean(r?.resourceType));
  }

  read<T extends Resource>(resourceType: T['resourceType'], id: string): Promise<T> {
    const found = this.resources.find((r) => r.resourceType === resourceType && r.id === id);
    if (!found) {
      return Promise.reject(
        new CareRelayError('EHR_REQUEST_REJECTED', `${resourceType} is not in the bundle`, {
          retryable: false,
          httpStatus: 404,
        }),
      );
    }
    return Promise.resolve(found as T);
  }

  search<T extends Resource>(resourceType: T['resourceType'], params: SearchParams = {}): Promise<T[]> {
    const patient = typeof params.patient === 'string' ? params.patient : undefined;
    const wanted = patient ? (patient.includes('/') ? patient : `Patient/${patient}`) : undefined;
    return Promise.resolve(
      this.resources.filter(
        (r) => r.resourceType === resourceType && (!wanted || patientRefs(r).includes(wanted)),
      ) as T[],
    );
  }

  /** The bundle's first Patient, and its latest Encounter by start. */
  subject(): { clientId: string; encounterId?: string } {
    const patient = this.resources.find((r) => r.resourceType === 'Patient');
    if (!patient?.id)
      throw new CareRelayError('BUNDLE_INVALID', 'the bundle has no Patient with an id', {
        retryable: false,
      });
    const encounters = this.resources
      .filter((r) => r.resourceType === 'Encounter')
      .map((r) => r as Resource & { period?: { start?: string } })
      .sort((a, b) => (b.period?.start ?? '').localeCompare(a.period?.start ?? ''));
    return { clientId: patient.id, ...(encounters[0]?.id ? { encounterId: encounters[0].id } : {}) };
  }
}
