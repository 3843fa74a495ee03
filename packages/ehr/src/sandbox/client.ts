import { FhirClient } from '../fhir-client.js';
import { SmartBackendAuth } from '../smart-auth.js';
import type { SandboxEhr } from './server.js';

/**
 * A FHIR client of the sandbox, authenticated with one of its registered SMART
 * Backend Services clients (the real auth path: signed client assertion, token).
 */
export function sandboxFhirClient(
  sandbox: SandboxEhr,
  options: { client?: keyof SandboxEhr['clients']; scope?: string } = {},
): FhirClient {
  const client = sandbox.clients[options.client ?? 'rs384'];
  const auth = new SmartBackendAuth({
    clientId: client.clientId,
    privateJwk: client.privateJwk,
    fhirBaseUrl: sandbox.baseUrl,
  });
  return new FhirClient({
    baseUrl: sandbox.baseUrl,
    auth,
    ...(options.scope ? { scope: options.scope } : {}),
  });
}
