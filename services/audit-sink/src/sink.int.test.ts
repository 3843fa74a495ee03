import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { DLQ_HEADERS, KafkaBus } from '@carerelay/bus';
import { collectRaw, eventually, uniqueName } from '@carerelay/bus/testing';
import {
  AvroSerde,
  RegistrySchemaStore,
  auditEventTopic,
  dlqTopicName,
  type AuditEvent,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import type { ServiceApp } from '@carerelay/runtime';
import { createAuditSinkApp } from './app.js';
import { AuditStore } from './store/audit-store.js';
import { migrateAuditStore } from './store/migrate.js';
import { createScratchDatabase, syntheticAuditEvent, type ScratchDatabase } from './store/testing.js';
import { verifyChain } from './store/verify.js';

const MAIN = join(import.meta.dirname, '..', 'dist', 'main.js');
const WRITER = 'carerelay_audit_writer';
const TOTAL = 500;

interface Sink {
  readonly child: ChildProcess;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** The built service (npm test builds first), as deployed: its own process, its own migrations. */
function startSink(db: ScratchDatabase, groupId: string, extra: Record<string, string> = {}): Sink {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      KAFKA_BROKERS: inject('kafkaBrokers'),
      SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
      AUDIT_DATABASE_URL: db.urlAs(WRITER),
      AUDIT_ADMIN_DATABASE_URL: db.adminUrl,
      AUDIT_CONSUMER_GROUP: groupId,
      OPS_PORT: '0',
      LOG_LEVEL: 'warn',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return { child, output: () => out, exited: new Promise((resolve) => child.once('exit', resolve)) };
}

describe('audit-sink on real Kafka and Postgres', () => {
  const sinks: Sink[] = [];
  const databases: ScratchDatabase[] = [];
  let publisher: KafkaBus;
  // Three tenants unique to this run: the audit topic is shared and never expires.
  const run = randomBytes(4).toString('hex');
  const tenants = ['a', 'b', 'c'].map((t) => `tenant-${t}-${run}`);

  beforeAll(async () => {
    publisher = KafkaBus.fromConfig({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'audit-sink-test-publisher',
      serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await publisher.start();
  });
  afterEach(async () => {
    for (const s of sinks.splice(0)) {
      if (s.child.exitCode === null) {
        s.child.kill('SIGKILL');
        await s.exited;
      }
    }
  });
  afterAll(async () => {
    await publisher.shutdown();
    await Promise.all(databases.splice(0).map((d) => d.drop()));
  });

  async function scratch(): Promise<ScratchDatabase> {
    const db = await createScratchDatabase(inject('databaseUrl'));
    databases.push(db);
    return db;
  }

  const publish = (event: AuditEvent): Promise<void> =>
    publisher.publish(auditEventTopic, { key: event.tenantId, value: event });

  async function count(db: ScratchDatabase, of: readonly string[] = tenants): Promise<number> {
    const client = new pg.Client({ connectionString: db.adminUrl });
    await client.connect();
    try {
      const exists = await client.query<{ t: string | null }>(
        "SELECT to_regclass('audit.events')::text AS t",
      );
      if (exists.rows[0]!.t === null) return 0;
      const { rows } = await client.query<{ n: string }>(
        'SELECT count(*) AS n FROM audit.events WHERE tenant_id = ANY($1)',
        [of],
      );
      return Number(rows[0]!.n);
    } finally {
      await client.end();
    }
  }

  async function chains(db: ScratchDatabase): Promise<string[][]> {
    const pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
    try {
      const { rows } = await pool.query<{
        tenant_id: string;
        seq: string;
        event_id: string;
        prev_hash: string;
        hash: string;
      }>(
        `SELECT tenant_id, seq, event_id, prev_hash, hash FROM audit.events
          WHERE tenant_id = ANY($1) ORDER BY tenant_id, seq`,
        [tenants],
      );
      return rows.map((r) => [r.tenant_id, r.seq, r.event_id, r.prev_hash, r.hash]);
    } finally {
      await pool.end();
    }
  }

  it('N events with duplicates, and a sink killed mid-stream and restarted: exactly N rows, every chain verifies, and a replay into a fresh store builds the same chains', async () => {
    const db = await scratch();
    const groupId = uniqueName('audit-sink-crash');
    const events = Array.from({ length: TOTAL }, (_, n) => syntheticAuditEvent(tenants[n % 3]!, n));

    // The first fifth, with some published twice (a producer retry), before the sink starts.
    for (const e of events.slice(0, 100)) await publish(e);
    for (const e of events.slice(0, 100).filter((_, i) => i % 10 === 0)) await publish(e);
    let sink = startSink(db, groupId, { AUDIT_BATCH_SIZE: '10' });
    sinks.push(sink);

    // The rest arrives while the sink runs; it dies (SIGKILL) somewhere in the middle.
    const rest = (async () => {
      for (const [i, e] of events.slice(100).entries()) {
        await publish(e);
        if (i % 7 === 0) await publish(events[Math.floor(i / 2)]!); // a late duplicate of an old event
        if (i % 20 === 0) await new Promise((r) => setTimeout(r, 25));
      }
    })();
    await eventually(async () => (await count(db)) >= 150, 'the first sink to store 150 events', 60_000);
    sink.child.kill('SIGKILL');
    await sink.exited;
    const atKill = await count(db);
    expect(atKill).toBeLessThan(TOTAL);

    sink = startSink(db, groupId, { AUDIT_BATCH_SIZE: '10' });
    sinks.push(sink);
    await rest;
    // The restarted member gets the partitions once the dead one's session (30 s) has expired.
    await eventually(async () => (await count(db)) >= TOTAL, 'every event after the restart', 120_000);
    await new Promise((r) => setTimeout(r, 1_000)); // anything extra would land now
    expect(await count(db)).toBe(TOTAL);

    const pool = new pg.Pool({ connectionString: db.urlAs('carerelay_audit_reader'), max: 1 });
    try {
      for (const tenant of tenants) {
        expect(await verifyChain(pool, tenant)).toEqual({
          ok: true,
          checked: events.filter((e) => e.tenantId === tenant).length,
        });
      }
    } finally {
      await pool.end();
    }

    // Replay: a new group reads the topic from the start into an empty store.
    const replay = await scratch();
    sinks.push(startSink(replay, uniqueName('audit-sink-replay')));
    await eventually(async () => (await count(replay)) >= TOTAL, 'the replay', 60_000);
    expect(await chains(replay)).toEqual(await chains(db));
  }, 240_000);

  it('fails closed: while Postgres is unreachable nothing is committed and the sink is not ready; once back, every event is stored once', async () => {
    const db = await scratch();
    const proxy = await startProxy(Number(new URL(db.adminUrl).port || 5432));
    const writerUrl = new URL(db.urlAs(WRITER));
    writerUrl.port = String(proxy.port);
    const groupId = uniqueName('audit-sink-outage');
    const tenant = `tenant-outage-${run}`;
    const logger = createLogger({ service: 'test', level: 'silent' });

    async function startApp(): Promise<{ app: ServiceApp; stop: () => Promise<void> }> {
      const bus = KafkaBus.fromConfig({
        brokers: inject('kafkaBrokers').split(','),
        clientId: 'audit-sink-outage',
        serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
        logger,
      });
      await bus.start();
      const store = AuditStore.fromConfig({ url: writerUrl.toString() });
      const app = createAuditSinkApp(
        { bus, logger, concurrency: 2 },
        {
          store,
          migrate: async () => {
            await migrateAuditStore(db.adminUrl);
          },
          groupId,
          retry: { initialDelayMs: 50, maxDelayMs: 200 },
          pingIntervalMs: 100,
          close: () => store.close(),
        },
      );
      await app.start();
      return {
        app,
        stop: async () => {
          await app.stop();
          await bus.shutdown();
        },
      };
    }

    try {
      const first = await startApp();
      await eventually(() => first.app.health().ready, 'ready');
      proxy.down();
      const events = Array.from({ length: 20 }, (_, n) => syntheticAuditEvent(tenant, n));
      for (const e of events) await publish(e);
      await eventually(
        () => !first.app.health().ready && first.app.health().details.auditStore!.startsWith('unreachable'),
        'the sink to report the store unreachable',
      );
      // Several failed attempts and commit intervals later, stop it mid-retry.
      await new Promise((r) => setTimeout(r, 1_500));
      expect(first.app.health()).toMatchObject({ healthy: true, ready: false });
      await first.stop();
      expect(await count(db, [tenant])).toBe(0);

      proxy.up();
      const second = await startApp();
      try {
        await eventually(
          async () => (await count(db, [tenant])) >= 20,
          'the events after the store came back',
          60_000,
        );
        expect(await count(db, [tenant])).toBe(20);
        await eventually(() => second.app.health().ready, 'ready again');
        const pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
        try {
          expect(await verifyChain(pool, tenant)).toEqual({ ok: true, checked: 20 });
        } finally {
          await pool.end();
        }
      } finally {
        await second.stop();
      }
    } finally {
      await proxy.close();
    }
  }, 120_000);

  it('dead-letters only a record Postgres rejects, with its cause, and stores the rest of its batch in order', async () => {
    const db = await scratch();
    const tenant = `tenant-poison-${run}`;
    const logger = createLogger({ service: 'test', level: 'silent' });
    const bus = KafkaBus.fromConfig({
      brokers: inject('kafkaBrokers').split(','),
      clientId: 'audit-sink-poison',
      serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
      logger,
    });
    await bus.start();
    const dlq = await collectRaw(bus, dlqTopicName(auditEventTopic.name));
    const store = AuditStore.fromConfig({ url: db.urlAs(WRITER) });
    const events = Array.from({ length: 10 }, (_, n) => syntheticAuditEvent(tenant, n));
    const poison = { ...events[4]!, description: 'a NUL \u0000 Postgres cannot store' };
    for (const e of events) await publish(e === events[4] ? poison : e);
    const app = createAuditSinkApp(
      { bus, logger, concurrency: 2 },
      {
        store,
        migrate: async () => {
          await migrateAuditStore(db.adminUrl);
        },
        groupId: uniqueName('audit-sink-poison'),
        close: () => store.close(),
      },
    );
    await app.start();
    try {
      await eventually(
        async () => (await count(db, [tenant])) >= 9 && dlq.records.some((r) => r.key === tenant),
        'nine events stored and one dead-lettered',
        60_000,
      );
      const letters = dlq.records.filter((r) => r.key === tenant);
      expect(letters).toHaveLength(1);
      expect(letters[0]!.headers[DLQ_HEADERS.errorCode]).toBe('AUDIT_RECORD_REJECTED');
      const pool = new pg.Pool({ connectionString: db.adminUrl, max: 1 });
      try {
        expect(await verifyChain(pool, tenant)).toEqual({ ok: true, checked: 9 });
        const stored = await pool.query<{ event_id: string }>(
          'SELECT event_id FROM audit.events WHERE tenant_id = $1 ORDER BY seq',
          [tenant],
        );
        expect(stored.rows.map((r) => r.event_id)).toEqual(
          events.filter((e) => e !== events[4]).map((e) => e.eventId),
        );
      } finally {
        await pool.end();
      }
    } finally {
      await app.stop();
      await dlq.subscription.stop();
      await bus.shutdown();
    }
  }, 120_000);
});

/** A TCP proxy to Postgres that the test can cut (refusing and dropping connections) and restore. */
async function startProxy(
  targetPort: number,
): Promise<{ port: number; down(): void; up(): void; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let open = true;
  const server = createServer((client) => {
    if (!open) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    down: () => {
      open = false;
      for (const s of sockets) s.destroy();
    },
    up: () => {
      open = true;
    },
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
