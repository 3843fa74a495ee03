import { EventEmitter } from 'node:events';
import { CareRelayError } from '@carerelay/errors';
import type { Serde, TopicContract } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
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
import { DEFAULT_MAX_BATCH_SIZE, processBatch, type Settled } from './batch-runtime.js';
import { attemptRecord, subscriptionDeps, type RetryState, type Step } from './consumer-runtime.js';

export interface EmbeddedBusOptions {
  readonly serde: Serde;
  readonly logger: Logger;
  readonly observer?: BusObserver;
  /** Partitions per topic (same role as on Kafka: the unit of ordering and parallelism). */
  readonly partitions?: number;
}

interface StoredRecord {
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Headers;
}

interface Log {
  readonly partitions: StoredRecord[][];
}

/** Kafka's default partitioner idea: a stable hash of the key; keyless records round-robin. */
function partitionFor(key: string | null, count: number, counter: { n: number }): number {
  if (key === null) return counter.n++ % count;
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return (h >>> 0) % count;
}

/** What one turn of a partition loop did: the leading records settled, and whether to retry after a wait. */
interface Turn {
  readonly settled: readonly Settled[];
  /** Set when the next record waits for a retry: the partition pauses this long, then it is redelivered. */
  readonly retryAfterMs?: number;
}

type Processor = (records: readonly RawRecord[], stopping: () => boolean) => Promise<Turn>;

/**
 * Adapts a one-record attempt to the partition loop: a batch of one, settled, or to be
 * retried once the partition's pause is over (with its retry state, as on Kafka).
 */
function oneByOne(
  process: (record: RawRecord, previous: RetryState | undefined) => Promise<Step>,
): Processor {
  const retrying = new Map<number, { readonly offset: string; readonly state: RetryState }>();
  return async (records) => {
    const record = records[0]!;
    const waited = retrying.get(record.partition);
    const step = await process(record, waited?.offset === record.offset ? waited.state : undefined);
    if (step.kind === 'retry') {
      retrying.set(record.partition, { offset: record.offset, state: step.state });
      return { settled: [], retryAfterMs: step.delayMs };
    }
    retrying.delete(record.partition);
    return { settled: [step.outcome] };
  };
}

/**
 * The single-process bus: in-memory partitioned logs with per-group committed
 * offsets. Same Avro bytes (through the same Serde) and the same consumer
 * runtime as Kafka, so retry and DLQ semantics are identical. Nothing survives
 * the process; that is the embedded default's contract.
 */
export class EmbeddedBus implements Bus {
  private readonly logs = new Map<string, Log>();
  private readonly appended = new EventEmitter();
  private readonly counter = { n: 0 };
  private readonly subscriptions = new Set<Subscription>();
  private readonly offsets = new Map<string, number[]>();
  private readonly activeGroups = new Set<string>();
  private readonly partitions: number;
  private started = false;

  static fromConfig(options: EmbeddedBusOptions): EmbeddedBus {
    return new EmbeddedBus(options);
  }

  private constructor(private readonly options: EmbeddedBusOptions) {
    this.partitions = options.partitions ?? 3;
    this.appended.setMaxListeners(0);
  }

  start(): Promise<void> {
    this.started = true;
    return Promise.resolve();
  }

  private log(topic: string): Log {
    let log = this.logs.get(topic);
    if (!log) {
      log = { partitions: Array.from({ length: this.partitions }, () => []) };
      this.logs.set(topic, log);
    }
    return log;
  }

  async publish<T>(topic: TopicContract<T>, message: OutgoingMessage<T>): Promise<void> {
    const value = await this.options.serde.encode(topic, message.value);
    await this.publishRaw(topic.name, { key: message.key, value, headers: message.headers });
  }

  publishRaw(
    topic: string,
    message: { key: string | null; value: Buffer | null; headers?: Headers },
  ): Promise<void> {
    const log = this.log(topic);
    const partition = partitionFor(message.key, log.partitions.length, this.counter);
    log.partitions[partition]!.push({
      key: message.key,
      value: message.value,
      headers: { ...message.headers },
    });
    this.appended.emit(topic);
    return Promise.resolve();
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
    return Promise.resolve(
      this.consume(
        options.topic.name,
        options.fromBeginning ?? true,
        options.concurrency ?? 1,
        options.groupId,
        1,
        oneByOne((record, previous) => attemptRecord(record, deps, previous)),
      ),
    );
  }

