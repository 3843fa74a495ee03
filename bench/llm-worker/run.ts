// llm-worker throughput with a model that answers after a fixed delay (1 s by
// default), for 1, 2 and 4 instances on real Kafka and Redis, and the worker's
// own overhead per call with model time excluded. Prints figures only.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { KafkaBus, type Bus, type SubscribeOptions } from '@carerelay/bus';
import { LocalKeyProvider, keyedHash } from '@carerelay/crypto';
import {
  AvroSerde,
  RegistrySchemaStore,
  aiDraftTopic,
  aiRequestTopic,
  type AiRequest,
} from '@carerelay/events';
import { AzureOpenAIModelClient, type ModelClient } from '@carerelay/llm';
import { createLogger } from '@carerelay/logger';
import { deidentifyContext, issuedTokensOf, knownFingerprintValues } from '@carerelay/phi';
import { fixtureTaskContext } from '@carerelay/phi/testing';
import { DraftIdempotency, SharedRateLimiter, createLlmWorkerApp } from '@carerelay/service-llm-worker';
import { obeySchema, startAzureRecorder } from '@carerelay/llm/testing';
import { benchInfra, median, percentile, type BenchInfra } from '../lib/infra.js';

const MODEL_DELAY_MS = Number(process.env.BENCH_MODEL_DELAY_MS ?? 1_000);
// ai.request.v1 has 6 partitions: instances × concurrency above 6 cannot run more in parallel.
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const TASKS_PER_SLOT = Number(process.env.BENCH_TASKS_PER_SLOT ?? 6);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const INSTANCES = [1, 2, 4];
const logger = createLogger({ service: 'bench', level: 'warn' });

/** Times each handler run per task, so model time can be subtracted from it. */
function timingBus(bus: Bus, handlerMs: Map<string, number>): Bus {
  return Object.assign(Object.create(bus) as Bus, {
    subscribe: <T>(options: SubscribeOptions<T>) =>
      bus.subscribe<T>({
        ...options,
        handler: async (d) => {
          const began = performance.now();
          await options.handler(d);
          handlerMs.set((d.value as { taskId: string }).taskId, performance.now() - began);
        },
      }),
  });
}

function timingModel(model: ModelClient, modelMs: Map<string, number>): ModelClient {
  return {
    kind: model.kind,
    recipient: (u) => model.recipient(u),
    complete: async (request) => {
      const began = performance.now();
      try {
        return await model.complete(request);
      } finally {
        modelMs.set(request.requestId ?? '', performance.now() - began);
      }
    },
  };
}

