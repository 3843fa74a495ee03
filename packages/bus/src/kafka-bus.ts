import { EventEmitter } from 'node:events';
import {
  Kafka,
  Partitioners,
  logLevel,
  type Consumer,
  type IHeaders,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { CareRelayError } from '@carerelay/errors';
import type { Serde, TopicContract } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import { DEFAULT_MAX_BATCH_SIZE, processBatch } from './batch-runtime.js';
import type {
  BatchSubscribeOptions,
  Bus,
  BusObserver,
  BusHealth,
  Headers,
  OutgoingMessage,
  RawRecord,
  RawSubscribeOptions,
  SubscribeOptions,
  Subscription,
} from './bus.js';
import { attemptRecord, subscriptionDeps, type RetryState, type Step } from './consumer-runtime.js';
import { kafkaClientConfig, toKafkaError, type KafkaConnection } from './kafka-connection.js';
import { PublishBatcher, type PendingMessage } from './publish-batcher.js';

/** The connection (brokers, TLS/mTLS, SASL/SCRAM) is shared with the topic admin: KafkaConnection. */
export interface KafkaBusOptions extends KafkaConnection {
  readonly clientId: string;
  readonly serde: Serde;
  readonly logger: Logger;
  readonly observer?: BusObserver;
  /** How long a publish may wait for others to share its request. */
  readonly lingerMs?: number;
  readonly maxBatch?: number;
  /** Finished offsets are committed together at most this often (default 500 ms); a crash redelivers at most this much work. */
  readonly commitIntervalMs?: number;
  /**
   * Longest a fetch waits at the broker for new data. Lower means lower tail latency on
   * multi-partition topics with kafkajs (measured in bench/bus), at the cost of more idle fetches.
   */
  readonly maxWaitTimeMs?: number;
  /** How long the group waits for a silent member before rebalancing its partitions away (broker minimum 6 s). */
  readonly sessionTimeoutMs?: number;
}

/** kafkajs headers as strings (a repeated header joined with commas). */
export function toHeaders(raw: IHeaders | undefined): Headers {
  const out: Record<string, string> = {};
  const text = (v: Buffer | string): string => (Buffer.isBuffer(v) ? v.toString('utf8') : v);
  for (const [k, v] of Object.entries(raw ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(text).join(',') : text(v);
  }
  return out;
}

const nextOffset = (offset: string): string => (BigInt(offset) + 1n).toString();

/** What a subscription does with one fetched batch of one partition. */
type Work = (
  records: readonly RawRecord[],
  ctx: {
    readonly state: ConsumerState;
    /** False once stopping, or once a rebalance took the partition away. */
    readonly live: () => boolean;
    readonly heartbeat: () => Promise<void>;
    /** Marks everything up to this offset done: committed with the next commit. */
    readonly settle: (offset: string) => void;
    /**
     * Stops fetching this partition for `ms`: the work returns with the record unresolved,
     * and the partition is fetched again from it once resumed. The group keeps heartbeating
     * meanwhile (kafkajs does, between fetches), and other partitions go on.
     */
    readonly pauseFor: (ms: number) => void;
  },
) => Promise<void>;

/** How often a running handler's membership is renewed (kafkajs sends at most one per heartbeatInterval). */
const HANDLER_HEARTBEAT_MS = 1_000;
const HEARTBEAT_INTERVAL_MS = 3_000;

interface ConsumerState {
  readonly groupId: string;
  joined: boolean;
  crashed: boolean;
  stopping: boolean;
  stop: () => Promise<void>;
}

export class KafkaBus implements Bus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly batcher: PublishBatcher;
  private readonly consumers = new Map<Consumer, ConsumerState>();
  private producerReady = false;

  static fromConfig(options: KafkaBusOptions): KafkaBus {
    return new KafkaBus(options);
  }

  private constructor(private readonly options: KafkaBusOptions) {
    const log = options.logger.child({ component: 'kafkajs' });
    this.kafka = new Kafka({
      ...kafkaClientConfig(options),
      clientId: options.clientId,
      logLevel: logLevel.WARN,
      logCreator:
        () =>
        ({ level, log: entry }: LogEntry) => {
          const { message, ...rest } = entry;
          // Bounded producer retries are deliberate: a failed publish surfaces as a
          // retryable error to the caller, and consumers are idempotent.
          if (message.startsWith('Limiting retries for the idempotent producer')) return;
          if (level <= logLevel.ERROR) log.error(rest, message);
          else log.warn(rest, message);
        },
      retry: { retries: 8, initialRetryTime: 100, maxRetryTime: 5_000 },
    });
    // Idempotent: a retried produce request is deduplicated by the broker. kafkajs
    // requires acks=-1 and one request in flight for it (INFRA.md).
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 key hashing: a key lands on the same partition as with other clients.
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.batcher = new PublishBatcher(
      (messages) => this.sendBatch(messages),
      options.lingerMs ?? 2,
      options.maxBatch ?? 1_000,
    );
  }

  async start(): Promise<void> {
    // Wrong credentials or certificates fail here, once, with KAFKA_AUTH_FAILED / KAFKA_TLS_FAILED.
    await this.producer.connect().catch((err: unknown) => {
      throw toKafkaError(err, 'bus producer connect');
    });
    this.producerReady = true;
  }

  publish<T>(topic: TopicContract<T>, message: OutgoingMessage<T>): Promise<void> {
    return this.options.serde
      .encode(topic, message.value)
      .then((value) =>
        this.batcher.add({ topic: topic.name, key: message.key, value, headers: message.headers ?? {} }),
      );
  }

  publishRaw(
    topic: string,
    message: { key: string | null; value: Buffer | null; headers?: Headers },
  ): Promise<void> {
    return this.batcher.add({
      topic,
      key: message.key,
      value: message.value,
      headers: message.headers ?? {},
    });
  }

  private async sendBatch(messages: readonly PendingMessage[]): Promise<void> {
    const byTopic = new Map<string, PendingMessage[]>();
    for (const m of messages) {
      const list = byTopic.get(m.topic) ?? [];
      list.push(m);
      byTopic.set(m.topic, list);
    }
    try {
      await this.producer.sendBatch({
        acks: -1,
        topicMessages: [...byTopic].map(([topic, list]) => ({
          topic,
          messages: list.map((m) => ({ key: m.key, value: m.value, headers: { ...m.headers } })),
        })),
      });
    } catch (cause) {
      throw new CareRelayError('BUS_PUBLISH_FAILED', `publish to ${[...byTopic.keys()].join(', ')} failed`, {
        retryable: true,
        cause,
      });
    }
  }

  private subscriptionDeps<T, H>(options: Parameters<typeof subscriptionDeps<T, H>>[0]) {
    return subscriptionDeps(options, {
      serde: this.options.serde,
      logger: this.options.logger,
      publishDeadLetter: (topic, r) => this.publishRaw(topic, r),
    });
  }

  subscribe<T>(options: SubscribeOptions<T>): Promise<Subscription> {
    const deps = this.subscriptionDeps(options);
    return this.run(
      options.topic.name,
      options.groupId,
      options.fromBeginning ?? true,
      options.concurrency ?? 1,
      this.eachRecord(options.groupId, (record, previous) => attemptRecord(record, deps, previous)),
    );
  }

  subscribeBatch<T>(options: BatchSubscribeOptions<T>): Promise<Subscription> {
    const deps = this.subscriptionDeps(options);
    const maxBatchSize = Math.max(1, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE);
    const work: Work = async (records, ctx) => {
      for (let start = 0; start < records.length; start += maxBatchSize) {
        if (!ctx.live()) break;
        const chunk = records.slice(start, start + maxBatchSize);
        const began = Date.now();
        const settled = await processBatch(chunk, {
          ...deps,
          // A rebalance that took the partition away ends retries too: the new owner redelivers.
          stopping: () => !ctx.live(),
          heartbeat: ctx.heartbeat,
        });
        const elapsed = Date.now() - began;
        for (const outcome of settled)
          this.options.observer?.recordProcessed(chunk[0]!.topic, options.groupId, outcome, elapsed);
        if (settled.length > 0) ctx.settle(chunk[settled.length - 1]!.offset);
        if (settled.length < chunk.length) {
          this.options.observer?.recordProcessed(chunk[0]!.topic, options.groupId, 'aborted', elapsed);
          break;
        }
        await ctx.heartbeat();
      }
    };
    // One fetch should hold a whole batch: about 1 KB per record, never under the kafkajs default of 1 MB.
    const maxBytesPerPartition = Math.max(1_048_576, maxBatchSize * 1_024);
    return this.run(
      options.topic.name,
      options.groupId,
      options.fromBeginning ?? true,
      options.concurrency ?? 1,
      work,
      { maxBytesPerPartition, maxBytes: Math.max(10_485_760, 2 * maxBytesPerPartition) },
    );
  }

  subscribeRaw(options: RawSubscribeOptions): Promise<Subscription> {
    return this.run(
      options.topic,
      options.groupId,
      options.fromBeginning ?? true,
      1,
      this.eachRecord(options.groupId, async (record) => {
        await options.handler(record);
        return { kind: 'settled', outcome: 'handled' };
      }),
    );
  }

  /**
   * One record at a time, committable as soon as it is handled or dead-lettered. A record
   * to be retried pauses its partition for the backoff and is redelivered from its offset,
   * continuing its retry state.
   */
  private eachRecord(
    groupId: string,
    process: (record: RawRecord, previous: RetryState | undefined) => Promise<Step>,
  ): Work {
    const retrying = new Map<number, { readonly offset: string; readonly state: RetryState }>();
    return async (records, ctx) => {
      for (const record of records) {
        if (!ctx.live()) break;
        const waited = retrying.get(record.partition);
        const began = Date.now();
        const step = await process(record, waited?.offset === record.offset ? waited.state : undefined);
        if (step.kind === 'retry') {
          retrying.set(record.partition, { offset: record.offset, state: step.state });
          ctx.pauseFor(step.delayMs);
          break;
        }
        retrying.delete(record.partition);
        this.options.observer?.recordProcessed(record.topic, groupId, step.outcome, Date.now() - began);
        // Committable only now: the handler succeeded or the record is safe in the DLQ.
        ctx.settle(record.offset);
        await ctx.heartbeat();
      }
    };
  }

  private async run(
    topic: string,
    groupId: string,
    fromBeginning: boolean,
    concurrency: number,
    work: Work,
    fetch: { readonly maxBytesPerPartition?: number; readonly maxBytes?: number } = {},
  ): Promise<Subscription> {
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      sessionTimeout: this.options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: HEARTBEAT_INTERVAL_MS,
      maxWaitTimeInMs: this.options.maxWaitTimeMs ?? 100,
      ...fetch,
    });
    const state: ConsumerState = {
      groupId,
      joined: false,
      crashed: false,
      stopping: false,
      stop: async () => {},
    };
    this.consumers.set(consumer, state);
    consumer.on(consumer.events.GROUP_JOIN, () => {
      state.joined = true;
    });
    consumer.on(consumer.events.CRASH, (event) => {
      state.crashed = !event.payload.restart;
      this.options.logger.error({ groupId, topic, restart: event.payload.restart }, 'consumer crashed');
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning });

    // Offsets of records that are done (handled or dead-lettered), not yet committed, by partition.
    // They are committed together, at most every `commitEvery` ms: one OffsetCommit per batch
    // would queue behind the next Fetch on the broker connection and add latency per partition.
    const pending = new Map<number, string>();
    const commitEvery = this.options.commitIntervalMs ?? 500;
    let lastCommit = Date.now();
    let inFlight = 0;
    const idle = new EventEmitter();
    const drain = ():
      | { topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }> }
      | undefined => {
      if (pending.size === 0) return undefined;
      const partitions = [...pending].map(([partition, offset]) => ({ partition, offset }));
      pending.clear();
      lastCommit = Date.now();
      return { topics: [{ topic, partitions }] };
    };
    const commitFailed = (err: unknown): void => {
      // Typically a rebalance took the partition away: the new owner redelivers from the
      // last commit, and handlers are idempotent (at-least-once).
      this.options.logger.warn({ topic, groupId, err: (err as Error).message }, 'offset commit failed');
    };

    // Partitions paused while a record waits for its retry, with the timer that resumes each.
    const resumeTimers = new Map<number, NodeJS.Timeout>();

    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: concurrency,
      eachBatch: async (payload) => {
        const { batch } = payload;
        inFlight += 1;
        // A handler may outlast the session (a slow model call): renew membership while it runs,
        // or the group would give the partition away and redeliver the record mid-flight.
        const beat = setInterval(() => {
          payload.heartbeat().catch((err: unknown) => {
            this.options.logger.warn({ topic, groupId, err: (err as Error).message }, 'heartbeat failed');
          });
        }, HANDLER_HEARTBEAT_MS);
        try {
          await work(
            batch.messages.map((message) => ({
              topic: batch.topic,
              partition: batch.partition,
              offset: message.offset,
              key: message.key ? message.key.toString('utf8') : null,
              value: message.value,
              headers: toHeaders(message.headers),
            })),
            {
              state,
              live: () => payload.isRunning() && !payload.isStale() && !state.stopping,
              heartbeat: () => payload.heartbeat(),
              settle: (offset) => {
                payload.resolveOffset(offset);
                pending.set(batch.partition, nextOffset(offset));
              },
              pauseFor: (ms) => {
                const resume = payload.pause();
                clearTimeout(resumeTimers.get(batch.partition));
                resumeTimers.set(
                  batch.partition,
                  setTimeout(() => {
                    resumeTimers.delete(batch.partition);
                    if (!state.stopping) resume();
                  }, ms),
                );
              },
            },
          );
          if (state.stopping || Date.now() - lastCommit >= commitEvery) {
            const offsets = drain();
            // The batch's own commit works even once stop() began (consumer.commitOffsets does not).
            if (offsets) await payload.commitOffsetsIfNecessary(offsets).catch(commitFailed);
          }
        } finally {
          clearInterval(beat);
          inFlight -= 1;
          if (inFlight === 0) idle.emit('idle');
        }
      },
    });
    // Offsets left pending by a quiet consumer are committed on a timer too.
    const timer = setInterval(() => {
      if (inFlight > 0 || state.stopping || Date.now() - lastCommit < commitEvery) return;
      const offsets = drain();
      if (offsets)
        void consumer
          .commitOffsets(offsets.topics[0]!.partitions.map((p) => ({ topic, ...p })))
          .catch(commitFailed);
    }, commitEvery);
    timer.unref();
    state.stop = async () => {
      state.stopping = true;
      clearInterval(timer);
      // A record waiting for its retry stays uncommitted: the next owner redelivers it.
      for (const resumeTimer of resumeTimers.values()) clearTimeout(resumeTimer);
      resumeTimers.clear();
      // Let the batch in flight finish its record, then commit everything done before leaving.
      if (inFlight > 0) await new Promise((resolve) => idle.once('idle', resolve));
      const offsets = drain();
      if (offsets)
        await consumer
          .commitOffsets(offsets.topics[0]!.partitions.map((p) => ({ topic, ...p })))
          .catch(commitFailed);
      await consumer.disconnect();
      this.consumers.delete(consumer);
    };
    return { stop: () => state.stop() };
  }

  health(): BusHealth {
    const states = [...this.consumers.values()];
    const crashed = states.filter((s) => s.crashed).map((s) => s.groupId);
    const waiting = states.filter((s) => !s.joined).map((s) => s.groupId);
    return {
      healthy: crashed.length === 0,
      ready: this.producerReady && crashed.length === 0 && waiting.length === 0,
      details: {
        producer: this.producerReady ? 'connected' : 'disconnected',
        consumers: String(states.length),
        ...(crashed.length > 0 ? { crashed: crashed.join(',') } : {}),
        ...(waiting.length > 0 ? { joining: waiting.join(',') } : {}),
      },
    };
  }

  async shutdown(): Promise<void> {
    for (const state of [...this.consumers.values()]) await state.stop();
    await this.batcher.flush();
    this.producerReady = false;
    await this.producer.disconnect();
  }
}