  subscribeBatch<T>(options: BatchSubscribeOptions<T>): Promise<Subscription> {
    const deps = this.subscriptionDeps(options);
    return this.safely(() =>
      this.consume(
        options.topic.name,
        options.fromBeginning ?? true,
        options.concurrency ?? 1,
        options.groupId,
        Math.max(1, options.maxBatchSize ?? DEFAULT_MAX_BATCH_SIZE),
        async (records, stopping) => ({
          settled: await processBatch(records, { ...deps, stopping }),
        }),
      ),
    );
  }

  subscribeRaw(options: RawSubscribeOptions): Promise<Subscription> {
    return this.safely(() =>
      this.consume(
        options.topic,
        options.fromBeginning ?? true,
        1,
        options.groupId,
        1,
        oneByOne(async (record) => {
          await options.handler(record);
          return { kind: 'settled', outcome: 'handled' };
        }),
      ),
    );
  }

  private safely(fn: () => Subscription): Promise<Subscription> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  /**
   * One loop per partition; `concurrency` bounds how many partitions are worked
   * on at once. Each turn hands up to `maxBatch` records to `process`; the committed
   * offset advances past the records it settled (handled or dead-lettered) only. A record
   * waiting for its retry pauses its partition: the slot is free for the others meanwhile.
   */
  private consume(
    topic: string,
    fromBeginning: boolean,
    concurrency: number,
    groupId: string,
    maxBatch: number,
    process: Processor,
  ): Subscription {
    const log = this.log(topic);
    const groupKey = `${groupId}\u0000${topic}`;
    if (this.activeGroups.has(groupKey)) {
      throw new CareRelayError(
        'BUS_GROUP_BUSY',
        `group ${groupId} already consumes ${topic} in this process`,
        {
          retryable: false,
        },
      );
    }
    // A group that comes back resumes from its committed offsets, as on Kafka.
    let committed = this.offsets.get(groupKey);
    if (!committed) {
      committed = log.partitions.map((p) => (fromBeginning ? 0 : p.length));
      this.offsets.set(groupKey, committed);
    }
    this.activeGroups.add(groupKey);
    let stopping = false;
    let active = 0;
    const slotFreed = new EventEmitter();
    const wake = new EventEmitter();
    const onAppend = (): void => {
      wake.emit('data');
    };
    this.appended.on(topic, onAppend);

    const waitFor = (emitter: EventEmitter, event: string): Promise<void> =>
      new Promise((resolve) => emitter.once(event, () => resolve()));
    const stopped = new EventEmitter();
    stopped.setMaxListeners(0);
    /** Waits `ms`, or less when the subscription stops. */
    const pause = (ms: number): Promise<void> =>
      new Promise((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          stopped.off('stop', done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        stopped.once('stop', done);
      });

    const loop = async (partition: number): Promise<void> => {
      const records = log.partitions[partition]!;
      while (!stopping) {
        if (committed[partition]! >= records.length) {
          await waitFor(wake, 'data');
          continue;
        }
        while (active >= concurrency && !stopping) await waitFor(slotFreed, 'free');
        if (stopping) break;
        active++;
        let retryAfterMs: number | undefined;
        try {
          const offset = committed[partition]!;
          const batch = records
            .slice(offset, offset + maxBatch)
            .map((stored, i) => ({ topic, partition, offset: String(offset + i), ...stored }));
          const began = Date.now();
          const turn = await process(batch, () => stopping);
          const elapsed = Date.now() - began;
          for (const outcome of turn.settled)
            this.options.observer?.recordProcessed(topic, groupId, outcome, elapsed);
          committed[partition] = offset + turn.settled.length;
          retryAfterMs = turn.retryAfterMs;
          if (retryAfterMs === undefined && turn.settled.length < batch.length) {
            this.options.observer?.recordProcessed(topic, groupId, 'aborted', elapsed);
            break;
          }
        } finally {
          active--;
          slotFreed.emit('free');
        }
        // The partition is paused for the backoff; the record is redelivered after it (if not stopping).
        if (retryAfterMs !== undefined) await pause(retryAfterMs);
      }
    };

    const loops = log.partitions.map((_, p) => loop(p));
    const subscription: Subscription = {
      stop: async () => {
        stopping = true;
        stopped.emit('stop');
        this.appended.off(topic, onAppend);
        wake.emit('data');
        slotFreed.emit('free');
        await Promise.all(loops);
        this.subscriptions.delete(subscription);
        this.activeGroups.delete(groupKey);
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  health(): BusHealth {
    return {
      healthy: true,
      ready: this.started,
      details: { mode: 'embedded', subscriptions: String(this.subscriptions.size) },
    };
  }

  async shutdown(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.started = false;
  }
}