async function run(
  infra: BenchInfra,
  instances: number,
  recorderUrl: string,
): Promise<{ tasksPerSecond: number; overhead: number[] }> {
  const tenantId = `bench-${randomUUID()}`;
  const keys = LocalKeyProvider.ephemeral();
  const prefix = `bench:${randomUUID()}:`;
  const handlerMs = new Map<string, number>();
  const modelMs = new Map<string, number>();
  const groupId = `bench-llm-${randomUUID()}`;
  const workers: Array<{ bus: KafkaBus; redis: Redis; stop: () => Promise<void> }> = [];
  for (let i = 0; i < instances; i++) {
    const bus = KafkaBus.fromConfig({
      brokers: infra.brokers,
      clientId: `bench-llm-${i}`,
      serde: new AvroSerde(new RegistrySchemaStore(infra.registryUrl)),
      logger,
    });
    await bus.start();
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    const model = new AzureOpenAIModelClient({
      endpoint: recorderUrl,
      apiKey: 'bench',
      apiVersion: '2024-10-21',
      defaultDeployment: 'bench',
    });
    const app = createLlmWorkerApp(
      { bus: timingBus(bus, handlerMs), logger, concurrency: CONCURRENCY },
      {
        model: timingModel(model, modelMs),
        deploymentFor: () => 'bench',
        keys,
        limiter: new SharedRateLimiter(redis, `${prefix}rate`, {
          requestsPerMinute: 100_000,
          tokensPerMinute: 0,
        }),
        drafts: new DraftIdempotency(redis, prefix, 600, 120_000),
        rateMaxWaitMs: 10_000,
        callAttempts: 1,
        retryInitialMs: 100,
        maxRetryAfterMs: 0,
        circuit: { threshold: 100, resetMs: 1_000 },
        deliveryAttempts: 1,
        timeoutMs: 30_000,
        maxTokens: 1_500,
        groupId,
        fromBeginning: false,
      },
    );
    await app.start();
    workers.push({ bus, redis, stop: () => app.stop() });
  }
  while (!workers.every((w) => w.bus.health().ready)) await new Promise((r) => setTimeout(r, 50));

  const deid = deidentifyContext(fixtureTaskContext());
  const fingerprintKey = await keys.deriveKey(tenantId, 'fingerprint');
  const fingerprints = knownFingerprintValues(deid.known).map((v) => keyedHash(fingerprintKey, v));
  const total = instances * CONCURRENCY * TASKS_PER_SLOT;
  let drafted = 0;
  const watcher = workers[0]!.bus;
  const sub = await watcher.subscribe({
    topic: aiDraftTopic,
    groupId: `bench-drafts-${randomUUID()}`,
    fromBeginning: false,
    handler: (d) => {
      if (d.value.tenantId === tenantId) drafted += 1;
      return Promise.resolve();
    },
  });
  while (!watcher.health().ready) await new Promise((r) => setTimeout(r, 50));
  const began = performance.now();
  await Promise.all(
    Array.from({ length: total }, (_, i) => {
      const request: AiRequest = {
        taskId: randomUUID(),
        tenantId,
        subjectRef: `s${i}`,
        useCase: 'soap_note',
        purposeOfUse: 'TREATMENT',
        deidentifiedContext: JSON.stringify(deid.context),
        vaultKey: `vault:${tenantId}:${i}`,
        deidCounts: deid.counts,
        dateShifted: false,
        securityLabels: [],
        consentRef: null,
        createdAt: Date.now(),
        knownFingerprints: fingerprints,
        issuedTokens: issuedTokensOf(deid),
      };
      return watcher.publish(aiRequestTopic, { key: `${tenantId}:s${i}`, value: request });
    }),
  );
  while (drafted < total) await new Promise((r) => setTimeout(r, 20));
  const seconds = (performance.now() - began) / 1000;
  await sub.stop();
  for (const w of workers) {
    await w.stop();
    await w.bus.shutdown();
    w.redis.disconnect();
  }
  const overhead = [...handlerMs].map(([taskId, ms]) => ms - (modelMs.get(taskId) ?? 0));
  return { tasksPerSecond: total / seconds, overhead };
}

async function main(): Promise<void> {
  const infra = await benchInfra();
  const recorder = await startAzureRecorder((q, i) => ({ ...obeySchema(q, i), delayMs: MODEL_DELAY_MS }));
  try {
    const rows: string[] = [];
    for (const instances of INSTANCES) {
      const rates: number[] = [];
      const overhead: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const result = await run(infra, instances, recorder.url);
        rates.push(result.tasksPerSecond);
        overhead.push(...result.overhead);
        console.log(`  ${instances} instance(s), run ${r + 1}: ${result.tasksPerSecond.toFixed(2)} tasks/s`);
      }
      rows.push(
        `${String(instances).padStart(9)} ${String(CONCURRENCY).padStart(11)} ${median(rates).toFixed(2).padStart(9)} ${(
          instances *
          CONCURRENCY *
          (1000 / MODEL_DELAY_MS)
        )
          .toFixed(2)
          .padStart(
            9,
          )} ${percentile(overhead, 50).toFixed(1).padStart(12)} ${percentile(overhead, 99).toFixed(1).padStart(12)}`,
      );
    }
    console.log(
      `\nbench/llm-worker: model answers after ${MODEL_DELAY_MS} ms; ${TASKS_PER_SLOT} tasks per worker slot; median of ${RUNS} runs`,
    );
    console.log(
      'instances concurrency   tasks/s     ideal  overhead p50 overhead p99 (ms, model time excluded)',
    );
    for (const row of rows) console.log(row);
  } finally {
    await recorder.close();
    await infra.stop();
  }
}

await main();
