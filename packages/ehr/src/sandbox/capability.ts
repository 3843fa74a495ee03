import type { CapabilityStatement } from '@medplum/fhirtypes';

/** The resource types the connector and writeback use; the engine serves any R4 type. */
const ADVERTISED_TYPES = [
  'Patient',
  'RelatedPerson',
  'Practitioner',
  'PractitionerRole',
  'CareTeam',
  'Encounter',
  'Appointment',
  'Questionnaire',
  'QuestionnaireResponse',
  'Observation',
  'DocumentReference',
  'Composition',
  'CarePlan',
  'Goal',
  'Condition',
  'Consent',
  'Communication',
  'Flag',
  'Task',
  'Claim',
  'Provenance',
  'AuditEvent',
  'Subscription',
] as const;

/**
 * A minimal CapabilityStatement: Medplum's router has no `/metadata`, and SMART
 * clients discover the token endpoint from it (or from smart-configuration).
 */
export function capabilityStatement(baseUrl: string, tokenEndpoint: string): CapabilityStatement {
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    publisher: 'CareRelay sandbox EHR (synthetic data only)',
    software: { name: 'CareRelay sandbox EHR on Medplum fhir-router', version: '4.5.2' },
    implementation: { description: 'CareRelay sandbox EHR', url: baseUrl },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: {
          service: [
            {
              coding: [
                {
                  system: 'http://terminology.hl7.org/CodeSystem/restful-security-service',
                  code: 'SMART-on-FHIR',
                },
              ],
            },
          ],
          extension: [
            {
              url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
              extension: [{ url: 'token', valueUri: tokenEndpoint }],
            },
          ],
        },
        resource: ADVERTISED_TYPES.map((type) => ({
          type,
          interaction: [
            { code: 'read' },
            { code: 'search-type' },
            { code: 'create' },
            { code: 'update' },
            { code: 'patch' },
            { code: 'vread' },
          ],
          searchParam: [{ name: '_lastUpdated', type: 'date' }],
        })),
        interaction: [{ code: 'transaction' }, { code: 'batch' }],
      },
    ],
  };
}

/** SMART App Launch `.well-known/smart-configuration` for Backend Services discovery. */
export function smartConfiguration(issuer: string, tokenEndpoint: string): Record<string, unknown> {
  return {
    issuer,
    token_endpoint: tokenEndpoint,
    jwks_uri: `${issuer}/jwks`,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS384', 'ES384'],
    scopes_supported: ['system/*.read', 'system/*.write', 'system/*.rs', 'system/*.cud'],
    capabilities: ['client-confidential-asymmetric', 'permission-v1', 'permission-v2'],
  };
}
