import { randomUUID } from 'node:crypto';
import { AuditTrail, AuthFailureAggregator, auditEvent, type AuditFacts } from '@carerelay/audit';
import { EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import {
  AvroSerde,
  InMemorySchemaStore,
  auditEventTopic,
  type AuditEvent,
  type ReviewOutcome,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { AuditStore } from '../store/audit-store.js';
import { migrateAuditStore } from '../store/migrate.js';
import { createScratchDatabase, type ScratchDatabase } from '../store/testing.js';
import { createComplianceApi, type ComplianceApi } from './server.js';
import { createTokenIssuer, parseCsv, TEST_AUDIENCE, TEST_ISSUER, type TokenIssuer } from './testing.js';

/** The JSON shapes the assertions read; the assertions themselves check what is present. */
interface CodingJson {
  system?: string;
  code?: string;
}
interface AuditEventJson {
  resourceType?: string;
  type?: CodingJson;
  action?: string;
  recorded?: string;
  outcome?: string;
  agent?: { requestor?: unknown }[];
  source?: { observer?: unknown };
  entity?: { what?: { reference?: string; identifier?: { value?: string } } }[];
  meta?: { security?: CodingJson[] };
  purposeOfEvent?: { coding?: CodingJson[] }[];
}
interface BundleJson {
  resourceType?: string;
  type?: string;
  entry?: { resource: AuditEventJson }[];
}
interface MetricsGroupJson {
  key: string | null;
  drafts: { total: number; byUseCase: Record<string, number> };
  reviews: {
    count: number;
    accepted: number;
    acceptanceRate: number | null;
    meanNormalizedEditDistance: number | null;
  };
  llmCalls: {
    count: number;
    failed: number;
    latencyMsMean: number | null;
    latencyMsP95: number | null;
    promptTokens: number;
    completionTokens: number;
  };
  leakBlocks: number;
  policyDenials: number;
}
interface ErrorJson {
  error: { code: string; message: string };
}

// ---- The fixture: every expectation below is computed from these arrays, never from the API.
const DAY = 86_400_000;
const NOW = Date.now();
const START = NOW - 70 * DAY;
const SPAN = 50 * DAY;
const WINDOW = `from=${new Date(NOW - 75 * DAY).toISOString()}&to=${new Date(NOW - 15 * DAY).toISOString()}`;
const inWindow = (e: { occurredAt: number }) =>
  e.occurredAt >= NOW - 75 * DAY && e.occurredAt < NOW - 15 * DAY;

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CLIENTS = ['c-1', 'c-2', 'c-3'];
const USERS = ['dr-1', 'dr-2'];
const TEMPLATES = ['soap_note@1.0.0', 'soap_note@1.1.0', 'dap_note@2.0.0'];
const MODELS = ['gpt-4o-notes', 'llama-3.1-70b'];
const RECIPIENTS = ['https://ehr.example/fhir', 'azure-openai/gpt-4o-notes'];
// Descriptions a spreadsheet must not run, and text CSV must quote.
const DESCRIPTIONS = [
  'soap_note written as DocumentReference/7',
  '=HYPERLINK("http://x")',
  'plan, "goals"\nupdated',
  '-1+2',
  '@SUM(A1)',
];

function tenantEvents(tenantId: string, seed: number, n: number): AuditEvent[] {
  const random = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const events: AuditEvent[] = [];
  const add = (facts: Omit<AuditFacts, 'tenantId' | 'service'>, at: number, service = 'ehr-connector') =>
    events.push(auditEvent({ tenantId, service, ...facts }, () => at));
  for (let i = 0; i < n; i++) {
    // Every fifth event shares the previous instant: the order must break ties by seq.
    const at =
      i % 5 === 4 && events.length > 0
        ? events[events.length - 1]!.occurredAt
        : START + Math.floor(random() * SPAN);
    const clientId = pick(CLIENTS);
    const userId = pick(USERS);
    const templateVersion = pick(TEMPLATES);
    const useCase = templateVersion.split('@')[0]!;
    const taskId = `task-${tenantId}-${i}`;
    const who = { clientId, userId, role: 'clinician', taskId };
    switch (i % 8) {
      case 0:
        add(
          {
            ...who,
            action: 'PHI_ACCESS',
            outcome: 'SUCCESS',
            purposeOfUse: 'TREATMENT',
            counts: { resources: 4 },
          },
          at,
        );
        break;
      case 1:
        add(
          {
            ...who,
            action: 'PHI_DISCLOSURE',
            outcome: random() < 0.15 ? 'FAILURE' : 'SUCCESS',
            purposeOfUse: pick(['TREATMENT', 'PAYMENT']),
            recipient: pick(RECIPIENTS),
            description: pick(DESCRIPTIONS),
            part2: random() < 0.3,
          },
          at,
          'writeback',
        );
        break;
      case 2:
      case 3:
        add(
          {
            ...who,
            action: 'LLM_CALL',
            outcome: random() < 0.1 ? 'FAILURE' : 'SUCCESS',
            model: pick(MODELS),
            templateVersion,
            useCase,
            counts: {
              latencyMs: 200 + Math.floor(random() * 3000),
              promptTokens: 500 + Math.floor(random() * 1500),
              completionTokens: 100 + Math.floor(random() * 600),
            },
            hashes: { prompt: 'a'.repeat(64) },
          },
          at,
          'llm-worker',
        );
        break;
      case 4: {
        add(
          {
            ...who,
            action: 'DRAFT_WRITTEN',
            outcome: 'SUCCESS',
            templateVersion,
            useCase,
            reasonCode: 'CREATED',
          },
          at,
          'writeback',
        );
        // A redelivered draft is audited again with the same task: one draft, two events.
        if (random() < 0.3) {
          add(
            {
              ...who,
              action: 'DRAFT_WRITTEN',
              outcome: 'SUCCESS',
              templateVersion,
              useCase,
              reasonCode: 'ALREADY_EXISTS',
            },
            at + 1000,
            'writeback',
          );
        }
        break;
      }
      case 5:
        add(
          {
            ...who,
            action: 'LEAK_BLOCKED',
            outcome: 'BLOCKED',
            templateVersion,
            useCase,
            reasonCode: 'LLM_LEAK_BLOCKED',
          },
          at,
          'llm-worker',
        );
        break;
      case 6:
        add(
          {
            ...who,
            action: 'POLICY_DECISION',
            outcome: random() < 0.4 ? 'DENIED' : 'SUCCESS',
            reasonCode: 'ROLE',
          },
          at,
        );
        break;
      default:
        add(
          {
            ...who,
            action: 'CONSENT_CHECK',
            outcome: 'DENIED',
            part2: true,
            reasonCode: 'PART2_CONSENT_NOT_VERIFIED',
          },
          at,
        );
    }
  }
  return events;
}

function oldDisclosure(tenantId: string, yearsAgo: number, part2: boolean): AuditEvent {
  return auditEvent(
    {
      tenantId,
      service: 'writeback',
      action: 'PHI_DISCLOSURE',
      outcome: 'SUCCESS',
      clientId: 'c-1',
      purposeOfUse: 'TREATMENT',
      recipient: 'https://old-ehr.example/fhir',
      description: `disclosure ${yearsAgo} years ago`,
      part2,
    },
    () => NOW - Math.round(yearsAgo * 365.25 * DAY),
  );
}

function reviews(tenantId: string, seed: number, n: number): ReviewOutcome[] {
  const random = mulberry32(seed);
  return Array.from({ length: n }, (_, i) => {
    const [templateId, templateVersion] = TEMPLATES[i % TEMPLATES.length]!.split('@') as [string, string];
    const signedAt = START + Math.floor(random() * SPAN);
    return {
      eventId: randomUUID(),
      taskId: `task-r-${i}`,
      tenantId,
      clientId: CLIENTS[i % CLIENTS.length]!,
      useCase: templateId,
      documentRef: `DocumentReference/${i}`,
      reviewerUserId: 'dr-1',
      draftSha256: 'a'.repeat(64),
      finalSha256: 'b'.repeat(64),
      // One lands exactly on the acceptance boundary (0.2 is accepted).
      normalizedEditDistance: i === 0 ? 0.2 : Math.round(random() * 1000) / 2000,
      sectionsTotal: 4,
      sectionsChanged: ['plan'],
      templateId,
      templateVersion,
      draftCreatedAt: signedAt - 3_600_000,
      signedAt,
    };
  });
}

const A_EVENTS = [
  ...tenantEvents('tenant-a', 1, 400),
  oldDisclosure('tenant-a', 5, true),
  oldDisclosure('tenant-a', 3, false),
  oldDisclosure('tenant-a', 7, false),
];
// Tenant B uses the same client ids: isolation must come from the tenant, not from the ids.
const B_EVENTS = tenantEvents('tenant-b', 2, 120);
const A_REVIEWS = reviews('tenant-a', 3, 40);
const B_REVIEWS = reviews('tenant-b', 4, 10);

/** The stable order (occurredAt, seq): seq is the position in the tenant's ingest order. */
function inOrder(events: readonly AuditEvent[]): AuditEvent[] {
  const seq = new Map(events.map((e, i) => [e.eventId, i]));
  return [...events].sort((a, b) => a.occurredAt - b.occurredAt || seq.get(a.eventId)! - seq.get(b.eventId)!);
}

// ---- The running API on a throwaway database, read as carerelay_audit_reader.
let db: ScratchDatabase;
let store: AuditStore;
let reader: pg.Pool;
let api: ComplianceApi;
let baseUrl: string;
let issuer: TokenIssuer;
let tokenA: string;
let tokenB: string;
let bus: EmbeddedBus;
let published: { value: Buffer | null }[];
let authFailures: AuthFailureAggregator;
// The aggregator's clock stands still: every refusal of a test falls in one window.
const FLOOD_MINUTE = Date.UTC(2026, 11, 7, 19, 30, 12);
const serde = new AvroSerde(new InMemorySchemaStore());

beforeAll(async () => {
  db = await createScratchDatabase(inject('databaseUrl'), 'carerelay_audit_api');
  await migrateAuditStore(db.adminUrl);
  store = AuditStore.fromConfig({ url: db.urlAs('carerelay_audit_writer') });
  for (let i = 0; i < A_EVENTS.length; i += 100) await store.appendEvents(A_EVENTS.slice(i, i + 100));
  await store.appendEvents(B_EVENTS);
  await store.appendReviewOutcomes([...A_REVIEWS, ...B_REVIEWS]);

  bus = EmbeddedBus.fromConfig({ serde, logger: createLogger({ service: 'test', level: 'silent' }) });
  await bus.start();
  published = (await collectRaw(bus, auditEventTopic.name)).records;
  reader = new pg.Pool({ connectionString: db.urlAs('carerelay_audit_reader'), max: 4 });
  issuer = await createTokenIssuer('ES256');
  tokenA = await issuer.sign('tenant-a', { sub: 'officer-a' });
  tokenB = await issuer.sign('tenant-b', { sub: 'officer-b' });
  const trail = new AuditTrail(bus, 'audit-sink');
  authFailures = AuthFailureAggregator.fromConfig({ trail, now: () => FLOOD_MINUTE });
  api = createComplianceApi({
    pool: reader,
    verifier: () => Promise.resolve({ ok: true, checked: 0 }),
    audit: trail,
    authFailures,
    auth: { publicKeyPem: issuer.publicKeyPem, issuer: TEST_ISSUER, audience: TEST_AUDIENCE },
    log: createLogger({ service: 'test', level: 'silent' }),
  });
  baseUrl = await api.listen(0);
});

afterAll(async () => {
  await api?.close();
  await reader?.end();
  await store?.close();
  await bus?.shutdown();
  await db?.drop();
});

async function get(path: string, token: string | null = tokenA) {
  const res = await fetch(`${baseUrl}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
  const body = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    body,
    /** The body as the shape a test expects; the test's assertions check it. */
    json: <T = Record<string, unknown>>() => JSON.parse(body) as T,
  };
}

interface ApiEvent {
  eventId: string;
  tenantId: string;
  occurredAt: string;
  seq: number;
}

/** Follows nextCursor to the end, returning every event and the number of pages. */
async function walk(query: string, token = tokenA): Promise<{ events: ApiEvent[]; pages: number }> {
  const events: ApiEvent[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res = await get(`/v1/audit/events?${query}${cursor ? `&cursor=${cursor}` : ''}`, token);
    expect(res.status).toBe(200);
    const page = res.json();
    events.push(...(page['events'] as ApiEvent[]));
    cursor = page['nextCursor'] as string | null;
    pages += 1;
  } while (cursor && pages < 1000);
  return { events, pages };
}

describe('search with cursor pagination', () => {
  it('serves as carerelay_audit_reader, which may only read', async () => {
    const { rows } = await reader.query<{ user: string }>('SELECT current_user AS user');
    expect(rows[0]!.user).toBe('carerelay_audit_reader');
    await expect(reader.query("DELETE FROM audit.events WHERE tenant_id = 'tenant-a'")).rejects.toMatchObject(
      { code: '42501' },
    );
  });

  it('walks every row of the window exactly once, in (occurredAt, seq) order, across tied instants', async () => {
    const expected = inOrder(A_EVENTS)
      .filter(inWindow)
      .map((e) => e.eventId);
    const { events, pages } = await walk(`${WINDOW}&limit=7`);
    expect(pages).toBe(Math.ceil(expected.length / 7));
    expect(events.map((e) => e.eventId)).toEqual(expected);
    expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
  });

  it.each([
    ['clientId', 'c-2', (e: AuditEvent) => e.clientId === 'c-2'],
    ['userId', 'dr-1', (e: AuditEvent) => e.actor.userId === 'dr-1'],
    ['action', 'LLM_CALL', (e: AuditEvent) => e.action === 'LLM_CALL'],
    ['model', 'llama-3.1-70b', (e: AuditEvent) => e.model === 'llama-3.1-70b'],
    ['templateVersion', 'soap_note@1.1.0', (e: AuditEvent) => e.templateVersion === 'soap_note@1.1.0'],
  ] as const)('filters by %s', async (name, value, keep) => {
    const expected = inOrder(A_EVENTS)
      .filter(inWindow)
      .filter(keep)
      .map((e) => e.eventId);
    expect(expected.length).toBeGreaterThan(5);
    const { events } = await walk(`${WINDOW}&${name}=${encodeURIComponent(value)}&limit=13`);
    expect(events.map((e) => e.eventId)).toEqual(expected);
  });

  it("keeps tenants apart: tenant B's officer never sees tenant A's rows, even for the same client id", async () => {
    const { events } = await walk(`${WINDOW}&clientId=c-1&limit=1000`, tokenB);
    const expected = inOrder(B_EVENTS)
      .filter(inWindow)
      .filter((e) => e.clientId === 'c-1');
    expect(events.map((e) => e.eventId)).toEqual(expected.map((e) => e.eventId));
    expect(new Set(events.map((e) => e.tenantId))).toEqual(new Set(['tenant-b']));
    const forbidden = await get(`/v1/audit/events?tenantId=tenant-a&${WINDOW}`, tokenB);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).not.toContain(A_EVENTS[0]!.eventId);
  });
});

describe('accounting of disclosures', () => {
  it("lists only the client's successful disclosures of the last six years, oldest first, Part 2 flagged", async () => {
    const sixYearsAgo = new Date(NOW);
    sixYearsAgo.setUTCFullYear(sixYearsAgo.getUTCFullYear() - 6);
    const expected = inOrder(A_EVENTS).filter(
      (e) =>
        e.action === 'PHI_DISCLOSURE' &&
        e.outcome === 'SUCCESS' &&
        e.clientId === 'c-1' &&
        e.occurredAt >= sixYearsAgo.getTime() - 60_000,
    );
    expect(expected.some((e) => e.part2)).toBe(true);
    const res = await get('/v1/audit/disclosures?clientId=c-1');
    expect(res.status).toBe(200);
    const body = res.json();
    const listed = body['disclosures'] as Record<string, unknown>[];
    expect(listed.map((d) => d['eventId'])).toEqual(expected.map((e) => e.eventId));
    expect(
      listed.map((d) => [d['date'], d['recipient'], d['description'], d['purposeOfUse'], d['part2']]),
    ).toEqual(
      expected.map((e) => [
        new Date(e.occurredAt).toISOString(),
        e.recipient,
        e.description,
        e.purposeOfUse,
        e.part2,
      ]),
    );
    // The seven-year-old disclosure is outside the default accounting period.
    expect(listed.map((d) => d['description'])).not.toContain('disclosure 7 years ago');
    expect(body['part2Notice']).toMatch(/42 CFR part 2/);
  });

  it('pages through a long accounting with the cursor', async () => {
    const expected = A_EVENTS.filter(
      (e) => e.action === 'PHI_DISCLOSURE' && e.outcome === 'SUCCESS' && e.clientId === 'c-2',
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/v1/audit/disclosures?clientId=c-2&limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      const body = res.json();
      seen.push(...(body['disclosures'] as { eventId: string }[]).map((d) => d.eventId));
      cursor = body['nextCursor'] as string | null;
    } while (cursor);
    expect(seen).toEqual(inOrder(expected).map((e) => e.eventId));
  });

  it("gives tenant B's officer only tenant B's disclosures of a client id both tenants use", async () => {
    const expected = inOrder(B_EVENTS).filter(
      (e) => e.action === 'PHI_DISCLOSURE' && e.outcome === 'SUCCESS' && e.clientId === 'c-1',
    );
    const res = await get('/v1/audit/disclosures?clientId=c-1', tokenB);
    expect((res.json()['disclosures'] as { eventId: string }[]).map((d) => d.eventId)).toEqual(
      expected.map((e) => e.eventId),
    );
  });
});

describe('export', () => {
  it('writes CSV that an RFC 4180 reader parses back to the same rows, formulas defused', async () => {
    const expected = inOrder(A_EVENTS).filter(inWindow);
    const res = await get(`/v1/audit/export?format=csv&${WINDOW}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('x-next-cursor')).toBeNull();
    const [header, ...rows] = parseCsv(res.body);
    const col = (name: string) => header!.indexOf(name);
    expect(rows.map((r) => r[col('eventId')])).toEqual(expected.map((e) => e.eventId));
    rows.forEach((row, i) => {
      const e = expected[i]!;
      const description = e.description ?? '';
      expect(row[col('description')]).toBe(/^[=+\-@]/.test(description) ? `'${description}` : description);
      expect(row[col('occurredAt')]).toBe(new Date(e.occurredAt).toISOString());
      expect(row[col('clientId')]).toBe(e.clientId ?? '');
      expect(row[col('part2')]).toBe(String(e.part2));
      expect(JSON.parse(row[col('counts')]!)).toEqual(e.counts);
    });
  });

  it('caps an export and hands over the rest through the next cursor', async () => {
    const expected = inOrder(A_EVENTS)
      .filter(inWindow)
      .filter((e) => e.action === 'LLM_CALL');
    const first = await get(`/v1/audit/export?format=csv&action=LLM_CALL&limit=10&${WINDOW}`);
    expect(parseCsv(first.body)).toHaveLength(11);
    const next = first.headers.get('x-next-cursor');
    expect(next).toBeTruthy();
    const second = await get(
      `/v1/audit/export?format=csv&action=LLM_CALL&limit=1000&${WINDOW}&cursor=${next}`,
    );
    const ids = [...parseCsv(first.body).slice(1), ...parseCsv(second.body).slice(1)].map((r) => r[1]);
    expect(ids).toEqual(expected.map((e) => e.eventId));
  });

  it('writes a FHIR R4 searchset Bundle of AuditEvents with the required elements', async () => {
    const expected = inOrder(A_EVENTS)
      .filter(inWindow)
      .filter((e) => e.clientId === 'c-3');
    const res = await get(`/v1/audit/export?format=fhir&clientId=c-3&${WINDOW}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
    const bundle = res.json<BundleJson>();
    expect(bundle.resourceType).toBe('Bundle');
    expect(['searchset', 'collection']).toContain(bundle.type);
    const entries = bundle.entry ?? [];
    expect(entries).toHaveLength(expected.length);
    entries.forEach(({ resource }, i) => {
      const e = expected[i]!;
      expect(resource.resourceType).toBe('AuditEvent');
      expect(resource.type?.system).toBe('http://dicom.nema.org/resources/ontology/DCM');
      expect(resource.type?.code).toMatch(/^1101\d\d$/);
      expect(['C', 'R', 'U', 'D', 'E']).toContain(resource.action);
      expect(Date.parse(resource.recorded ?? '')).toBe(e.occurredAt);
      expect(resource.outcome).toBe(e.outcome === 'SUCCESS' ? '0' : e.outcome === 'FAILURE' ? '8' : '4');
      expect(resource.agent?.length).toBeGreaterThan(0);
      for (const agent of resource.agent ?? []) expect(typeof agent.requestor).toBe('boolean');
      expect(resource.source?.observer).toBeTruthy();
      const refs = (resource.entity ?? []).map((x) => x.what?.reference ?? x.what?.identifier?.value);
      expect(refs).toContain('Patient/c-3');
      if (e.taskId) expect(refs).toContain(e.taskId);
      const labels = (resource.meta?.security ?? []).map((c) => c.code);
      expect(labels.includes('42CFRPart2')).toBe(e.part2);
      if (e.purposeOfUse === 'TREATMENT')
        expect(resource.purposeOfEvent?.[0]?.coding?.[0]?.code).toBe('TREAT');
    });
  });
});

/** percentile_cont: linear interpolation between the closest ranks. */
function percentileCont(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

function expectedMetrics(
  events: readonly AuditEvent[],
  outcomes: readonly ReviewOutcome[],
  keyOf: (at: number, templateVersion: string | null) => string | null,
) {
  const groups = new Map<
    string | null,
    {
      calls: AuditEvent[];
      drafts: Map<string, Set<string>>;
      leaks: number;
      denials: number;
      seen: boolean;
      reviews: number[];
    }
  >();
  const group = (key: string | null) => {
    if (!groups.has(key))
      groups.set(key, { calls: [], drafts: new Map(), leaks: 0, denials: 0, seen: false, reviews: [] });
    return groups.get(key)!;
  };
  for (const e of events.filter(inWindow)) {
    const g = () => group(keyOf(e.occurredAt, e.templateVersion));
    if (e.action === 'LLM_CALL') g().calls.push(e);
    if (e.action === 'LEAK_BLOCKED') g().leaks += 1;
    if ((e.action === 'POLICY_DECISION' || e.action === 'CONSENT_CHECK') && e.outcome === 'DENIED')
      g().denials += 1;
    if (['LLM_CALL', 'LEAK_BLOCKED', 'POLICY_DECISION', 'CONSENT_CHECK'].includes(e.action)) g().seen = true;
    if (e.action === 'DRAFT_WRITTEN' && e.outcome === 'SUCCESS') {
      const drafts = g().drafts;
      const useCase = e.useCase ?? 'unspecified';
      drafts.set(useCase, (drafts.get(useCase) ?? new Set()).add(e.taskId ?? e.eventId));
    }
  }
  for (const r of outcomes.filter((o) => inWindow({ occurredAt: o.signedAt }))) {
    group(keyOf(r.signedAt, `${r.templateId}@${r.templateVersion}`)).reviews.push(r.normalizedEditDistance);
  }
  return groups;
}

describe('LLMOps metrics', () => {
  const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10);
  it.each([
    ['templateVersion', (_at: number, t: string | null) => t],
    ['day', (at: number) => utcDay(at)],
  ] as const)('by %s match the figures computed from the fixture', async (groupBy, keyOf) => {
    const expected = expectedMetrics(A_EVENTS, A_REVIEWS, keyOf);
    const res = await get(`/v1/metrics/llmops?groupBy=${groupBy}&${WINDOW}`);
    expect(res.status).toBe(200);
    const groups = res.json<{ groups: MetricsGroupJson[] }>().groups;
    expect(groups.map((g) => g.key).sort()).toEqual([...expected.keys()].sort());
    for (const g of groups) {
      const x = expected.get(g.key)!;
      const latencies = x.calls.map((c) => c.counts['latencyMs']!);
      expect(g.llmCalls.count).toBe(x.calls.length);
      expect(g.llmCalls.failed).toBe(x.calls.filter((c) => c.outcome !== 'SUCCESS').length);
      expect(g.llmCalls.promptTokens).toBe(x.calls.reduce((s, c) => s + c.counts['promptTokens']!, 0));
      expect(g.llmCalls.completionTokens).toBe(
        x.calls.reduce((s, c) => s + c.counts['completionTokens']!, 0),
      );
      if (latencies.length > 0) {
        expect(g.llmCalls.latencyMsMean).toBeCloseTo(
          latencies.reduce((s, v) => s + v, 0) / latencies.length,
          6,
        );
        expect(g.llmCalls.latencyMsP95).toBeCloseTo(percentileCont(latencies, 0.95), 6);
      } else {
        expect(g.llmCalls.latencyMsP95).toBeNull();
      }
      expect(g.leakBlocks).toBe(x.leaks);
      expect(g.policyDenials).toBe(x.denials);
      const byUseCase = Object.fromEntries([...x.drafts].map(([u, tasks]) => [u, tasks.size]));
      expect(g.drafts.byUseCase).toEqual(byUseCase);
      expect(g.reviews.count).toBe(x.reviews.length);
      if (x.reviews.length > 0) {
        const accepted = x.reviews.filter((d) => d <= 0.2).length;
        expect(g.reviews.acceptanceRate).toBeCloseTo(accepted / x.reviews.length, 9);
        expect(g.reviews.meanNormalizedEditDistance).toBeCloseTo(
          x.reviews.reduce((s, v) => s + v, 0) / x.reviews.length,
          9,
        );
      }
    }
  });

  it("computes tenant B's metrics from tenant B's events only", async () => {
    const expected = expectedMetrics(B_EVENTS, B_REVIEWS, (_at, t) => t);
    const { groups } = (await get(`/v1/metrics/llmops?groupBy=templateVersion&${WINDOW}`, tokenB)).json<{
      groups: MetricsGroupJson[];
    }>();
    expect(groups.map((g) => [g.key, g.llmCalls.count]).sort()).toEqual(
      [...expected].map(([key, x]) => [key, x.calls.length]).sort(),
    );
  });
});

describe('refusals and auditing over HTTP', () => {
  const INTERNALS = /select |from audit|pg_|postgres|syntax error|stack|\.ts:\d+/i;
  it.each([
    [`/v1/audit/events?clientId=${encodeURIComponent("c-1' OR '1'='1")}`, 400],
    [`/v1/audit/events?clientId=${encodeURIComponent('c-1; DROP TABLE audit.events; --')}`, 400],
    ['/v1/audit/events?from=2025-02-30T25:00:00Z', 400],
    ['/v1/audit/events?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 400],
    ['/v1/audit/events?limit=100000', 400],
    ['/v1/audit/events?orderBy=seq', 400],
    ['/v1/audit/disclosures?clientId=c-1&from=2010-01-01T00:00:00Z', 400],
  ])('%s → %i with a message and no internals', async (path, status) => {
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(res.json<ErrorJson>().error.message.length).toBeGreaterThan(10);
    expect(res.body).not.toMatch(INTERNALS);
  });

  it('publishes QUERY for answered queries and AUTH_FAILURE for refused ones, without filter values', async () => {
    await authFailures.flush(true); // what earlier tests refused
    const before = published.length;
    expect((await get('/v1/audit/disclosures?clientId=c-3')).status).toBe(200);
    expect(
      (
        await get(
          '/v1/audit/disclosures?clientId=c-3',
          await issuer.sign('tenant-a', { roles: ['clinician'], sub: 'dr-9' }),
        )
      ).status,
    ).toBe(403);
    await authFailures.flush(true);
    await eventually(() => published.length >= before + 2, 'two audit events');
    const events = await Promise.all(
      published.slice(before).map((r) => serde.decode(auditEventTopic, r.value!)),
    );
    const query = events.find((e) => e.action === 'QUERY');
    expect(query).toMatchObject({ tenantId: 'tenant-a', outcome: 'SUCCESS' });
    expect(query?.actor).toEqual({ service: 'audit-sink', userId: 'officer-a', role: 'compliance_officer' });
    expect(events.find((e) => e.action === 'AUTH_FAILURE')).toMatchObject({
      tenantId: 'tenant-a',
      outcome: 'DENIED',
      reasonCode: 'AUTH_ROLE_REQUIRED',
      actor: { userId: 'dr-9' },
      counts: { failures: 1 },
    });
    for (const e of events) expect(JSON.stringify({ ...e, hashes: {} })).not.toContain('c-3');
  });
});

describe('a flood of bad tokens (real HTTP, real Postgres)', () => {
  it('1000 refused requests from one source in one minute are stored as one AUTH_FAILURE counting 1000', async () => {
    await authFailures.flush(true);
    const before = published.length;
    const stranger = await (await createTokenIssuer('ES256')).sign('tenant-a');
    for (let batch = 0; batch < 20; batch++) {
      const statuses = await Promise.all(
        Array.from({ length: 50 }, async () => (await get('/v1/audit/events', stranger)).status),
      );
      expect(statuses.every((status) => status === 401)).toBe(true);
    }
    await authFailures.flush(true);
    await eventually(() => published.length > before, 'the aggregated audit event');
    const events = await Promise.all(
      published.slice(before).map((r) => serde.decode(auditEventTopic, r.value!)),
    );
    await store.appendEvents(events);

    const admin = new pg.Client({ connectionString: db.adminUrl });
    await admin.connect();
    try {
      const rows = await admin.query<{ reason_code: string; counts: Record<string, number> }>(
        "SELECT reason_code, counts FROM audit.events WHERE tenant_id = 'unknown' AND action = 'AUTH_FAILURE'",
      );
      expect(rows.rows).toHaveLength(1);
      expect(rows.rows[0]).toMatchObject({
        reason_code: 'AUTH_TOKEN_INVALID',
        counts: { failures: 1000, windowStartMs: Date.UTC(2026, 11, 7, 19, 30), windowMs: 60_000 },
      });
    } finally {
      await admin.end();
    }
  }, 120_000);
});
