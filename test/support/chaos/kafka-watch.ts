import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Consumer, type IHeaders } from 'kafkajs';

/** A consumer group and the topic it consumes. */
export interface GroupTopic {
  readonly groupId: string;
  readonly topic: string;
}

/** A record read back from a topic, headers as strings. */
export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Record<string, string>;
  readonly readAt: number;
}

/** Per topic and partition: the next offset to be written (the high watermark). */
export type Offsets = Map<string, Map<number, bigint>>;

const headersOf = (headers: IHeaders | undefined): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers ?? {}).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.map(String).join(',') : v === undefined ? '' : v.toString(),
    ]),
  );

/**
 * What the chaos test reads from the broker itself, independently of the services:
 * high watermarks (dead letters are counted as the growth of every *.dlq topic), the
 * lag of each group (quiescence), group membership over time (rebalances: a member
 * that lost its session comes back under a new member id), and the records of a run.
 */
export class KafkaWatch {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly consumers: Consumer[] = [];
  private watching: NodeJS.Timeout | undefined;
  /** groupId → member ids seen while watching, in order of first sight, and the states seen. */
  readonly membership = new Map<string, { memberIds: string[]; states: string[] }>();

  private constructor(brokers: readonly string[]) {
    this.kafka = new Kafka({
      clientId: `chaos-watch-${process.pid}`,
      brokers: [...brokers],
      logLevel: logLevel.NOTHING,
    });
    this.admin = this.kafka.admin();
  }

  static async connect(brokers: readonly string[]): Promise<KafkaWatch> {
    const watch = new KafkaWatch(brokers);
    await watch.admin.connect();
    return watch;
  }

  /**
   * A broker started seconds ago answers InitProducerId with "coordinator is loading" for a
   * while, and a service whose first (idempotent) produce fails that way does not start.
   * The harness waits until an idempotent producer gets through, on a topic of its own.
   */
  async warmUp(timeoutMs: number): Promise<void> {
    const topic = 'chaos.warmup';
    const deadline = Date.now() + timeoutMs;
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    try {
      for (;;) {
        try {
          if (!(await this.admin.listTopics()).includes(topic))
            await this.admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
          await producer.connect();
          await producer.send({ topic, acks: -1, messages: [{ value: 'warm' }] });
          return;
        } catch (err) {
          if (Date.now() > deadline)
            throw new Error('harness: the broker never accepted an idempotent producer', { cause: err });
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    } finally {
      await producer.disconnect().catch(() => undefined);
    }
  }

  async highWatermarks(topics: readonly string[]): Promise<Offsets> {
    const result: Offsets = new Map();
    for (const topic of topics) {
      const offsets = await this.admin.fetchTopicOffsets(topic);
      result.set(topic, new Map(offsets.map((o) => [o.partition, BigInt(o.high)])));
    }
    return result;
  }

  /**
   * Moves each group's committed offsets to the end of its topic, so services that start
   * with their default group ids consume only what this run produces (the broker is shared
   * with the other integration test files). Retried while a previous owner's session is
   * still open on the broker.
   */
  async resetGroupsToEnd(groups: readonly GroupTopic[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (const { groupId, topic } of groups) {
      for (;;) {
        try {
          const offsets = await this.admin.fetchTopicOffsets(topic);
          await this.admin.setOffsets({
            groupId,
            topic,
            partitions: offsets.map((o) => ({ partition: o.partition, offset: o.high })),
          });
          break;
        } catch (err) {
          if (Date.now() > deadline)
            throw new Error(`cannot reset ${groupId} on ${topic}: ${(err as Error).message}`, { cause: err });
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    }
  }

  /** Records not yet committed by each group (an unknown group counts its whole topic). */
  async lag(groups: readonly GroupTopic[]): Promise<Map<string, bigint>> {
    const result = new Map<string, bigint>();
    for (const { groupId, topic } of groups) {
      const [ends, committed] = await Promise.all([
        this.admin.fetchTopicOffsets(topic),
        this.admin.fetchOffsets({ groupId, topics: [topic] }),
      ]);
      const done = new Map(
        (committed.find((t) => t.topic === topic)?.partitions ?? []).map((p) => [
          p.partition,
          BigInt(p.offset),
        ]),
      );
      let lag = 0n;
      for (const end of ends) {
        const at = done.get(end.partition) ?? -1n;
        const from = at < 0n ? BigInt(end.low) : at;
        if (BigInt(end.high) > from) lag += BigInt(end.high) - from;
      }
      result.set(`${groupId}@${topic}`, lag);
    }
    return result;
  }

  /** Polls the groups' descriptions every `everyMs` until `stopWatching`. */
  watchGroups(groupIds: readonly string[], everyMs: number): void {
    for (const g of groupIds) this.membership.set(g, { memberIds: [], states: [] });
    const tick = async (): Promise<void> => {
      try {
        const { groups } = await this.admin.describeGroups([...groupIds]);
        for (const group of groups) {
          const seen = this.membership.get(group.groupId);
          if (!seen) continue;
          if (seen.states.at(-1) !== group.state) seen.states.push(group.state);
          for (const m of group.members)
            if (!seen.memberIds.includes(m.memberId)) seen.memberIds.push(m.memberId);
        }
      } catch {
        // a coordinator moving is not a verdict; the next tick asks again
      }
      if (this.watching) this.watching = setTimeout(() => void tick(), everyMs);
    };
    this.watching = setTimeout(() => void tick(), 0);
  }

  stopWatching(): void {
    clearTimeout(this.watching);
    this.watching = undefined;
  }

  /**
   * Reads every record of `topics` at or after `from` (a watermark snapshot) into the
   * returned array as they arrive, under a fresh group; `caughtUp` resolves once the
   * consumer has joined.
   */
  async tail(
    topics: readonly string[],
    from: Offsets,
  ): Promise<{ records: ReadRecord[]; joined: Promise<void> }> {
    const records: ReadRecord[] = [];
    const consumer = this.kafka.consumer({ groupId: `chaos-tail-${randomUUID()}`, maxWaitTimeInMs: 200 });
    this.consumers.push(consumer);
    const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
    await consumer.connect();
    for (const topic of topics) await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: ({ topic, partition, message }) => {
        const start = from.get(topic)?.get(partition) ?? 0n;
        if (BigInt(message.offset) >= start)
          records.push({
            topic,
            partition,
            offset: message.offset,
            key: message.key?.toString('utf8') ?? null,
            value: message.value,
            headers: headersOf(message.headers),
            readAt: Date.now(),
          });
        return Promise.resolve();
      },
    });
    return { records, joined };
  }

  async close(): Promise<void> {
    this.stopWatching();
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    await this.admin.disconnect().catch(() => undefined);
  }
}
