import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SandboxRequestLog, requestTarget, type SandboxRequest } from './request-log.js';
import { SANDBOX_CLIENTS } from './seed/index.js';
import { startSandboxEhr, type SandboxEhr } from './server.js';
import { fetchSandboxToken } from './token.js';

let sandbox: SandboxEhr;
let token: string;
const avery = SANDBOX_CLIENTS.avery.patientId;

/** GET with the test's token, or none when `bearer` is null. */
async function get(path: string, bearer: string | null = token): Promise<number> {
  const response = await fetch(`${sandbox.baseUrl}/${path}`, {
    headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
  });
  await response.arrayBuffer();
  return response.status;
}

/** The log without timestamps, which a test cannot write by hand. */
const withoutTime = (log: readonly SandboxRequest[]): Omit<SandboxRequest, 'at'>[] =>
  log.map(({ at: _at, ...rest }) => rest);

beforeAll(async () => {
  sandbox = await startSandboxEhr();
  token = (await fetchSandboxToken(sandbox, sandbox.clients.readOnly.clientId, 'system/*.read')).accessToken;
});

afterAll(async () => {
  await sandbox.stop();
});

describe('sandbox EHR request log', () => {
  it('records a search and a read with their query, resource, id and SMART client', async () => {
    sandbox.clearRequestLog();
    const before = Date.now();
    expect(
      await get(`Observation?patient=${avery}&code=44261-6&_elements=valueInteger,effectiveDateTime`),
    ).toBe(200);
    expect(await get(`Patient/${avery}`)).toBe(200);

    const log = sandbox.requestLog;
    expect(withoutTime(log)).toEqual([
      {
        method: 'GET',
        path: 'Observation',
        resourceType: 'Observation',
        // As the client sent it: not the `Patient/…` form the sandbox normalises to.
        query: { patient: avery, code: '44261-6', _elements: 'valueInteger,effectiveDateTime' },
        clientId: sandbox.clients.readOnly.clientId,
        status: 200,
      },
      {
        method: 'GET',
        path: `Patient/${avery}`,
        resourceType: 'Patient',
        id: avery,
        query: {},
        clientId: sandbox.clients.readOnly.clientId,
        status: 200,
      },
    ]);
    for (const entry of log) expect(entry.at.getTime()).toBeGreaterThanOrEqual(before);
  });

  it('records refused and public requests too, without a client when there is no valid token', async () => {
    sandbox.clearRequestLog();
    expect(await get('Patient?family=Okafor-Reyes', null)).toBe(401);
    expect(await get('metadata', null)).toBe(200);
    expect(withoutTime(sandbox.requestLog)).toEqual([
      {
        method: 'GET',
        path: 'Patient',
        resourceType: 'Patient',
        query: { family: 'Okafor-Reyes' },
        status: 401,
      },
      { method: 'GET', path: 'metadata', query: {}, status: 200 },
    ]);
  });

  it('hands out snapshots, and clearRequestLog empties the log', async () => {
    const held = sandbox.requestLog;
    const length = held.length;
    await get(`Patient/${avery}`);
    expect(held).toHaveLength(length);
    expect(sandbox.requestLog).toHaveLength(length + 1);
    sandbox.clearRequestLog();
    expect(sandbox.requestLog).toEqual([]);
  });
});

describe('SandboxRequestLog', () => {
  const entry = (n: number): SandboxRequest => ({
    method: 'GET',
    path: `Patient/p${n}`,
    resourceType: 'Patient',
    id: `p${n}`,
    query: {},
    status: 200,
    at: new Date(0),
  });

  it('keeps only the last `limit` requests, oldest first', () => {
    const log = new SandboxRequestLog(3);
    for (let n = 1; n <= 8; n++) log.record(entry(n));
    expect(log.snapshot().map((r) => r.id)).toEqual(['p6', 'p7', 'p8']);
  });

  it('reads resource type and id from the path', () => {
    expect(requestTarget('Patient/123/_history/2')).toEqual({ resourceType: 'Patient', id: '123' });
    expect(requestTarget('Observation/_search')).toEqual({ resourceType: 'Observation' });
    expect(requestTarget('Patient/$match')).toEqual({ resourceType: 'Patient' });
    expect(requestTarget('')).toEqual({});
    expect(requestTarget('.well-known/smart-configuration')).toEqual({});
  });
});
