import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { exportFingerprintKeys, LocalKeyProvider, readKeyFile, writeKeyFile } from '@carerelay/crypto';
import {
  SANDBOX_PRACTITIONERS,
  sandboxFhirClient,
  startSandboxEhr,
  type SandboxEhr,
} from '@carerelay/ehr/sandbox';
import {
  AvroSerde,
  RegistrySchemaStore,
  TOPIC_DECLARATIONS,
  aiDraftTopic,
  aiRequestTopic,
  aiTaskTopic,
  auditEventTopic,
  codingSuggestionTopic,
  ehrChangeTopic,
  ehrWritebackTopic,
  reviewOutcomeTopic,
  riskAlertTopic,
  type TopicContract,
} from '@carerelay/events';
import { startAzureRecorder } from '@carerelay/llm/testing';
import { createScratchDatabase, type ScratchDatabase } from '@carerelay/service-audit-sink/testing';
import { startFaultProxy, type FaultProxy } from './support/chaos/ehr-proxy.js';
import {
  chooseClients,
  editFinishedEncounter,
  finishEncounter,
  seedClients,
  type ChaosClient,
} from './support/chaos/fixture.js';
import { KafkaWatch, type GroupTopic, type Offsets, type ReadRecord } from './support/chaos/kafka-watch.js';
import { ModelFaultScript } from './support/chaos/model-faults.js';
import { emergencyCleanup, freePort, ServiceProcess, terminate } from './support/chaos/processes.js';
import { ReadyWatch, followed, type FollowVerdict } from './support/chaos/ready-watch.js';
import { startPausableRedis, type PausableRedis } from './support/chaos/redis.js';
import { deliverSessionEnded, type VendorDelivery } from './support/chaos/webhook.js';

/*
 * Issue #12, "What it must show": the chaos test. The seven services run as separate
 * processes (services/<name>/dist/main.js, configured by env only) on real Kafka and
 * Apicurio, a private Redis, Postgres (the audit store), the sandbox EHR behind a proxy
 * this test can make answer 503, and the Azure protocol recorder scripted to be slow and
 * then rate-limited. Webhooks and polling are both on. Sessions end while Redis is frozen,
 * the EHR is down and the model is slow or refusing; a finished session is edited twice
 * after its draft. Afterwards: no dead letters, one model call and one draft per session, no
 * rebalance loop, `/ready` followed each dependency, no client identifier in any log.
 *
 * Run: `npx turbo run build` (the services run from dist), then
 * `npx vitest run --project int test/chaos.int.test.ts` (about 3-4 minutes with the broker).
 * The scenario runs once in beforeAll and records what happened; each `it` states one
 * requirement against that record, and the table is printed either way.
 *
 * How each requirement is measured, independently of the services' own accounts:
 * - dead letters: every record that lands on any *.dlq topic after the start (read back from Kafka);
 * - drafts: DocumentReferences/Compositions in the sandbox carrying the CareRelay task identifier
 *   or the AI draft label, per client (each session has a client of its own);
 * - model calls: the recorder's requests, by the task id the worker sends as its request id,
 *   mapped to the client through ai.task.v1; a request refused with 429 is not a call;
 * - rebalances: the broker's group descriptions, polled every second: a consumer that lost its
 *   session comes back under a new member id; kafkajs' rejoin warnings in the logs besides;
 * - /ready: polled every second for every service; a dependency is found by name in the body,
 *   whatever its shape (support/chaos/ready-watch.ts).
 */

// ---------------------------------------------------------------------------------------
// Knobs, in one place. Faults are the issue's; the service settings are what an operator
// would set to ride them out.
// ---------------------------------------------------------------------------------------

/** The faults of the issue, and when they start relative to T0 (the end of the warm-up). */
const FAULTS = {
  redis: { atMs: 8_000, forMs: 20_000 },
  ehr: { atMs: 35_000, forMs: 30_000 },
  /** From the first model request after T0: answers take 45 s for 15 s, then 429 Retry-After: 30 for 30 s. */
  modelSlow: { windowMs: 15_000, delayMs: 45_000 },
  modelRateLimit: { windowMs: 30_000, retryAfterSeconds: 30 },
} as const;

/** When each session ends (the clinician closes it in the EHR, the vendor's webhook fires), from T0. */
const SESSION_ENDS_AT_MS = {
  slowModel: 0,
  redisPause: 10_000,
  rateLimit: 22_000,
  ehrOutage: 37_000,
} as const;
/** The warm-up session's Encounter is edited at these times (from T0), after its draft was written. */
const EDITS_AT_MS = [12_000, 45_000] as const;

