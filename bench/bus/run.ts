// One-hop throughput and latency of the Kafka bus on the real broker: publish
// through KafkaBus (Avro, Confluent wire format, idempotent producer) to a
// handler in another KafkaBus consumer. Prints figures; never passes or fails.
import { KafkaBus } from '@carerelay/bus';
import { AvroSerde, RegistrySchemaStore, defineTopic, type TopicContract } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { benchInfra, benchTopic, median, percentile, type BenchInfra } from '../lib/infra.js';

interface BenchRecord {
  readonly id: number;
  readonly sentAt: number;
  readonly body: string;
}
const schema = {
  type: 'record',
  name: 'BenchRecord',
  namespace: 'health.carerelay.bench',
  fields: [
    { name: 'id', type: 'long' },
    { name: 'sentAt', type: 'double' },
    { name: 'body', type: 'string' },
  ],
};
// ~1 KB encoded: 2 + 8 + 2 + 1000 bytes of body, plus the 5-byte frame.
const BODY = 'x'.repeat(1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const THROUGHPUT_MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100_000);
const RATE = Number(process.env.BENCH_RATE ?? 1_000);
const LATENCY_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const PARTITIONS = Number(process.env.BENCH_PARTITIONS ?? 6);

const logger = createLogger({ service: 'bench', level: 'warn' });
const now = (): number => performance.timeOrigin + performance.now();

function makeBus(infra: BenchInfra, clientId: string): KafkaBus {
  return KafkaBus.fromConfig({
    brokers: infra.brokers,
    clientId,
    serde: new AvroSerde(new RegistrySchemaStore(infra.registryUrl)),
    logger,
  });
}

async function hop(
  infra: BenchInfra,
  partitions: number,
  onReady: (publisher: KafkaBus, topic: TopicContract<BenchRecord>) => Promise<void>,
  expected: number,
  onRecord: (r: BenchRecord, at: number) => void,
): Promise<{ firstAt: number; lastAt: number }> {
  const topic = defineTopic<BenchRecord>(await benchTopic(infra.brokers, 'bench.bus', partitions), schema);
  const publisher = makeBus(infra, 'bench-publisher');
  const consumer = makeBus(infra, 'bench-consumer');
  await Promise.all([publisher.start(), consumer.start()]);
  let received = 0;
  let lastAt = 0;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  await consumer.subscribe({
    topic,
    groupId: `bench-${topic.name}`,
    concurrency: partitions,
    handler: (d) => {
      const at = now();
      onRecord(d.value, at);
      received += 1;
      lastAt = at;
      if (received === expected) done();
      return Promise.resolve();
    },
  });
  // Warm-up record: the group has joined and the registry answered before timing starts.
  await publisher.publish(topic, { key: 'warmup', value: { id: -1, sentAt: now(), body: '' } });
  while (received < 1) await new Promise((r) => setTimeout(r, 20));
  received = 0;
  const firstAt = now();
  await onReady(publisher, topic);
  await finished;
  await Promise.all([publisher.shutdown(), consumer.shutdown()]);
  return { firstAt, lastAt };
}

async function throughputRun(infra: BenchInfra): Promise<{ endToEnd: number; publish: number }> {
  let publishedAt = 0;
  const { firstAt, lastAt } = await hop(
    infra,
    PARTITIONS,
    async (publisher, topic) => {
      const window = 20_000;
      for (let start = 0; start < THROUGHPUT_MESSAGES; start += window) {
        const sends: Promise<void>[] = [];
        for (let i = start; i < Math.min(start + window, THROUGHPUT_MESSAGES); i++) {
          sends.push(
            publisher.publish(topic, {
              key: `tenant:${i % 500}`,
              value: { id: i, sentAt: now(), body: BODY },
            }),
          );
        }
        await Promise.all(sends);
      }
      publishedAt = now();
    },
    THROUGHPUT_MESSAGES,
    () => {},
  );
  return {
    endToEnd: THROUGHPUT_MESSAGES / ((lastAt - firstAt) / 1000),
    publish: THROUGHPUT_MESSAGES / ((publishedAt - firstAt) / 1000),
  };
}

async function latencyRun(
  infra: BenchInfra,
  partitions: number,
): Promise<{ p50: number; p99: number; max: number }> {
  const total = RATE * LATENCY_SECONDS;
  const latencies: number[] = [];
  await hop(
    infra,
    partitions,
    async (publisher, topic) => {
      const began = now();
      for (let i = 0; i < total; i++) {
        // Open-loop schedule: record i is due at began + i/RATE, whatever the previous did.
        const due = began + (i * 1000) / RATE;
        const wait = due - now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        void publisher.publish(topic, {
          key: `tenant:${i % 500}`,
          value: { id: i, sentAt: now(), body: BODY },
        });
      }
    },
    total,
    (r, at) => latencies.push(at - r.sentAt),
  );
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) };
}

async function main(): Promise<void> {
  const infra = await benchInfra();
  try {
    const tput: { endToEnd: number; publish: number }[] = [];
    for (let run = 1; run <= RUNS; run++) {
      const t = await throughputRun(infra);
      tput.push(t);
      console.log(
        `run ${run}: one-hop ${t.endToEnd.toFixed(0)} msgs/s (publish alone ${t.publish.toFixed(0)} msgs/s)`,
      );
    }
    const lat = new Map<number, { p50: number; p99: number; max: number }[]>();
    for (const partitions of new Set([PARTITIONS, 1])) {
      const runs: { p50: number; p99: number; max: number }[] = [];
      for (let run = 1; run <= RUNS; run++) {
        const l = await latencyRun(infra, partitions);
        runs.push(l);
        console.log(
          `run ${run}: ${partitions} partition(s) at ${RATE} msgs/s: p50 ${l.p50.toFixed(2)} ms, p99 ${l.p99.toFixed(2)} ms, max ${l.max.toFixed(1)} ms`,
        );
      }
      lat.set(partitions, runs);
    }
    console.log('\nbench/bus: Kafka one hop, 1 KB Avro records, real broker (median of %d runs)', RUNS);
    console.log(
      `  throughput      ${median(tput.map((t) => t.endToEnd)).toFixed(0)} msgs/s end to end (${THROUGHPUT_MESSAGES} records, ${PARTITIONS} partitions)`,
    );
    console.log(`  publish alone   ${median(tput.map((t) => t.publish)).toFixed(0)} msgs/s`);
    for (const [partitions, runs] of lat) {
      console.log(
        `  latency @${RATE}/s, ${partitions} partition(s): p50 ${median(runs.map((l) => l.p50)).toFixed(2)} ms, p99 ${median(runs.map((l) => l.p99)).toFixed(2)} ms (${LATENCY_SECONDS} s per run)`,
      );
    }
  } finally {
    await infra.stop();
  }
}

await main();
