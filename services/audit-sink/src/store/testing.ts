import { randomBytes } from 'node:crypto';
import type { AuditAction, AuditEvent } from '@carerelay/events';
import pg from 'pg';
import { databaseUrl } from './database-url.js';

/** A throwaway database for one test file or one bench run, dropped at the end. */
export interface ScratchDatabase {
  readonly name: string;
  /** As the server's URL user (the owner: migrations, superuser tampering). */
  readonly adminUrl: string;
  /** Same database as another role (e.g. carerelay_audit_writer; trust auth locally). */
  urlAs(role: string): string;
  drop(): Promise<void>;
}

export async function createScratchDatabase(
  serverUrl: string,
  prefix = 'carerelay_audit',
): Promise<ScratchDatabase> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return {
    name,
    adminUrl: databaseUrl(serverUrl, name),
    urlAs: (role) => databaseUrl(serverUrl, name, role),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        // Connections still closing (a pool just ended) get a moment; FORCE would kill them mid-goodbye.
        for (let attempt = 0; attempt < 30; attempt++) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name}`);
            return;
          } catch (err) {
            if ((err as { code?: string }).code !== '55006') throw err;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** A synthetic audit event: ids and codes only, like the real ones. */
export function syntheticAuditEvent(
  tenantId: string,
  n: number,
  occurredAt: number = Date.UTC(2026, 0, 15) + n * 1_000,
): AuditEvent {
  const actions: readonly AuditAction[] = [
    'PHI_ACCESS',
    'PHI_DISCLOSURE',
    'DEID',
    'LLM_CALL',
    'POLICY_DECISION',
  ];
  return {
    eventId: `${tenantId}-evt-${n}`,
    occurredAt,
    tenantId,
    action: actions[n % actions.length]!,
    outcome: n % 7 === 0 ? 'DENIED' : 'SUCCESS',
    actor: {
      service: 'llm-worker',
      userId: n % 3 === 0 ? null : `user-${n % 5}`,
      role: n % 3 === 0 ? null : 'clinician',
    },
    clientId: `client-${n % 11}`,
    purposeOfUse: n % 2 === 0 ? 'TREATMENT' : null,
    taskId: `task-${n}`,
    correlationId: n % 4 === 0 ? null : `corr-${n}`,
    recipient: n % 5 === 1 ? 'azure-openai/gpt-4o' : null,
    description: n % 5 === 1 ? 'de-identified context' : null,
    reasonCode: n % 7 === 0 ? 'POLICY_DENIED' : null,
    part2: n % 13 === 0,
    model: n % 5 === 3 ? 'gpt-4o-2024-08-06' : null,
    templateVersion: n % 5 === 3 ? 'soap_note@3' : null,
    useCase: n % 6 === 0 ? null : 'soap_note',
    ehrOccurredAt: n % 4 === 1 ? occurredAt - 86_400_000 - n : null,
    counts: n % 5 === 2 ? { NAME: 3, DATE: 2 } : {},
    hashes: n % 5 === 3 ? { prompt: 'a'.repeat(64), response: 'b'.repeat(64) } : {},
  };
}

/**
 * Runs `sql` as the superuser with triggers off (`session_replication_role = replica`):
 * what an attacker holding the database's keys could do behind the append-only triggers.
 */
export async function tamperAsSuperuser(admin: pg.Pool, sql: string, params: unknown[] = []): Promise<void> {
  const client = await admin.connect();
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL session_replication_role = 'replica'");
    await client.query(sql, params);
    await client.query('COMMIT');
  } finally {
    client.release();
  }
}
