import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { startKafka } from '@carerelay/infra-local';
import { TOPIC_DECLARATIONS } from '@carerelay/events';
import { uniqueName } from './testing.js';
import { ensureTopics } from './topic-admin.js';

// Finding 8 (issue #12): every service calls ensureTopics at start, often right after the
// broker (re)started. Brokers here are started by the test itself, on a fresh state dir.

/** Leader of each partition per topic, read with a plain kafkajs admin afterwards. */
async function leadersOf(brokers: string, names: readonly string[]): Promise<Map<string, number[]>> {
  const admin = new Kafka({
    clientId: 'young-broker-check',
    brokers: [brokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [...names] });
    return new Map(topics.map((t) => [t.name, t.partitions.map((p) => p.leader)]));
  } finally {
    await admin.disconnect();
  }
}

/** One node, id 1 (infra/local): every partition of every declared topic led by it. */
async function expectEveryPartitionLed(brokers: string): Promise<void> {
  const leaders = await leadersOf(
    brokers,
    TOPIC_DECLARATIONS.map((d) => d.name),
  );
  for (const d of TOPIC_DECLARATIONS) {
    expect(leaders.get(d.name), d.name).toEqual(Array.from({ length: d.partitions }, () => 1));
  }
}

const failuresOf = (results: readonly PromiseSettledResult<unknown>[]): string[] =>
  results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));

// YOUNG_BROKER_ROUNDS raises the number of fresh brokers (to measure how often a client fails).
const ROUNDS = Number(process.env.YOUNG_BROKER_ROUNDS ?? 1);

describe('topic creation on a young or restarting broker', () => {
  it(
    'creates every declared topic, then new topics one by one, each with a leader per partition, from the moment a fresh broker port opens',
    async () => {
      for (let round = 0; round < ROUNDS; round++) {
        const kafka = await startKafka({ ready: 'port' });
        try {
          const brokers = [kafka.brokers];
          // Three services starting together, then the same calls again in a row.
          const together = await Promise.allSettled(
            [1, 2, 3].map(() => ensureTopics(brokers, TOPIC_DECLARATIONS)),
          );
          expect(failuresOf(together), `round ${round}`).toEqual([]);
          for (let again = 0; again < 2; again++) {
            expect(await ensureTopics(brokers, TOPIC_DECLARATIONS), `round ${round}`).toEqual([]);
          }
          await expectEveryPartitionLed(kafka.brokers);

          // Then one new topic at a time, each used at once (as benchTopic and the bus tests do).
          for (let i = 0; i < 5; i++) {
            const name = uniqueName('test.young');
            const decl = { name, partitions: 4, retentionMs: 60_000, cleanupPolicy: 'delete' as const };
            expect(await ensureTopics(brokers, [decl])).toEqual([name]);
            expect((await leadersOf(kafka.brokers, [name])).get(name), name).toEqual([1, 1, 1, 1]);
          }
        } finally {
          await kafka.stop();
        }
      }
    },
    60_000 * ROUNDS,
  );

  it('waits for a broker that restarts while services start, and creates the topics once it is back', async () => {
    const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'carerelay-restart-'));
    const first = await startKafka({ stateDir });
    const { port, controllerPort } = first;
    let second: Awaited<ReturnType<typeof startKafka>> | undefined;
    try {
      const brokers = [first.brokers];
      const existing = TOPIC_DECLARATIONS.slice(0, 3);
      expect(await ensureTopics(brokers, existing)).toEqual(existing.map((d) => d.name));
      await first.stop();

      // Services start while the broker is down; it is back after 15 s (a slow restart, e.g.
      // log recovery). kafkajs' own connect retries give up after about 10 s.
      const starting = Promise.allSettled([1, 2].map(() => ensureTopics(brokers, TOPIC_DECLARATIONS)));
      await new Promise((r) => setTimeout(r, 15_000));
      second = await startKafka({ stateDir, port, controllerPort, ready: 'port' });
      const results = await starting;

      expect(failuresOf(results)).toEqual([]);
      const created = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      const absentBefore = TOPIC_DECLARATIONS.slice(3).map((d) => d.name);
      // Each call reports the declared topics absent when it began: never the three that survived the restart.
      for (const names of created) expect([...names].sort()).toEqual([...absentBefore].sort());
      await expectEveryPartitionLed(second.brokers);
    } finally {
      await second?.stop();
      await first.stop();
      fs.rmSync(stateDir, { recursive: true, force: true });
    }
  }, 120_000);
});
