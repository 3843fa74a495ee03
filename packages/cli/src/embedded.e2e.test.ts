import { describe, expect, it } from 'vitest';
import { SANDBOX_CLIENTS, sandboxFhirClient } from '@carerelay/ehr/sandbox';
import { createLogger } from '@carerelay/logger';
import pg from 'pg';
import { databaseUrl } from '@carerelay/service-audit-sink';
import { DEFAULT_EMBEDDED_DATABASE_URL, EMBEDDED_DATABASE } from './embedded-audit.js';
import { startEmbedded } from './embedded.js';

const embeddedDb = databaseUrl(
  process.env['CARERELAY_DATABASE_URL'] ?? DEFAULT_EMBEDDED_DATABASE_URL,
  EMBEDDED_DATABASE,
);

interface DocRef {
  readonly docStatus?: string;
  readonly identifier?: ReadonlyArray<{ readonly system?: string; readonly value?: string }>;
  readonly content?: ReadonlyArray<{ readonly attachment?: { readonly data?: string } }>;
}

describe('embedded default, end to end', () => {
  it('a session that ends in the sandbox EHR comes back as one preliminary, re-identified draft, within seconds', async () => {
    const runtime = await startEmbedded({
      host: '127.0.0.1',
      port: 0,
      logger: createLogger({ service: 't', level: process.env.E2E_LOG ?? 'silent' }),
    });
    try {
      const fhir = sandboxFhirClient(runtime.sandbox);
      const avery = SANDBOX_CLIENTS.avery;
      const encounter = await fhir.read('Encounter', avery.encounterIds.open);
      const period = (encounter as { period?: { start?: string } }).period;
      // The session ran 50 minutes.
      const end = new Date(Date.parse(period?.start ?? '') + 50 * 60_000).toISOString();
      await fhir.update({ ...encounter, status: 'finished', period: { ...period, end } } as typeof encounter);

      let drafts: DocRef[] = [];
      // Within two polling passes of the connector's default interval (POLL_INTERVAL_MS, 15 s).
      for (const deadline = Date.now() + 45_000; drafts.length === 0 && Date.now() < deadline;) {
        drafts = (
          (await fhir.search('DocumentReference', { patient: avery.patientId })) as unknown as DocRef[]
        ).filter((d) => d.docStatus === 'preliminary');
        if (drafts.length === 0) await new Promise((r) => setTimeout(r, 250));
      }
      expect(drafts).toHaveLength(1);
      const text = Buffer.from(drafts[0]!.content?.[0]?.attachment?.data ?? '', 'base64').toString('utf8');
      expect(text).toMatch(/review and sign/);
      if (process.env.E2E_LOG) console.log(text);
      // Re-identified inside the trust boundary: no identifier token is left, dates are real again.
      expect(text).not.toMatch(/\[(CLIENT|PERSON_\d+|CLINICIAN_\d+|DATE_\d+)\]/);
      expect(text).toContain('50 minutes');
      expect(text).toMatch(/PHQ-9 total 14 \(moderate\) on 2025-09-16/);
      // The offline provider drafts from structured inputs only, and says it is not AI.
      expect(text.startsWith('Template draft: not AI-generated')).toBe(true);
      expect(drafts[0]!.identifier?.[0]?.system).toBe('urn:carerelay:task');

      // Same audit chain as the distributed mode: the task's trail is in the Postgres store.
      const taskId = drafts[0]!.identifier?.[0]?.value;
      const db = new pg.Client({ connectionString: embeddedDb });
      await db.connect();
      try {
        let actions: string[] = [];
        for (
          const deadline = Date.now() + 15_000;
          !actions.includes('DRAFT_WRITTEN') && Date.now() < deadline;
        ) {
          const rows = await db.query<{ action: string }>(
            'SELECT action FROM audit.events WHERE tenant_id = $1 AND task_id = $2 ORDER BY seq',
            ['embedded', taskId],
          );
          actions = rows.rows.map((r) => r.action);
          if (!actions.includes('DRAFT_WRITTEN')) await new Promise((r) => setTimeout(r, 250));
        }
        expect(actions).toEqual(expect.arrayContaining(['PHI_ACCESS', 'DEID', 'LLM_CALL', 'DRAFT_WRITTEN']));
      } finally {
        await db.end();
      }
    } finally {
      await runtime.stop();
    }
  }, 60_000);
});