/**
 * Settings of the services for this test. The first group exists today; the second is what
 * issue #12 finding 4 asks for (time-based retry budgets that pause rather than give up,
 * Redis command timeouts, per-dependency readiness). Today's code ignores unknown variables;
 * the names below are proposals to be aligned with the fix after merge. The attempt-based
 * knobs of today are deliberately left at their defaults: defaults are what must ride out
 * a real outage.
 */
const SERVICE_TUNING: Readonly<Record<string, string>> = {
  // Exist today: test speed, and faults isolated to their sessions.
  POLL_INTERVAL_MS: '2000',
  CONSUMER_CONCURRENCY: '6',
  LLM_RATE_RPM: '600',
  LOG_LEVEL: 'debug',
  // Outages are ridden out (issue #12 finding 4): retryable failures retry for up to 4 minutes,
  // Redis commands fail fast while it is paused, /ready re-checks each dependency every second.
  BUS_RETRY_MAX_ELAPSED_MS: '240000',
  BUS_RETRY_MAX_DELAY_MS: '10000',
  REDIS_COMMAND_TIMEOUT_MS: '2000',
  READY_CACHE_MS: '1000',
};

/** How long /ready may take to report a dependency back once its fault is over. */
const READY_RECOVERY_MS = 60_000;
/** After the sentinel session: how long the pipeline may take to go quiet. */
const SETTLE_DEADLINE_MS = 150_000;

const SERVICES = [
  'ehr-connector',
  'deidentifier',
  'llm-worker',
  'writeback',
  'audit-sink',
  'risk-scanner',
  'coder',
] as const;
type ServiceName = (typeof SERVICES)[number];

/** Independently written: the identifier system writeback marks its drafts with, and their label. */
const TASK_IDENTIFIER_SYSTEM = 'urn:carerelay:task';
const AI_DRAFT_LABEL = 'AI-Assisted Draft';

type FaultName = 'redis' | 'ehr' | 'modelSlow' | 'modelRateLimit';
const FAULT_TITLES: Record<FaultName, string> = {
  redis: 'Redis SIGSTOP 20 s',
  ehr: 'EHR answers 503 for 30 s',
  modelSlow: 'model answers after 45 s',
  modelRateLimit: 'model 429, Retry-After: 30',
};

interface Session {
  readonly name: string;
  readonly client: ChaosClient;
  finishedAt?: number;
  webhook?: VendorDelivery;
}

interface Draft {
  readonly resourceType: string;
  readonly id: string;
  readonly patientId: string;
  readonly taskId: string | undefined;
  readonly encounterId: string | undefined;
  readonly writtenAt: number;
  /** The draft names its client in full (re-identified): identifiers did flow through the services. */
  readonly namesClient: boolean;
}

