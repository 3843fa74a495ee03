import { generateKeyPair, exportJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CareRelayError } from '@carerelay/errors';
import { SANDBOX_CLIENTS, startSandboxEhr, type SandboxEhr } from './sandbox/index.js';
import { FhirClient } from './fhir-client.js';
import { SmartBackendAuth } from './smart-auth.js';
import type { Patient } from '@medplum/fhirtypes';

const SCOPE = 'system/*.read';
let sandbox: SandboxEhr;
let shortLived: SandboxEhr;

/** A fetch that counts the calls to each URL path, so tests can see when a token is requested. */
function countingFetch(): { fetch: typeof fetch; calls: (suffix: string) => number } {
  const seen: string[] = [];
  return {
    fetch: (input, init) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return fetch(input, init);
    },
    calls: (suffix) => seen.filter((url) => url.endsWith(suffix)).length,
  };
}

async function expectAuthFailure(promise: Promise<unknown>, retryable: boolean): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CareRelayError);
  expect((err as CareRelayError).code).toBe('EHR_AUTH_FAILED');
  expect((err as CareRelayError).retryable).toBe(retryable);
}

beforeAll(async () => {
  [sandbox, shortLived] = await Promise.all([
    startSandboxEhr(),
    startSandboxEhr({ accessTokenTtlSeconds: 2 }),
  ]);
});

afterAll(async () => {
  await Promise.all([sandbox.stop(), shortLived.stop()]);
});

describe('SmartBackendAuth (SMART Backend Services, private_key_jwt)', () => {
  it('fetches a token once and serves it from cache to sequential and concurrent callers', async () => {
    const counter = countingFetch();
    const client = sandbox.clients.rs384;
    const auth = new SmartBackendAuth({
      clientId: client.clientId,
      privateJwk: client.privateJwk,
      fhirBaseUrl: sandbox.baseUrl,
      fetch: counter.fetch,
    });
    const [a, b] = await Promise.all([auth.getToken(SCOPE), auth.getToken(SCOPE)]);
    const c = await auth.getToken(SCOPE);
    expect(a).toBe(b);
    expect(c).toBe(a);
    expect(counter.calls('/token')).toBe(1);
    // The token endpoint was discovered from smart-configuration, once.
    expect(counter.calls('/.well-known/smart-configuration')).toBe(1);
  });

  it('refreshes a token when less than the margin is left before expiry', async () => {
    const counter = countingFetch();
    const client = shortLived.clients.rs384;
    const auth = new SmartBackendAuth({
      clientId: client.clientId,
      privateJwk: client.privateJwk,
      fhirBaseUrl: shortLived.baseUrl,
      tokenEndpoint: shortLived.tokenEndpoint,
      refreshMarginSeconds: 1,
      fetch: counter.fetch,
    });
    const first = await auth.getToken(SCOPE);
    expect(await auth.getToken(SCOPE)).toBe(first); // 2 s lifetime, more than 1 s left
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const second = await auth.getToken(SCOPE);
    expect(second).not.toBe(first);
    expect(counter.calls('/token')).toBe(2);
    const fhir = new FhirClient({ baseUrl: shortLived.baseUrl, auth, scope: SCOPE });
    const patient = await fhir.read<Patient>('Patient', SANDBOX_CLIENTS.avery.patientId);
    expect(patient.id).toBe(SANDBOX_CLIENTS.avery.patientId);
  });

  it('refreshes on every call with the default 60 s margin when the EHR issues shorter tokens', async () => {
    const counter = countingFetch();
    const client = shortLived.clients.es384;
    const auth = new SmartBackendAuth({
      clientId: client.clientId,
      privateJwk: client.privateJwk,
      fhirBaseUrl: shortLived.baseUrl,
      fetch: counter.fetch,
    });
    await auth.getToken(SCOPE);
    await auth.getToken(SCOPE);
    expect(counter.calls('/token')).toBe(2);
  });

  it.each(['rs384', 'es384'] as const)(
    'signs the assertion for the %s client and the token reads FHIR',
    async (key) => {
      const client = sandbox.clients[key];
      const auth = new SmartBackendAuth({
        clientId: client.clientId,
        privateJwk: client.privateJwk,
        fhirBaseUrl: sandbox.baseUrl,
      });
      const fhir = new FhirClient({ baseUrl: sandbox.baseUrl, auth, scope: SCOPE });
      const patient = await fhir.read<Patient>('Patient', SANDBOX_CLIENTS.jordan.patientId);
      expect(patient.birthDate).toBe(SANDBOX_CLIENTS.jordan.birthDate);
    },
  );

  it('fails with non-retryable EHR_AUTH_FAILED when the assertion is signed with a key the EHR does not know', async () => {
    const { privateKey } = await generateKeyPair('RS384', { extractable: true });
    const auth = new SmartBackendAuth({
      clientId: sandbox.clients.rs384.clientId,
      privateJwk: { ...(await exportJWK(privateKey)), kid: sandbox.clients.rs384.privateJwk.kid ?? 'x' },
      fhirBaseUrl: sandbox.baseUrl,
      tokenEndpoint: sandbox.tokenEndpoint,
    });
    await expectAuthFailure(auth.getToken(SCOPE), false);
  });

  it('fails with retryable EHR_AUTH_FAILED when the authorization server is unreachable', async () => {
    const auth = new SmartBackendAuth({
      clientId: sandbox.clients.rs384.clientId,
      privateJwk: sandbox.clients.rs384.privateJwk,
      fhirBaseUrl: sandbox.baseUrl,
      tokenEndpoint: 'http://127.0.0.1:1/token',
      timeoutMs: 2_000,
    });
    await expectAuthFailure(auth.getToken(SCOPE), true);
  });

  it('fails with retryable EHR_AUTH_FAILED when the token endpoint answers 5xx', async () => {
    const auth = new SmartBackendAuth({
      clientId: sandbox.clients.rs384.clientId,
      privateJwk: sandbox.clients.rs384.privateJwk,
      fhirBaseUrl: sandbox.baseUrl,
      tokenEndpoint: sandbox.tokenEndpoint,
      fetch: () => Promise.resolve(new Response('{}', { status: 503 })),
    });
    await expectAuthFailure(auth.getToken(SCOPE), true);
  });
});
