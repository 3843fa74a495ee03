// Sustained audit ingest, Kafka to Postgres, hash chain included: the audit-sink app
// (batch subscription, one transaction per batch, unnest insert) on the real broker and
// Postgres. 200,000 audit events over a few tenants are published first; then each run
// consumes them all with a new consumer group into a fresh, migrated database.
// Prints events/s per run and the median; never passes or fails.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { KafkaBus } from '@carerelay/bus';
import {
  AvroSerde,
  RegistrySchemaStore,
  auditEventTopic,
  defineTopic,
  type AuditAction,
  type AuditEvent,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import {
  AuditStore,
  createAuditSinkApp,
  migrateAuditStore,
  verifyChain,
} from '@carerelay/service-audit-sink';
import { benchInfra, benchTopic, median, type BenchInfra } from '../lib/infra.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 200_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 12);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const PARTITIONS = 6; // as audit.event.v1
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 2);
const BATCH = Number(process.env.BENCH_BATCH ?? 2_000);
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const logger = createLogger({ service: 'bench', level: 'warn' });

const ACTIONS: readonly AuditAction[] = [
  'PHI_ACCESS',
  'PHI_DISCLOSURE',
  'DEID',
  'LLM_CALL',
  'POLICY_DECISION',
  'DRAFT_WRITTEN',
];

/** A realistic mix: ids, codes, counts and hashes, as the services emit them. */
function auditEvent(n: number, now: number): AuditEvent {
  const tenantId = `bench-tenant-${n % TENANTS}`;
  const action = ACTIONS[n % ACTIONS.length]!;
  const llm = action === 'LLM_CALL';
  return {
    eventId: `${randomBytes(8).toString('hex')}-${n}`,
    occurredAt: now - (EVENTS - n) * 5,
    tenantId,
    action,
    outcome: n % 17 === 0 ? 'DENIED' : 'SUCCESS',
    actor: { service: llm ? 'llm-worker' : 'ehr-connector', userId: `user-${n % 40}`, role: 'clinician' },
    clientId: `client-${n % 2_000}`,
    purposeOfUse: 'TREATMENT',
    taskId: `task-${Math.floor(n / 4)}`,
    correlationId: `corr-${Math.floor(n / 4)}`,
    recipient: action === 'PHI_DISCLOSURE' ? 'azure-openai/gpt-4o' : null,
    description: action === 'PHI_DISCLOSURE' ? 'de-identified session context' : null,
    reasonCode: n % 17 === 0 ? 'POLICY_DENIED' : null,
    part2: n % 23 === 0,
    model: llm ? 'gpt-4o-2024-08-06' : null,
    templateVersion: llm ? 'soap_note@3' : null,
    useCase: 'soap_note',
    ehrOccurredAt: null,
    counts: llm
      ? { promptTokens: 1_830, completionTokens: 512 }
      : action === 'DEID'
        ? { NAME: 3, DATE: 2 }
        : {},
    hashes: llm ? { prompt: 'a'.repeat(64), response: 'b'.repeat(64) } : {},
  };
}

function makeBus(infra: BenchInfra, clientId: string): KafkaBus {
  return KafkaBus.fromConfig({
    brokers: infra.brokers,
    clientId,
    serde: new AvroSerde(new RegistrySchemaStore(infra.registryUrl)),
    logger,
  });
}

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** CPU seconds used so far by the sink's Postgres backends (Linux /proc; 0 where unreadable). */
async function backendCpuSeconds(url: string, database: string): Promise<number> {
  const pids = await admin(url, async (c) =>
    (
      await c.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND application_name = 'carerelay-audit-sink'",
        [database],
      )
    ).rows.map((r) => r.pid),
  );
  const { readFile } = await import('node:fs/promises');
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / 100;
}

async function publishAll(infra: BenchInfra, topic: string): Promise<number> {
  const publisher = makeBus(infra, 'bench-audit-publisher');
  await publisher.start();
  const contract = defineTopic<AuditEvent>(topic, auditEventTopic.schema);
  const began = performance.now();
  const now = Date.now();
  const window = 20_000;
  for (let start = 0; start < EVENTS; start += window) {
    const sends: Promise<void>[] = [];
    for (let n = start; n < Math.min(start + window, EVENTS); n++) {
      const event = auditEvent(n, now);
      sends.push(publisher.publish(contract, { key: event.tenantId, value: event }));
    }
    await Promise.all(sends);
  }
  const seconds = (performance.now() - began) / 1000;
  await publisher.shutdown();
  return EVENTS / seconds;
}

interface RunResult {
  readonly sustained: number;
  readonly endToEnd: number;
  readonly batches: number;
  /** CPU per stored event, microseconds: this process, and its Postgres backends. */
  readonly nodeUs: number;
  readonly postgresUs: number;
}

