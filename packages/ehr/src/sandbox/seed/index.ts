import type { Resource } from '@medplum/fhirtypes';
import type { FhirRepository } from '@medplum/fhir-router';
import { carePlans, communications, conditions, consents, encounters, goals } from './clinical.js';
import { SYNTHETIC_TAG } from './ids.js';
import { instrumentResources } from './instruments.js';
import { progressNotes } from './notes.js';
import { careTeams, patients, practitioners, relatedPersons } from './people.js';

export {
  PART2_SECURITY_LABELS,
  SANDBOX_CLIENTS,
  SANDBOX_MRN_SYSTEM,
  SANDBOX_PRACTITIONERS,
  SYNTHETIC_TAG,
} from './ids.js';
export type { SandboxClientKey } from './ids.js';
export { GAD7_ITEMS, ITEM_SCORES, PHQ9_ITEMS } from './instruments.js';

/** Every seeded resource, referenced ones first, each tagged as test data. */
export function sandboxSeedResources(): Resource[] {
  const resources: Resource[] = [
    ...practitioners(),
    ...patients(),
    ...relatedPersons(),
    ...careTeams(),
    ...conditions(),
    ...encounters(),
    ...instrumentResources(),
    ...progressNotes(),
    ...goals(),
    ...carePlans(),
    ...consents(),
    ...communications(),
  ];
  return resources.map((r) => ({ ...r, meta: { ...r.meta, tag: [{ ...SYNTHETIC_TAG }] } }));
}

/** Creates the seed with its well-known ids (Medplum's memory store keeps a given id). */
export async function seedSandbox(repo: FhirRepository): Promise<void> {
  for (const resource of sandboxSeedResources()) await repo.createResource(resource);
}
