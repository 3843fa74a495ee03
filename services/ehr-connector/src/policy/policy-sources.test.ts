import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Consent } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { AuditTrail } from '@carerelay/audit';
import { AvroSerde, InMemorySchemaStore, auditEventTopic, type AuditEvent } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { InMemoryBreakGlassStore } from './break-glass.js';
import { ConsentCache } from './consent-cache.js';
import { RolloutSource } from './rollout-source.js';

const logger = createLogger({ service: 'test', level: 'silent' });

describe('ConsentCache', () => {
  it('reads a client once per TTL, and again at once after a Consent change', async () => {
    let now = 1_000;
    let reads = 0;
    const cache = new ConsentCache(
      () => {
        reads += 1;
        return Promise.resolve([{ resourceType: 'Consent', status: 'active' } as Consent]);
      },
      60_000,
      () => now,
    );
    await cache.consentsOf('t1', 'c1');
    await cache.consentsOf('t1', 'c1');
    expect(reads).toBe(1);
    // Another tenant's client with the same id is another entry.
    await cache.consentsOf('t2', 'c1');
    expect(reads).toBe(2);
    cache.invalidate('t1', 'c1');
    await cache.consentsOf('t1', 'c1');
    expect(reads).toBe(3);
    now += 60_001;
    await cache.consentsOf('t1', 'c1');
    expect(reads).toBe(4);
  });
});

describe('InMemoryBreakGlassStore', () => {
  it('holds a grant for its user and client until it expires', async () => {
    let now = 0;
    const store = new InMemoryBreakGlassStore(() => now);
    await store.grant('t1', 'u1', 'c1', { reason: 'crisis in the waiting room', expiresAt: 100 });
    expect(await store.active('t1', 'u1', 'c1')).toMatchObject({ expiresAt: 100 });
    expect(await store.active('t1', 'u2', 'c1')).toBeUndefined();
    expect(await store.active('t1', 'u1', 'c2')).toBeUndefined();
    now = 100;
    expect(await store.active('t1', 'u1', 'c1')).toBeUndefined();
  });
});

describe('RolloutSource', () => {
  it('audits the switches at start, each effective change with what changed, and refuses a bad file', async () => {
    const serde = new AvroSerde(new InMemorySchemaStore());
    const bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    const audit = await collectRaw(bus, auditEventTopic.name);
    const file = join(mkdtempSync(join(tmpdir(), 'rollout-')), 'rollout.json');
    writeFileSync(file, JSON.stringify({ tenants: { t1: { phase: 2 } } }));
    const source = RolloutSource.fromFile({
      file,
      audit: new AuditTrail(bus, 'ehr-connector'),
      tenantId: 't1',
      logger,
      reloadMs: 0,
    });
    await source.start();
    writeFileSync(
      file,
      JSON.stringify({
        tenants: { t1: { phase: 3, disable: ['chart_summary'], pilots: { soap_note: ['pilot-a'] } } },
        groups: { 'pilot-a': ['Practitioner/p1'] },
      }),
    );
    expect(await source.reload()).toBe(true);
    expect(await source.reload()).toBe(false); // unchanged file: nothing to audit
    writeFileSync(file, JSON.stringify({ tenants: { t1: { phase: 9 } } }));
    expect(await source.reload()).toBe(false);
    // The switches in force stay those of the last valid file.
    expect(source.current().tenants?.['t1']?.phase).toBe(3);

    await eventually(() => audit.records.length >= 3, 'audit events', 5_000);
    const events: AuditEvent[] = await Promise.all(
      audit.records.map((r) => serde.decode(auditEventTopic, r.value!)),
    );
    expect(events.map((e) => `${e.action}:${e.outcome}:${e.reasonCode ?? ''}`)).toEqual([
      'CONFIG_CHANGE:SUCCESS:ROLLOUT_LOADED',
      'CONFIG_CHANGE:SUCCESS:ROLLOUT_CHANGED',
      'CONFIG_CHANGE:FAILURE:ROLLOUT_INVALID',
    ]);
    expect(events[0]?.description).toContain('coding off');
    expect(events[1]?.description).toBe(
      'soap_note: on -> pilot pilot-a; chart_summary: on -> off; coding: off -> on; group pilot-a: 0 -> 1 members',
    );
    expect(events[2]?.description).toMatch(/phase must be 1, 2 or 3/);
    await bus.shutdown();
  });
});