async function ingestRun(infra: BenchInfra, topic: string, run: number): Promise<RunResult> {
  const name = `carerelay_audit_bench_${randomBytes(4).toString('hex')}`;
  await admin(SERVER_URL, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = (user?: string): string => {
    const u = new URL(SERVER_URL);
    u.pathname = `/${name}`;
    if (user) u.username = user;
    return u.toString();
  };
  try {
    // Migrated before timing: a deployed sink has its schema already.
    await migrateAuditStore(url());
    const bus = makeBus(infra, 'bench-audit-sink');
    await bus.start();
    const store = AuditStore.fromConfig({
      url: url('carerelay_audit_writer'),
      maxConnections: CONCURRENCY * 2 + 1,
    });
    let inserted = 0;
    let batches = 0;
    let firstAt = 0;
    let firstBatch = 0;
    let lastAt = 0;
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const counting: typeof store = Object.assign(Object.create(store) as AuditStore, {
      appendEvents: async (events: readonly AuditEvent[]) => {
        const result = await store.appendEvents(events);
        const at = performance.now();
        if (firstAt === 0) {
          firstAt = at;
          firstBatch = result.inserted;
        }
        inserted += result.inserted;
        batches += 1;
        lastAt = at;
        if (inserted >= EVENTS) done();
        return result;
      },
    });
    const app = createAuditSinkApp(
      { bus, logger, concurrency: CONCURRENCY },
      {
        store: counting,
        migrate: async () => {},
        eventsTopic: defineTopic<AuditEvent>(topic, auditEventTopic.schema),
        groupId: `bench-audit-${name}`,
        batchSize: BATCH,
        pingIntervalMs: 60_000,
        close: () => store.close(),
      },
    );
    const began = performance.now();
    const cpuBefore = process.cpuUsage();
    await app.start();
    await finished;
    const ended = performance.now();
    const cpu = process.cpuUsage(cpuBefore);
    const pgCpu = await backendCpuSeconds(url(), name);
    await app.stop();
    await bus.shutdown();

    const tenants = Array.from({ length: TENANTS }, (_, t) => `bench-tenant-${t}`);
    const check = new pg.Pool({ connectionString: url(), max: 1 });
    try {
      if (process.env.BENCH_VERIFY === '0') tenants.length = 0;
      const verified = await Promise.all(tenants.map((t) => verifyChain(check, t)));
      const bad = verified.filter((v) => !v.ok).length;
      const checked = verified.reduce((sum, v) => sum + v.checked, 0);
      console.log(`run ${run}: chains verified for ${TENANTS - bad}/${TENANTS} tenants (${checked} links)`);
    } finally {
      await check.end();
    }
    const wall = (ended - began) / 1000;
    console.log(
      `run ${run}: CPU over ${wall.toFixed(1)} s: this process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s, its Postgres backends ${pgCpu.toFixed(1)} s`,
    );
    return {
      sustained: (inserted - firstBatch) / ((lastAt - firstAt) / 1000),
      endToEnd: inserted / wall,
      batches,
      nodeUs: (cpu.user + cpu.system) / inserted,
      postgresUs: (pgCpu * 1e6) / inserted,
    };
  } finally {
    await admin(SERVER_URL, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
  }
}

async function main(): Promise<void> {
  const infra = await benchInfra();
  try {
    // BENCH_TOPIC reuses a topic an earlier run published (same BENCH_EVENTS and BENCH_TENANTS).
    let topic = process.env.BENCH_TOPIC;
    if (!topic) {
      topic = await benchTopic(infra.brokers, 'bench.audit', PARTITIONS);
      const publishRate = await publishAll(infra, topic);
      console.log(
        `published ${EVENTS} audit events over ${TENANTS} tenants to ${topic} at ${publishRate.toFixed(0)}/s`,
      );
    }
    const results: RunResult[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const r = await ingestRun(infra, topic, run);
      results.push(r);
      console.log(
        `run ${run}: sustained ${r.sustained.toFixed(0)} events/s (end to end with group join ${r.endToEnd.toFixed(0)}/s, ${r.batches} transactions)`,
      );
    }
    console.log(
      `\nbench/audit ingest: Kafka → Postgres with hash chain, ${EVENTS} events, ${TENANTS} tenants, ${PARTITIONS} partitions, concurrency ${CONCURRENCY}, batch ≤ ${BATCH} (median of ${RUNS} runs)`,
    );
    const sustained = results.map((r) => r.sustained);
    console.log(
      `  sustained   ${median(sustained).toFixed(0)} events/s (first stored batch to last; runs ranged ${Math.min(...sustained).toFixed(0)}–${Math.max(...sustained).toFixed(0)})`,
    );
    console.log(
      `  end to end  ${median(results.map((r) => r.endToEnd)).toFixed(0)} events/s (start, group join included)`,
    );
    // CPU per event varies less than throughput on a shared machine: compare changes with it.
    console.log(
      `  CPU/event   ${median(results.map((r) => r.nodeUs)).toFixed(1)} µs in the sink process, ${median(results.map((r) => r.postgresUs)).toFixed(1)} µs in its Postgres backends`,
    );
  } finally {
    await infra.stop();
  }
}

await main();
