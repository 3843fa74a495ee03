import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import { configFingerprint, loadConfig, str, url } from '@carerelay/config';
import { CareRelayError } from '@carerelay/errors';
import { AvroSerde, InMemorySchemaStore, auditEventTopic, type AuditEvent } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { auditConfigApplied, configAuditTenant } from './config-audit.js';
import { commonConfigSchema } from './service-config.js';

const PASSWORD = 'pg-pass-Vx81qLw0';
const SECRET_FILE = '/run/secrets/carerelay-webhook-secret-7f3a';
const serviceSchema = {
  DATABASE_URL: url({ description: 'store' }),
  WEBHOOK_SECRET_FILE: str({ description: 'webhook secret file', optional: true }),
};
const schema = { ...commonConfigSchema, ...serviceSchema };
const env = {
  KAFKA_BROKERS: 'kafka-1.internal:9092',
  SCHEMA_REGISTRY_URL: 'http://registry.internal:8081',
  DATABASE_URL: `postgres://writer:${PASSWORD}@db.internal:5432/audit`,
  WEBHOOK_SECRET_FILE: SECRET_FILE,
};

let serde: AvroSerde;
let bus: EmbeddedBus;
beforeEach(async () => {
  serde = new AvroSerde(new InMemorySchemaStore());
  bus = EmbeddedBus.fromConfig({ serde, logger: createLogger({ service: 'test', level: 'silent' }) });
  await bus.start();
});
afterEach(() => bus.shutdown());

/** The audit records published so far: their bytes on the topic, and decoded. */
async function published(count: number): Promise<{ bytes: Buffer[]; events: AuditEvent[] }> {
  const { records, subscription } = await collectRaw(bus, auditEventTopic.name);
  await eventually(() => records.length >= count, `${count} audit record(s)`);
  await subscription.stop();
  const bytes = records.map((r) => r.value!);
  return { bytes, events: await Promise.all(bytes.map((b) => serde.decode(auditEventTopic, b))) };
}

describe('auditConfigApplied', () => {
  it('publishes one CONFIG_CHANGE with the digest and one hash per variable, and no value', async () => {
    const config = loadConfig(schema, env);

    await auditConfigApplied(bus, { service: 'writeback', tenantId: 'deployment', schema, config });

    const { bytes, events } = await published(1);
    expect(events).toHaveLength(1);
    const event = events[0]!;
    const expected = configFingerprint(schema, config);
    expect(event).toMatchObject({
      tenantId: 'deployment',
      action: 'CONFIG_CHANGE',
      outcome: 'SUCCESS',
      actor: { service: 'writeback' },
      description: 'configuration in force at service start',
      counts: { keys: Object.keys(schema).length },
    });
    expect(event.hashes).toEqual({
      config: expected.digest,
      ...Object.fromEntries(Object.entries(expected.keys).map(([k, h]) => [`key:${k}`, h])),
    });
    const text = bytes[0]!.toString('latin1');
    for (const value of [PASSWORD, SECRET_FILE, 'db.internal', 'kafka-1.internal', 'registry.internal']) {
      expect(text).not.toContain(value);
    }
  });

  it('shows a changed value as a new digest whose differing key hash names the variable', async () => {
    await auditConfigApplied(bus, {
      service: 'writeback',
      tenantId: 'deployment',
      schema,
      config: loadConfig(schema, env),
    });
    await auditConfigApplied(bus, {
      service: 'writeback',
      tenantId: 'deployment',
      schema,
      config: loadConfig(schema, {
        ...env,
        DATABASE_URL: 'postgres://writer:rotated@db2.internal:5432/audit',
      }),
    });

    const [first, second] = (await published(2)).events;
    expect(second!.hashes['config']).not.toBe(first!.hashes['config']);
    const changed = Object.keys(first!.hashes).filter((k) => first!.hashes[k] !== second!.hashes[k]);
    expect(changed.sort()).toEqual(['config', 'key:DATABASE_URL']);
  });

  it('rides out a broker that is still starting: retried, then recorded once', async () => {
    const loading = new CareRelayError('KAFKA_UNAVAILABLE', 'The coordinator is loading', {
      retryable: true,
    });
    const publish = vi.spyOn(bus, 'publish').mockRejectedValueOnce(loading).mockRejectedValueOnce(loading);

    await auditConfigApplied(
      bus,
      { service: 'writeback', tenantId: 'deployment', schema, config: loadConfig(schema, env) },
      { retryForMs: 10_000 },
    );

    expect(publish).toHaveBeenCalledTimes(3);
    const { events } = await published(1);
    expect(events.map((e) => e.action)).toEqual(['CONFIG_CHANGE']);
  });

  it('does not retry an error that is not retryable', async () => {
    const refused = new CareRelayError('KAFKA_AUTH_FAILED', 'wrong password', { retryable: false });
    const publish = vi.spyOn(bus, 'publish').mockRejectedValue(refused);
    await expect(
      auditConfigApplied(
        bus,
        { service: 'writeback', tenantId: 'deployment', schema, config: loadConfig(schema, env) },
        { retryForMs: 10_000 },
      ),
    ).rejects.toMatchObject({ code: 'CONFIG_AUDIT_FAILED' });
    expect(publish).toHaveBeenCalledTimes(1);
  });

  it('fails closed with CONFIG_AUDIT_FAILED when the event cannot be published', async () => {
    vi.spyOn(bus, 'publish').mockRejectedValue(new Error('broker unreachable'));

    const attempt = auditConfigApplied(
      bus,
      {
        service: 'writeback',
        tenantId: 'deployment',
        schema,
        config: loadConfig(schema, env),
      },
      { retryForMs: 1_000 },
    );

    await expect(attempt).rejects.toBeInstanceOf(CareRelayError);
    await expect(attempt).rejects.toMatchObject({ code: 'CONFIG_AUDIT_FAILED' });
  });
});

describe('configAuditTenant', () => {
  it('is the tenant a service serves when its own configuration names one', () => {
    expect(configAuditTenant({ TENANT_ID: 'practice-42' }, { AUDIT_DEPLOYMENT_TENANT: 'deployment' })).toBe(
      'practice-42',
    );
  });

  it('is the deployment tenant otherwise', () => {
    expect(configAuditTenant({ REDIS_URL: 'redis://x' }, { AUDIT_DEPLOYMENT_TENANT: 'acme-prod' })).toBe(
      'acme-prod',
    );
  });
});
