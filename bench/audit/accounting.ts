// One client's six-year accounting of disclosures (45 CFR 164.528) with millions of audit
// rows loaded: the compliance API's own query (accountingOfDisclosures) as the reader role,
// against a fresh, migrated database of BENCH_ROWS rows over six years and BENCH_CLIENTS
// clients. Rows are generated in SQL (generate_series; md5 filler for the hashes: this
// bench never verifies the chain). Prints p50/p95 per run and the median of the runs;
// never passes or fails.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { accountingOfDisclosures, migrateAuditStore } from '@carerelay/service-audit-sink';
import { median, percentile } from '../lib/infra.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 5_000_000);
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 20_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const CHUNK = 500_000;
const KEEP = process.env.BENCH_KEEP_DB === '1';
const SERVER_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const TENANT = 'bench-tenant';
// One action in five is a disclosure (to the model, to the EHR); one disclosure in ten is Part 2.
const ACTIONS = ['PHI_ACCESS', 'PHI_DISCLOSURE', 'DEID', 'LLM_CALL', 'DRAFT_WRITTEN'];

function databaseUrl(name: string, user?: string): string {
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  if (user) {
    url.username = user;
    url.password = '';
  }
  return url.toString();
}

async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Rows [lo, hi] of the tenant's chain, evenly spread over six years up to an hour ago. */
const LOAD = `INSERT INTO audit.events (tenant_id, seq, event_id, occurred_at, action, outcome,
    actor_service, actor_user_id, actor_role, client_id, purpose_of_use, task_id, correlation_id,
    recipient, description, reason_code, part2, model, template_version, use_case, counts, hashes,
    prev_hash, hash)
  SELECT $1, g, md5('event' || g),
    $2::timestamptz + (g - 1) * $3::bigint * interval '1 microsecond',
    ($4::text[])[1 + g % 5], 'SUCCESS',
    CASE WHEN g % 5 = 1 THEN 'writeback' ELSE 'ehr-connector' END,
    'clinician-' || g % 60, 'clinician',
    'client-' || (hashint8(g)::bigint & 2147483647) % $5,
    'TREATMENT', 'task-' || g / 5, 'corr-' || g / 5,
    CASE WHEN g % 5 = 1 THEN 'https://ehr.example/fhir' END,
    CASE WHEN g % 5 = 1 THEN 'soap_note draft written as DocumentReference/' || g END,
    NULL, g % 50 = 1, NULL, NULL, 'soap_note', '{}'::jsonb,
    jsonb_build_object('text', md5('text' || g) || md5('t' || g)),
    md5('prev' || g) || md5('p' || g), md5('hash' || g) || md5('h' || g)
  FROM generate_series($6::bigint, $7::bigint) AS g`;

async function load(adminUrl: string, now: Date): Promise<void> {
  const sixYearsAgo = new Date(now);
  sixYearsAgo.setUTCFullYear(sixYearsAgo.getUTCFullYear() - 6);
  const first = new Date(sixYearsAgo.getTime() + 86_400_000);
  const stepUs = Math.floor(((now.getTime() - 3_600_000 - first.getTime()) * 1000) / ROWS);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query('SET synchronous_commit = off');
    await client.query('SELECT audit.ensure_month_partitions($1::date, $2::date)', [first, now]);
    const began = performance.now();
    for (let lo = 1; lo <= ROWS; lo += CHUNK) {
      const hi = Math.min(ROWS, lo + CHUNK - 1);
      await client.query(LOAD, [TENANT, first, stepUs, ACTIONS, CLIENTS, lo, hi]);
      const seconds = (performance.now() - began) / 1000;
      process.stdout.write(
        `\rloaded ${hi.toLocaleString('en-US')} rows (${(hi / seconds).toFixed(0)} rows/s)   `,
      );
    }
    process.stdout.write('\n');
    await client.query('VACUUM (ANALYZE) audit.events');
  } finally {
    await client.end();
  }
}

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RunFigures {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly rows: number;
}

/** QUERIES accountings of random clients over the last six years, as the API runs them. */
async function measure(reader: pg.Pool, run: number, now: Date): Promise<RunFigures> {
  const random = mulberry32(run);
  const range = { from: new Date(now), to: now };
  range.from.setUTCFullYear(range.from.getUTCFullYear() - 6);
  const latencies: number[] = [];
  let rows = 0;
  for (let i = 0; i < QUERIES; i++) {
    const clientId = `client-${Math.floor(random() * CLIENTS)}`;
    const began = performance.now();
    const page = await accountingOfDisclosures(reader, TENANT, clientId, range, { limit: 1000 });
    latencies.push(performance.now() - began);
    rows += page.disclosures.length;
  }
  return {
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    max: Math.max(...latencies),
    rows: rows / QUERIES,
  };
}

async function main(): Promise<void> {
  const name = `carerelay_audit_bench_${randomBytes(4).toString('hex')}`;
  await onServer(`CREATE DATABASE ${name}`);
  const reader = new pg.Pool({ connectionString: databaseUrl(name, 'carerelay_audit_reader'), max: 1 });
  try {
    const now = new Date();
    await migrateAuditStore(databaseUrl(name));
    console.log(
      `bench/audit accounting: loading ${ROWS.toLocaleString('en-US')} rows, ${CLIENTS} clients, six years`,
    );
    await load(databaseUrl(name), now);
    // Warm-up: connection, plan cache, the partial index pages a first query reads from disk.
    await measure(reader, 0, now);
    const runs: RunFigures[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const figures = await measure(reader, run, now);
      runs.push(figures);
      console.log(
        `run ${run}: ${QUERIES} clients, p50 ${figures.p50.toFixed(2)} ms, p95 ${figures.p95.toFixed(2)} ms, max ${figures.max.toFixed(1)} ms (${figures.rows.toFixed(1)} disclosures per accounting)`,
      );
    }
    console.log(
      `\nbench/audit: one client's 6-year accounting of disclosures, ${ROWS.toLocaleString('en-US')} audit rows (median of ${RUNS} runs)`,
    );
    console.log(`  p50  ${median(runs.map((r) => r.p50)).toFixed(2)} ms`);
    console.log(`  p95  ${median(runs.map((r) => r.p95)).toFixed(2)} ms   (target <= 100 ms)`);
  } finally {
    await reader.end();
    if (KEEP) console.log(`kept database ${name}`);
    else await onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
}

await main();
