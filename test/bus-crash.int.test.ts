import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { KafkaBus, ensureTopics } from '@carerelay/bus';
import { eventually, probeTopic, uniqueName } from '@carerelay/bus/testing';
import { AvroSerde, RegistrySchemaStore } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';

const TOTAL = 900;

function handledIds(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('Kafka consumer crash', () => {
  const children: ChildProcess[] = [];
  afterEach(() => {
    for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  });

  function startConsumer(env: Record<string, string>): ChildProcess {
    const child = spawn(process.execPath, [join(import.meta.dirname, 'fixtures', 'crash-consumer.mjs')], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    children.push(child);
    return child;
  }

  it('a consumer killed mid-batch (SIGKILL) and restarted loses no record', async () => {
    const brokers = inject('kafkaBrokers');
    const topic = probeTopic(uniqueName('test.crash'));
    await ensureTopics(brokers.split(','), [
      { name: topic.name, partitions: 3, retentionMs: 3_600_000, cleanupPolicy: 'delete' },
    ]);
    const producer = KafkaBus.fromConfig({
      brokers: brokers.split(','),
      clientId: 'crash-producer',
      serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
      logger: createLogger({ service: 'test', level: 'silent' }),
    });
    await producer.start();
    await Promise.all(
      Array.from({ length: TOTAL }, (_, i) =>
        producer.publish(topic, {
          key: `t:${i % 30}`,
          value: { id: `m${i}`, seq: i, payload: 'x'.repeat(200) },
        }),
      ),
    );
    await producer.shutdown();

    const out = join(mkdtempSync(join(tmpdir(), 'crash-')), 'handled.txt');
    const env = {
      BROKERS: brokers,
      REGISTRY: inject('schemaRegistryUrl'),
      TOPIC: topic.name,
      GROUP: uniqueName('crash-group'),
      OUT_FILE: out,
    };
    const first = startConsumer({ ...env, DELAY_MS: '4' });
    await eventually(() => handledIds(out).length >= 150, 'first consumer to handle 150 records', 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const beforeRestart = handledIds(out).length;
    expect(beforeRestart).toBeLessThan(TOTAL); // it really died mid-way

    startConsumer({ ...env, DELAY_MS: '0' });
    await eventually(
      () => new Set(handledIds(out)).size === TOTAL,
      'every record handled after restart',
      60_000,
    );
    const all = handledIds(out);
    expect(new Set(all).size).toBe(TOTAL);
    // At-least-once: what was handled but not yet committed is handled again, no more.
    const redelivered = all.length - TOTAL;
    expect(redelivered).toBeGreaterThanOrEqual(0);
    expect(redelivered).toBeLessThanOrEqual(beforeRestart);
  });
});