interface DeadLetter {
  readonly dlqTopic: string;
  readonly errorCode: string;
  readonly groupId: string;
  readonly clientId: string | undefined;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('chaos: Redis frozen, EHR down, model slow then rate-limited, an Encounter edited; webhooks and polling on (issue #12)', () => {
  const runId = `${process.pid.toString(36)}${Date.now().toString(36)}`;
  const { tenantId, clients } = chooseClients(runId, 4, 6);
  const [avery, jordan, c1, c2, c3, c4] = clients as [
    ChaosClient,
    ChaosClient,
    ChaosClient,
    ChaosClient,
    ChaosClient,
    ChaosClient,
  ];
  const sessions: Record<
    'warmup' | 'slowModel' | 'redisPause' | 'rateLimit' | 'ehrOutage' | 'sentinel',
    Session
  > = {
    warmup: { name: 'warm-up, edited twice', client: avery },
    slowModel: { name: 'slow model', client: jordan },
    redisPause: { name: 'Redis frozen', client: c1 },
    rateLimit: { name: 'model 429', client: c2 },
    ehrOutage: { name: 'EHR down', client: c3 },
    sentinel: { name: 'sentinel (after the faults)', client: c4 },
  };
  const allSessions = Object.values(sessions);
  const auditGroup = `audit-sink-chaos-${runId}`;
  /** Every consumer group of the services, with its topic (service defaults; audit-sink's is configured). */
  const GROUPS: ReadonlyArray<GroupTopic & { service: ServiceName }> = [
    { service: 'ehr-connector', groupId: 'ehr-connector', topic: ehrChangeTopic.name },
    { service: 'deidentifier', groupId: 'deidentifier', topic: aiTaskTopic.name },
    { service: 'llm-worker', groupId: 'llm-worker', topic: aiRequestTopic.name },
    { service: 'writeback', groupId: 'writeback', topic: aiDraftTopic.name },
    { service: 'writeback', groupId: 'writeback.risk-alert', topic: 'risk.alert.v1' },
    { service: 'writeback', groupId: 'writeback.coding-suggestion', topic: 'coding.suggestion.v1' },
    { service: 'audit-sink', groupId: auditGroup, topic: auditEventTopic.name },
    { service: 'audit-sink', groupId: `${auditGroup}.review-outcomes`, topic: 'review.outcome.v1' },
  ];
  const PIPELINE = GROUPS.filter((g) => g.service !== 'audit-sink');
  const DLQ_TOPICS = TOPIC_DECLARATIONS.map((d) => d.name).filter((n) => n.endsWith('.dlq'));
  const DECODABLE: Record<string, TopicContract<unknown>> = Object.fromEntries(
    [ehrChangeTopic, aiTaskTopic, aiRequestTopic, aiDraftTopic, ehrWritebackTopic, auditEventTopic].map(
      (t) => [t.name, t as TopicContract<unknown>],
    ),
  );

  let sandbox: SandboxEhr;
  let proxy: FaultProxy;
  let redis: PausableRedis;
  let recorder: Awaited<ReturnType<typeof startAzureRecorder>>;
  const model = new ModelFaultScript();
  let db: ScratchDatabase;
  let watch: KafkaWatch;
  let serde: AvroSerde;
  let tail: ReadRecord[] = [];
  const services = new Map<ServiceName, ServiceProcess>();
  const readyWatches = new Map<ServiceName, ReadyWatch>();
  const webhookDeliveries: Array<Promise<void>> = [];
  const windows: Partial<Record<FaultName, { from: number; to: number }>> = {};
  let t0 = 0;
  let baselineMembers = new Map<string, number>();
  /** Where each service's output stood at T0: rejoin log lines are counted after it. */
  const outputAtT0 = new Map<ServiceName, number>();

  // What the run observed, filled at the end of beforeAll.
  const observed = {
    settled: false,
    sentinelPolled: false,
    drafts: [] as Draft[],
    deadLetters: [] as DeadLetter[],
    taskClient: new Map<string, string>(),
    modelCalls: new Map<string, number>(), // patientId → answered calls (not refused with 429)
    modelRequests: new Map<string, number>(), // patientId → HTTP requests
    unattributedModelRequests: 0,
    rejoins: new Map<string, number>(),
    rebalanceLogLines: new Map<string, number>(),
    ready: [] as Array<FollowVerdict & { fault: FaultName }>,
    exposure: new Map<FaultName, Session[]>(),
  };

  const ehrWebhookSecret = randomBytes(32);
  let ingressUrl = '';
  /** Key files, the SMART key and the webhook secret of this run (0700). */
  let dir = '';

  beforeAll(async () => {
    // ---- infrastructure ------------------------------------------------------------
    sandbox = await startSandboxEhr();
    await seedClients(sandbox, clients);
    proxy = await startFaultProxy(sandbox.baseUrl);
    recorder = await startAzureRecorder(model.responder);
    redis = await startPausableRedis();
    db = await createScratchDatabase(inject('databaseUrl'), 'carerelay_chaos');
    serde = new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl')));

    dir = mkdtempSync(join(tmpdir(), 'chaos-'));
    const keyFile = join(dir, 'keys.json');
    LocalKeyProvider.fromFile(keyFile, { create: true });
    // The llm-worker holds the tenant's fingerprint key only (carerelay keys export-fingerprint).
    const fingerprintKeyFile = join(dir, 'fingerprint-keys.json');
    writeKeyFile(fingerprintKeyFile, exportFingerprintKeys(readKeyFile(keyFile), [tenantId]));
    const smartKeyFile = join(dir, 'smart.json');
    writeFileSync(smartKeyFile, JSON.stringify(sandbox.clients.rs384.privateJwk), { mode: 0o600 });
    const webhookSecretFile = join(dir, 'webhook.secret');
    writeFileSync(webhookSecretFile, ehrWebhookSecret, { mode: 0o600 });
    chmodSync(dir, 0o700);

    // ---- Kafka: this run's records only -------------------------------------------
    const brokers = inject('kafkaBrokers').split(',');
    watch = await KafkaWatch.connect(brokers);
    await watch.warmUp(90_000);
    await watch.resetGroupsToEnd(GROUPS, 60_000);
    const allTopics = TOPIC_DECLARATIONS.map((d) => d.name);
    const start: Offsets = await watch.highWatermarks(allTopics);
    ({ records: tail } = await watch.tail([ehrChangeTopic.name, aiTaskTopic.name, ...DLQ_TOPICS], start));

    // ---- the seven services, each its own process ---------------------------------
    // Seven processes registering the same subjects at once on a fresh registry race (one gets
    // SCHEMA_INCOMPATIBLE and exits): the schemas are registered first, as a deploy pipeline would.
    for (const topic of [
      ehrChangeTopic,
      aiTaskTopic,
      aiRequestTopic,
      aiDraftTopic,
      ehrWritebackTopic,
      auditEventTopic,
      reviewOutcomeTopic,
      riskAlertTopic,
      codingSuggestionTopic,
    ])
      await serde.register(topic);
    const ingressPort = await freePort();
    ingressUrl = `http://127.0.0.1:${ingressPort}`;
    const env: Record<string, string> = {
      KAFKA_BROKERS: inject('kafkaBrokers'),
      SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
      OPS_PORT: '0',
      TENANT_ID: tenantId,
      AUDIT_DEPLOYMENT_TENANT: `${tenantId}-deployment`,
      REDIS_URL: redis.url,
      KEY_FILE: keyFile,
      FINGERPRINT_KEY_FILE: fingerprintKeyFile,
      FHIR_BASE_URL: proxy.baseUrl,
      SMART_CLIENT_ID: sandbox.clients.rs384.clientId,
      SMART_PRIVATE_KEY_FILE: smartKeyFile,
      INGRESS_PORT: String(ingressPort),
      WEBHOOK_SECRET_FILE: webhookSecretFile,
      WEBHOOK_VENDOR: 'chaos-ehr',
      LLM_PROVIDER: 'azure-openai',
      AZURE_OPENAI_ENDPOINT: recorder.url,
      AZURE_OPENAI_API_KEY: 'chaos-test-key',
      AZURE_OPENAI_DEPLOYMENT: 'notes',
      AUDIT_DATABASE_URL: db.urlAs('carerelay_audit_writer'),
      AUDIT_ADMIN_DATABASE_URL: db.adminUrl,
      AUDIT_CONSUMER_GROUP: auditGroup,
      ...SERVICE_TUNING,
    };
    for (const name of SERVICES)
      services.set(
        name,
        new ServiceProcess(
          name,
          env,
          GROUPS.filter((g) => g.service === name).map((g) => g.groupId),
        ),
      );
    await Promise.all([...services.values()].map((s) => s.started(150_000, 3)));
    const restarts = [...services.values()].filter((s) => s.startFailures.length > 0);
    if (restarts.length > 0)
      console.log(
        `services restarted during start-up (not part of the chaos verdict):\n${restarts
          .map((s) => `${s.name}: ${s.startFailures.join('\n')}`)
          .join('\n')}`,
      );
    await waitUntil('every service ready', 60_000, async () => {
      const answers = await Promise.all(
        [...services.values()].map((s) =>
          fetch(`${s.opsUrl}/ready`, { signal: AbortSignal.timeout(3_000) }).then(
            (r) => r.status,
            () => 0,
          ),
        ),
      );
      return answers.every((status) => status === 200);
    });
    for (const [name, s] of services) readyWatches.set(name, new ReadyWatch(name, s.opsUrl, 1_000));
    watch.watchGroups(
      GROUPS.map((g) => g.groupId),
      1_000,
    );

    // ---- warm-up: the pipeline works before anything breaks ----------------------
    await endSession(sessions.warmup);
    const warm = await waitUntil(
      'the warm-up draft',
      120_000,
      async () => (await draftsOf(avery)).length > 0,
    );
    if (!warm)
      throw new Error('harness: the warm-up session never became a draft, the pipeline is not running');
    // Both announcements of the warm-up (webhook and poll) are through before T0, so nothing of
    // the warm-up is still in flight when the faults start.
    await Promise.all(webhookDeliveries);
    await waitUntil('the poller to report the warm-up session', 30_000, async () =>
      (await changes()).some((c) => c.encounterId === avery.encounterId && c.source === 'POLL'),
    );
    await settle(60_000);
    // Membership once the groups are formed; anything new after T0 is a member that rejoined.
    await waitUntil('every group stable with members', 30_000, () =>
      GROUPS.filter((g) =>
        ['ehr-connector', 'deidentifier', 'llm-worker', 'writeback'].includes(g.groupId),
      ).every((g) => (watch.membership.get(g.groupId)?.memberIds.length ?? 0) > 0),
    );

    // ---- chaos --------------------------------------------------------------------
    t0 = Date.now();
    model.arm([
      { treatment: 'slow', windowMs: FAULTS.modelSlow.windowMs, delayMs: FAULTS.modelSlow.delayMs },
      {
        treatment: 'rate-limited',
        windowMs: FAULTS.modelRateLimit.windowMs,
        retryAfterSeconds: FAULTS.modelRateLimit.retryAfterSeconds,
      },
    ]);
    baselineMembers = new Map([...watch.membership].map(([g, m]) => [g, m.memberIds.length]));
    for (const [name, s] of services) outputAtT0.set(name, s.output().length);
    const timeline: Array<[number, () => Promise<void> | void]> = [
      [SESSION_ENDS_AT_MS.slowModel, () => endSession(sessions.slowModel)],
      [
        FAULTS.redis.atMs,
        () => {
          redis.pause();
          windows.redis = { from: Date.now(), to: Number.POSITIVE_INFINITY };
        },
      ],
      [SESSION_ENDS_AT_MS.redisPause, () => endSession(sessions.redisPause)],
      [EDITS_AT_MS[0], () => editFinishedEncounter(sandbox, avery.encounterId, 1).then(() => undefined)],
      [SESSION_ENDS_AT_MS.rateLimit, () => endSession(sessions.rateLimit)],
      [
        FAULTS.redis.atMs + FAULTS.redis.forMs,
        () => {
          redis.resume();
          windows.redis = { from: windows.redis!.from, to: Date.now() };
        },
      ],
      [
        FAULTS.ehr.atMs,
        () => {
          proxy.fail(true);
          windows.ehr = { from: Date.now(), to: Number.POSITIVE_INFINITY };
        },
      ],
      [SESSION_ENDS_AT_MS.ehrOutage, () => endSession(sessions.ehrOutage)],
      [EDITS_AT_MS[1], () => editFinishedEncounter(sandbox, avery.encounterId, 2).then(() => undefined)],
      [
        FAULTS.ehr.atMs + FAULTS.ehr.forMs,
        () => {
          proxy.fail(false);
          windows.ehr = { from: windows.ehr!.from, to: Date.now() };
        },
      ],
    ];
    for (const [atMs, step] of [...timeline].sort((a, b) => a[0] - b[0])) {
      await sleep(Math.max(0, t0 + atMs - Date.now()));
      await step();
    }
    // The model's phases start with the first request after the previous one: wait for them to be over.
    await waitUntil('the model faults to be over', 120_000, () => model.done());
    windows.modelSlow = model.window('slow');
    windows.modelRateLimit = model.window('rate-limited');

    // ---- the sentinel: ends after every fault and every edit ------------------------
    await endSession(sessions.sentinel);
    await Promise.all(webhookDeliveries);
    observed.sentinelPolled = await waitUntil('the poller to report the sentinel session', 60_000, async () =>
      (await changes()).some(
        (c) => c.encounterId === sessions.sentinel.client.encounterId && c.source === 'POLL',
      ),
    );
    observed.settled = await settle(SETTLE_DEADLINE_MS);
    // One more poll interval: a pass that was under way sees the end state too.
    await sleep(Number(SERVICE_TUNING.POLL_INTERVAL_MS) * 2);

    // ---- what happened ------------------------------------------------------------
    watch.stopWatching();
    await Promise.all([...readyWatches.values()].map((w) => w.stop()));
    await collectObservations();
    printTable();
  }, 480_000);

  afterAll(async () => {
    // SIGCONT before anything else: a frozen Redis must never outlive the test.
    try {
      redis?.resume();
    } catch {
      // not started
    }
    proxy?.fail(false);
    watch?.stopWatching();
    await Promise.allSettled([...readyWatches.values()].map((w) => w.stop()));
    await Promise.allSettled([...services.values()].map((s) => terminate(s.child, 15_000)));
    await Promise.allSettled([
      watch?.close(),
      redis?.stop(),
      proxy?.close(),
      // A slow answer still pending must not hold the test up.
      recorder ? Promise.race([recorder.close(), sleep(2_000)]) : undefined,
      sandbox?.stop(),
      db?.drop(),
    ]);
    emergencyCleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  // ---------------------------------------------------------------------------------
  // Steps and observations
  // ---------------------------------------------------------------------------------

  /** The clinician closes the session in the EHR; the vendor's webhook fires too (polling sees the edit). */
  async function endSession(session: Session): Promise<void> {
    await finishEncounter(sandbox, session.client.encounterId);
    session.finishedAt = Date.now();
    webhookDeliveries.push(
      deliverSessionEnded({
        ingressUrl,
        tenantId,
        secret: ehrWebhookSecret,
        eventId: `evt-${runId}-${session.client.encounterId}`,
        clientId: session.client.patientId,
        encounterId: session.client.encounterId,
        actorUserId: SANDBOX_PRACTITIONERS.therapist.id,
        deadlineMs: 120_000,
      }).then((d) => {
        session.webhook = d;
      }),
    );
  }

  /** Quiet: no consumer group of the pipeline has anything left to process, three checks in a row. */
  async function settle(timeoutMs: number): Promise<boolean> {
    let calm = 0;
    return waitUntil(
      'the pipeline to go quiet',
      timeoutMs,
      async () => {
        const lags = await watch.lag(PIPELINE);
        calm = [...lags.values()].every((l) => l === 0n) ? calm + 1 : 0;
        return calm >= 3;
      },
      1_000,
    );
  }

  async function waitUntil(
    _what: string,
    timeoutMs: number,
    predicate: () => boolean | Promise<boolean>,
    everyMs = 500,
  ): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await predicate()) return true;
      if (Date.now() > deadline) return false;
      await sleep(everyMs);
    }
  }

  async function decodeAll<T>(topic: TopicContract<T>): Promise<T[]> {
    return Promise.all(
      tail.filter((r) => r.topic === topic.name && r.value).map((r) => serde.decode(topic, r.value!)),
    );
  }

  async function changes(): Promise<Array<{ encounterId: string | null; source: string; tenantId: string }>> {
    return (await decodeAll(ehrChangeTopic)).filter((c) => c.tenantId === tenantId);
  }

  /**
   * Drafts CareRelay wrote for one patient: DocumentReferences (and Compositions, should a
   * fix write those) that carry the task identifier or the AI draft label. Read from the
   * sandbox directly, not through the proxy.
   */
  async function draftsOf(client: ChaosClient): Promise<Draft[]> {
    const patientId = client.patientId;
    const fhir = sandboxFhirClient(sandbox);
    const found: Draft[] = [];
    for (const type of ['DocumentReference', 'Composition'] as const) {
      const resources = (await fhir.search(type, {
        patient: patientId,
      })) as unknown as Array<{
        resourceType: string;
        id?: string;
        description?: string;
        title?: string;
        identifier?: Array<{ system?: string; value?: string }> | { system?: string; value?: string };
        content?: Array<{ attachment?: { data?: string } }>;
        context?: { encounter?: Array<{ reference?: string }> };
        encounter?: { reference?: string };
        meta?: { lastUpdated?: string };
      }>;
      for (const r of resources) {
        const identifiers = Array.isArray(r.identifier) ? r.identifier : r.identifier ? [r.identifier] : [];
        const taskId = identifiers.find((i) => i.system === TASK_IDENTIFIER_SYSTEM)?.value;
        const text = Buffer.from(r.content?.[0]?.attachment?.data ?? '', 'base64').toString('utf8');
        const labelled = [r.description, r.title, text].some((s) => s?.startsWith(AI_DRAFT_LABEL));
        if (!taskId && !labelled) continue;
        const encounterRef = r.context?.encounter?.[0]?.reference ?? r.encounter?.reference;
        found.push({
          resourceType: r.resourceType,
          id: r.id ?? '',
          patientId,
          taskId,
          encounterId: encounterRef?.replace(/^Encounter\//, ''),
          writtenAt: Date.parse(r.meta?.lastUpdated ?? '') || 0,
          namesClient: text.includes(`${client.given} ${client.family}`),
        });
      }
    }
    return found;
  }

  async function collectObservations(): Promise<void> {
    const tasks = (await decodeAll(aiTaskTopic)).filter((t) => t.tenantId === tenantId);
    for (const t of tasks) observed.taskClient.set(t.taskId, t.clientId);

    for (const s of allSessions) observed.drafts.push(...(await draftsOf(s.client)));

    for (const r of tail.filter((x) => x.topic.endsWith('.dlq'))) {
      const original = r.headers['x-dlq-original-topic'] ?? r.topic.replace(/\.dlq$/, '');
      let clientId: string | undefined;
      try {
        const value = (await serde.decode(DECODABLE[original]!, r.value!)) as {
          clientId?: string;
          taskId?: string;
        };
        clientId = value.clientId ?? (value.taskId ? observed.taskClient.get(value.taskId) : undefined);
      } catch {
        clientId = undefined;
      }
      observed.deadLetters.push({
        dlqTopic: r.topic,
        errorCode: r.headers['x-dlq-error-code'] ?? '?',
        groupId: r.headers['x-dlq-consumer-group'] ?? '?',
        clientId,
      });
    }

    for (const req of model.requests) {
      const patientId = req.taskId ? observed.taskClient.get(req.taskId) : undefined;
      if (!patientId) {
        observed.unattributedModelRequests += 1;
        continue;
      }
      observed.modelRequests.set(patientId, (observed.modelRequests.get(patientId) ?? 0) + 1);
      if (req.treatment !== 'rate-limited')
        observed.modelCalls.set(patientId, (observed.modelCalls.get(patientId) ?? 0) + 1);
    }

    for (const [group, seen] of watch.membership)
      observed.rejoins.set(group, seen.memberIds.length - (baselineMembers.get(group) ?? 0));
    for (const [name, s] of services)
      observed.rebalanceLogLines.set(
        name,
        (
          s
            .output()
            .slice(outputAtT0.get(name) ?? 0)
            .match(/The group is rebalancing, re-joining|The coordinator is not aware of this member/g) ?? []
        ).length,
      );

    const readyPlan: Array<[FaultName, ServiceName[], 'redis' | 'ehr' | 'model']> = [
      ['redis', ['ehr-connector', 'deidentifier', 'llm-worker', 'writeback'], 'redis'],
      ['ehr', ['ehr-connector', 'writeback'], 'ehr'],
      ['modelRateLimit', ['llm-worker'], 'model'],
    ];
    for (const [fault, names, dependency] of readyPlan) {
      const window = windows[fault];
      if (!window) continue;
      for (const name of names)
        observed.ready.push({
          fault,
          ...followed(readyWatches.get(name)!, dependency, window, READY_RECOVERY_MS),
        });
    }

    // A session met a fault if it was in flight while the fault lasted: ended before the fault
    // was over and not yet drafted when it began (the model's faults: it got one of their answers).
    const firstDraftAt = (s: Session): number =>
      Math.min(...observed.drafts.filter((d) => d.patientId === s.client.patientId).map((d) => d.writtenAt));
    for (const fault of ['redis', 'ehr'] as const) {
      const w = windows[fault];
      observed.exposure.set(
        fault,
        w
          ? allSessions.filter(
              (s) => s !== sessions.warmup && (s.finishedAt ?? Infinity) <= w.to && firstDraftAt(s) >= w.from,
            )
          : [],
      );
    }
    for (const [fault, treatment] of [
      ['modelSlow', 'slow'],
      ['modelRateLimit', 'rate-limited'],
    ] as const) {
      const hit = new Set(
        model.requests
          .filter((r) => r.treatment === treatment && r.taskId)
          .map((r) => observed.taskClient.get(r.taskId!)),
      );
      observed.exposure.set(
        fault,
        allSessions.filter((s) => hit.has(s.client.patientId)),
      );
    }
  }

  const draftsFor = (s: Session): number =>
    observed.drafts.filter((d) => d.patientId === s.client.patientId).length;
  const lettersFor = (s: Session): number =>
    observed.deadLetters.filter((d) => d.clientId === s.client.patientId).length;
  const callsFor = (s: Session): number => observed.modelCalls.get(s.client.patientId) ?? 0;

  function printTable(): void {
    const rows: string[][] = [];
    const row = (fault: string, group: Session[]): void => {
      const drafts = group.reduce((n, s) => n + draftsFor(s), 0);
      const missing = group.filter((s) => draftsFor(s) === 0).length;
      rows.push([
        fault,
        String(group.length),
        missing > 0 ? `${drafts} (${missing} without)` : String(drafts),
        String(group.reduce((n, s) => n + Math.max(0, draftsFor(s) - 1), 0)),
        String(group.reduce((n, s) => n + lettersFor(s), 0)),
        `${group.reduce((n, s) => n + callsFor(s), 0)} (${group.reduce((n, s) => n + (observed.modelRequests.get(s.client.patientId) ?? 0), 0)} requests)`,
      ]);
    };
    row('none (warm-up), then Encounter edited twice', [sessions.warmup]);
    for (const fault of ['redis', 'ehr', 'modelSlow', 'modelRateLimit'] as const)
      row(FAULT_TITLES[fault], observed.exposure.get(fault) ?? []);
    row('none (sentinel, after the faults)', [sessions.sentinel]);
    row('all sessions', allSessions);
    rows.push([
      'not attributable to a session',
      '-',
      '-',
      '-',
      String(observed.deadLetters.filter((d) => !d.clientId).length),
      `${observed.unattributedModelRequests} requests`,
    ]);
    const header = ['fault', 'sessions', 'drafts', 'duplicates', 'dead letters', 'model calls'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
    const line = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
    const lines = [
      `chaos run ${runId} (tenant ${tenantId}), T0 = warm-up done`,
      ...Object.entries(windows).map(
        ([f, w]) =>
          `  ${FAULT_TITLES[f as FaultName]}: T0+${((w.from - t0) / 1000).toFixed(1)} s .. T0+${((w.to - t0) / 1000).toFixed(1)} s`,
      ),
      line(header),
      line(widths.map((w) => '-'.repeat(w))),
      ...rows.map(line),
      `sessions: ${allSessions
        .map(
          (s) =>
            `${s.name} [${s.client.encounterId}] drafts=${draftsFor(s)} calls=${callsFor(s)} letters=${lettersFor(s)} webhook=${s.webhook?.statuses.join('/') ?? '-'}`,
        )
        .join('; ')}`,
      `dead letters: ${observed.deadLetters.map((d) => `${d.dlqTopic} ${d.errorCode} (${d.groupId})`).join(', ') || 'none'}`,
      `rebalances (new member ids after T0): ${[...observed.rejoins].map(([g, n]) => `${g}=${n}`).join(', ')}`,
      `kafkajs rejoin log lines: ${[...observed.rebalanceLogLines].map(([s, n]) => `${s}=${n}`).join(', ')}`,
      `/ready followed: ${observed.ready
        .map(
          (v) =>
            `${v.service}/${v.dependency}: ${v.wentNotReady ? 'down' : 'never down'}${v.cameBack ? ', back' : ''}`,
        )
        .join('; ')}`,
      `settled=${observed.settled} sentinelPolled=${observed.sentinelPolled} proxy=${JSON.stringify(proxy.counts)}`,
    ];
    console.log(lines.join('\n'));
  }

  // ---------------------------------------------------------------------------------
  // The requirements
  // ---------------------------------------------------------------------------------

  it('the harness did what it says: every fault met sessions in flight, every session ended and was announced', () => {
    expect(allSessions.filter((s) => s.finishedAt === undefined).map((s) => s.name)).toEqual([]);
    expect(
      allSessions.filter((s) => s.webhook?.status !== 202 && s.webhook?.status !== 409).map((s) => s.name),
    ).toEqual([]);
    const unmet = (['redis', 'ehr', 'modelSlow', 'modelRateLimit'] as const).filter(
      (f) => (observed.exposure.get(f) ?? []).length === 0,
    );
    expect(unmet).toEqual([]);
    expect(proxy.counts.refused).toBeGreaterThan(0);
    expect(observed.sentinelPolled).toBe(true);
    // The identifier check below has teeth: the clients' names went through the services into the drafts.
    expect(observed.drafts.some((d) => d.namesClient)).toBe(true);
  });

  it('the pipeline went quiet after the faults (nothing left to process in any group)', () => {
    expect(observed.settled).toBe(true);
  });

  it('no dead letters on any *.dlq topic', () => {
    expect(observed.deadLetters.map((d) => `${d.dlqTopic}: ${d.errorCode} (${d.groupId})`)).toEqual([]);
  });

  it('exactly one draft per session in the EHR, whatever the source and however often the Encounter was edited', () => {
    const perSession = Object.fromEntries(allSessions.map((s) => [s.name, draftsFor(s)]));
    expect(perSession).toEqual(Object.fromEntries(allSessions.map((s) => [s.name, 1])));
    // Each draft is the session's own: its task was planned for that client's encounter.
    for (const d of observed.drafts) {
      const session = allSessions.find((s) => s.client.patientId === d.patientId)!;
      if (d.encounterId) expect(d.encounterId).toBe(session.client.encounterId);
      if (d.taskId) expect(observed.taskClient.get(d.taskId)).toBe(session.client.patientId);
    }
  });

  it('exactly one model call per session (a 429 refused is not a call; its retry is the call)', () => {
    const perSession = Object.fromEntries(allSessions.map((s) => [s.name, callsFor(s)]));
    expect(perSession).toEqual(Object.fromEntries(allSessions.map((s) => [s.name, 1])));
    expect(observed.unattributedModelRequests).toBe(0);
  });

  it('no rebalance loop: every consumer kept its group membership through the faults', () => {
    const rejoined = Object.fromEntries([...observed.rejoins].filter(([, n]) => n > 0));
    expect(rejoined).toEqual({});
    const logged = Object.fromEntries([...observed.rebalanceLogLines].filter(([, n]) => n > 0));
    expect(logged).toEqual({});
  });

  it('/ready followed each dependency: not ready naming it during its fault, ready again after', () => {
    expect(observed.ready.length).toBeGreaterThan(0);
    const notFollowed = observed.ready
      .filter((v) => !v.wentNotReady || !v.cameBack)
      .map(
        (v) =>
          `${FAULT_TITLES[v.fault]}: ${v.service} /ready ${v.wentNotReady ? 'did not come back' : `never named ${v.dependency} not-ok (${v.samplesDuring} samples, e.g. ${v.example})`}`,
      );
    expect(notFollowed).toEqual([]);
  });

  it("no client's identifier in any service's output", () => {
    const identifiers = clients.flatMap((c) => [
      `${c.given} ${c.family}`,
      c.given,
      c.family,
      c.mrn,
      c.phone,
      c.birthDate,
    ]);
    const leaks = [...services].flatMap(([name, s]) => {
      const out = s.output();
      return identifiers.filter((id) => out.includes(id)).map((id) => `${name}: ${id}`);
    });
    expect(leaks).toEqual([]);
  });
});
