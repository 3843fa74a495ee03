import { randomUUID } from 'node:crypto';
import type { Bundle, Resource } from '@medplum/fhirtypes';
import { BundleFhirReader, type ConditionalCreateResult, type SearchParams } from '@carerelay/ehr';

type Identified = Resource & {
  identifier?: readonly { system?: string; value?: string }[];
  target?: readonly { reference?: string }[];
};

/** Whether a resource matches the search parameters the write-back path uses (identifier, _tag, target). */
function matches(resource: Identified, params: SearchParams): boolean {
  for (const [name, raw] of Object.entries(params)) {
    const value = String(raw);
    if (name === 'identifier') {
      const [system, code] = value.includes('|') ? value.split('|', 2) : [undefined, value];
      if (!(resource.identifier ?? []).some((i) => (!system || i.system === system) && i.value === code))
        return false;
    } else if (name === '_tag') {
      const [system, code] = value.split('|', 2);
      if (!(resource.meta?.tag ?? []).some((t) => t.system === system && t.code === code)) return false;
    } else if (name === 'target') {
      if (!(resource.target ?? []).some((t) => t.reference === value)) return false;
    }
  }
  return true;
}

/**
 * A FHIR Bundle as the EHR of one `carerelay draft` run: the adapter reads the Bundle, the
 * write-back path writes its draft here (conditional create by identifier, as against an
 * EHR), and the CLI prints what was written. Nothing leaves the process.
 */
export class BundleEhr {
  private readonly reader: BundleFhirReader;
  readonly written: Resource[] = [];

  constructor(bundle: Bundle) {
    this.reader = new BundleFhirReader(bundle);
  }

  subject(): ReturnType<BundleFhirReader['subject']> {
    return this.reader.subject();
  }

  read<T extends Resource>(resourceType: T['resourceType'], id: string): Promise<T> {
    const own = this.written.find((r) => r.resourceType === resourceType && r.id === id);
    return own ? Promise.resolve(own as T) : this.reader.read<T>(resourceType, id);
  }

  async search<T extends Resource>(resourceType: T['resourceType'], params: SearchParams = {}): Promise<T[]> {
    const fromBundle = await this.reader.search<T>(resourceType, params);
    const own = this.written.filter((r) => r.resourceType === resourceType) as T[];
    return [...fromBundle, ...own].filter((r) => matches(r as Identified, params));
  }

  async createIfNoneExist<T extends Resource>(
    resource: T,
    ifNoneExist: string,
  ): Promise<ConditionalCreateResult<T>> {
    const params = Object.fromEntries(new URLSearchParams(ifNoneExist));
    const [existing] = await this.search<T>(resource.resourceType, params);
    if (existing) return { resource: existing, created: false };
    const created = { ...resource, id: randomUUID(), meta: { ...resource.meta, versionId: '1' } } as T;
    this.written.push(created);
    return { resource: created, created: true };
  }
}
