import { CareRelayError } from '@carerelay/errors';
import { dlqTopicName } from '@carerelay/events';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DLQ_HEADERS, type Bus, type Delivery, type Subscription } from './bus.js';
import avro from 'avsc';
import { collectRaw, eventually, probeSchema, probeTopic, uniqueName, type Probe } from './testing.js';

export interface BusFixture {
  readonly bus: Bus;
  /** Makes the topics exist (Kafka needs them created; embedded needs nothing). */
  createTopics(names: readonly string[], partitions: number): Promise<void>;
  close(): Promise<void>;
}

/** Attempts only (no time budget): a persistent failure is dead-lettered after three quick tries. */
const fast = { maxAttempts: 3, maxElapsedMs: 0, initialDelayMs: 20, maxDelayMs: 100 };

/**
 * The one contract both Bus implementations must meet. Run by
 * embedded-bus.test.ts (in process) and kafka-bus.int.test.ts (real broker).
 */
export function busContract(name: string, makeFixture: () => Promise<BusFixture>): void {
  describe(`Bus contract: ${name}`, () => {
    let fixture: BusFixture;
    const subscriptions: Subscription[] = [];
    const track = (s: Subscription): Subscription => {
      subscriptions.push(s);
      return s;
    };

    beforeEach(async () => {
      fixture = await makeFixture();
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
      await fixture.close();
    });

    async function topicWithDlq(partitions = 3): Promise<ReturnType<typeof probeTopic>> {
      const topic = probeTopic();
      await fixture.createTopics([topic.name], partitions);
      await fixture.createTopics([dlqTopicName(topic.name)], 1);
      return topic;
    }

    it('delivers every record decoded, with key and headers, in order per key', async () => {
      const topic = await topicWithDlq();
      const received: Delivery<Probe>[] = [];
      track(
        await fixture.bus.subscribe({
          topic,
          groupId: uniqueName('g'),
          concurrency: 3,
          handler: async (d) => {
            received.push(d);
          },
        }),
      );
      const keys = ['t1:a', 't1:b', 't1:c', 't2:a'];
      const sends: Promise<void>[] = [];
      for (let seq = 0; seq < 25; seq++) {
        for (const key of keys) {
          sends.push(
            fixture.bus.publish(topic, {
              key,
              value: { id: `${key}#${seq}`, seq, payload: 'x' },
              headers: { 'x-trace': key },
            }),
          );
        }
      }
      await Promise.all(sends);
      await eventually(() => received.length >= 100, '100 deliveries');
      expect(new Set(received.map((d) => d.value.id)).size).toBe(100);
      for (const key of keys) {
        const seqs = received.filter((d) => d.key === key).map((d) => d.value.seq);
        expect(seqs).toEqual([...Array(25).keys()]);
      }
      expect(received.every((d) => d.headers['x-trace'] === d.key)).toBe(true);
    });

    it('puts Confluent wire-format Avro on the topic (magic byte, schema id, Avro body)', async () => {
      const topic = await topicWithDlq(1);
      const raw = await collectRaw(fixture.bus, topic.name);
      track(raw.subscription);
      const value = { id: 'wire', seq: 7, payload: 'é' };
      await fixture.bus.publish(topic, { key: 'k', value });
      await eventually(() => raw.records.length === 1, 'raw record');
      const bytes = raw.records[0]!.value!;
      expect(bytes[0]).toBe(0);
      expect(bytes.readUInt32BE(1)).toBeGreaterThan(0);
      expect(avro.Type.forSchema(probeSchema as avro.Schema).fromBuffer(bytes.subarray(5))).toEqual(value);
    });

    it('retries a retryable error with backoff and then succeeds, without dead-lettering', async () => {
      const topic = await topicWithDlq(1);
      const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
      track(dlq.subscription);
      const attempts: number[] = [];
      let handled = false;
      track(
        await fixture.bus.subscribe({
          topic,
          groupId: uniqueName('g'),
          retry: fast,
          handler: async (d) => {
            attempts.push(d.attempt);
            if (d.attempt < 3) throw new CareRelayError('TEST_TRANSIENT', 'transient', { retryable: true });
            handled = true;
          },
        }),
      );
      await fixture.bus.publish(topic, { key: 'k', value: { id: 'r1', seq: 0, payload: '' } });
      await eventually(() => handled, 'third attempt to succeed');
      expect(attempts).toEqual([1, 2, 3]);
      await new Promise((r) => setTimeout(r, 300));
      expect(dlq.records).toHaveLength(0);
    });

    it('dead-letters a non-retryable error at once with its cause, and moves on', async () => {
      const topic = await topicWithDlq(1);
      const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
      track(dlq.subscription);
      const handledIds: string[] = [];
      const letters: string[] = [];
      const groupId = uniqueName('g');
      track(
        await fixture.bus.subscribe({
          topic,
          groupId,
          retry: fast,
          onDeadLetter: async (l) => {
            letters.push(l.errorCode);
          },
          handler: async (d) => {
            if (d.value.id === 'poison') throw new CareRelayError('TEST_POISON', 'cannot handle this record');
            handledIds.push(d.value.id);
          },
        }),
      );
      await fixture.bus.publish(topic, { key: 'k', value: { id: 'poison', seq: 0, payload: 'p' } });
      await fixture.bus.publish(topic, { key: 'k', value: { id: 'after', seq: 1, payload: '' } });
      await eventually(
        () => dlq.records.length === 1 && handledIds.includes('after'),
        'DLQ record and next record',
      );
      const letter = dlq.records[0]!;
      expect(letter.headers[DLQ_HEADERS.errorCode]).toBe('TEST_POISON');
      expect(letter.headers[DLQ_HEADERS.errorMessage]).toBe('cannot handle this record');
      expect(letter.headers[DLQ_HEADERS.attempts]).toBe('1');
      expect(letter.headers[DLQ_HEADERS.originalTopic]).toBe(topic.name);
      expect(letter.headers[DLQ_HEADERS.originalPartition]).toBe('0');
      expect(letter.headers[DLQ_HEADERS.originalOffset]).toBe('0');
      expect(letter.headers[DLQ_HEADERS.groupId]).toBe(groupId);
      expect(letter.key).toBe('k');
      // The original bytes are kept, so the record can be replayed once fixed.
      expect(letter.value?.length).toBeGreaterThan(5);
      expect(letters).toEqual(['TEST_POISON']);
    });

    it('dead-letters a retryable error after the last attempt, counting attempts', async () => {
      const topic = await topicWithDlq(1);
      const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
      track(dlq.subscription);
      track(
        await fixture.bus.subscribe({
          topic,
          groupId: uniqueName('g'),
          retry: fast,
          handler: async () => {
            throw new Error('downstream timeout');
          },
        }),
      );
      await fixture.bus.publish(topic, { key: 'k', value: { id: 'x', seq: 0, payload: '' } });
      await eventually(() => dlq.records.length === 1, 'DLQ record');
      expect(dlq.records[0]!.headers[DLQ_HEADERS.attempts]).toBe('3');
      expect(dlq.records[0]!.headers[DLQ_HEADERS.errorCode]).toBe('HANDLER_FAILED');
    });

    it('keeps retrying a retryable failure for its time budget past its attempts, then handles it', async () => {
      const topic = await topicWithDlq(1);
      const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
      track(dlq.subscription);
      const attempts: number[] = [];
      let firstAt = 0;
      let handledAt = 0;
      track(
        await fixture.bus.subscribe({
          topic,
          groupId: uniqueName('g'),
          // Two attempts would be spent within ~100 ms; the outage lasts a second.
          retry: { maxAttempts: 2, maxElapsedMs: 10_000, initialDelayMs: 50, maxDelayMs: 200 },
          handler: async (d) => {
            attempts.push(d.attempt);
            firstAt ||= Date.now();
            if (Date.now() - firstAt < 1_000)
              throw new CareRelayError('TEST_OUTAGE', 'dependency down', { retryable: true });
            handledAt = Date.now();
          },
        }),
      );
      await fixture.bus.publish(topic, { key: 'k', value: { id: 'outage', seq: 0, payload: '' } });
      await eventually(() => handledAt > 0 || dlq.records.length > 0, 'the record to settle', 15_000);
      expect(dlq.records).toHaveLength(0);
      expect(handledAt - firstAt).toBeGreaterThanOrEqual(1_000);
      expect(attempts.length).toBeGreaterThan(2);
      expect(attempts).toEqual(attempts.map((_, i) => i + 1));
    });

    it('dead-letters a retryable failure once both its attempts and its time budget are spent', async () => {
      const topic = await topicWithDlq(1);
      const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
      track(dlq.subscription);
      const attemptTimes: number[] = [];
      track(
        await fixture.bus.subscribe({
          topic,
          groupId: uniqueName('g'),
          retry: { maxAttempts: 2, maxElapsedMs: 800, initialDelayMs: 50, maxDelayMs: 100 },
          handler: async () => {
            attemptTimes.push(Date.now());
            throw new CareRelayError('TEST_OUTAGE', 'dependency down', { retryable: true });
          },
        }),
      );
      await fixture.bus.publish(topic, { key: 'k', value: { id: 'gone', seq: 0, payload: '' } });
      await eventually(() => dlq.records.length === 1, 'the record in the DLQ', 15_000);
      const last = attemptTimes[attemptTimes.length - 1]!;
      expect(last - attemptTimes[0]!).toBeGreaterThanOrEqual(800);
      expect(dlq.records[0]!.headers[DLQ_HEADERS.attempts]).toBe(String(attemptTimes.length));
      expect(dlq.records[0]!.headers[DLQ_HEADERS.errorCode]).toBe('TEST_OUTAGE');
    });

    it('a record waiting for its retry pauses only its own partition: the others go on', async () => {
      const topic = await topicWithDlq(3);
      const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
      track(dlq.subscription);
      let failing = true;
      const stuck: { partition?: number; attempts: number[]; handledAt: number } = {
        attempts: [],
        handledAt: 0,
      };
      const others: { partition: number; at: number }[] = [];
      track(
        await fixture.bus.subscribe({
          topic,
          groupId: uniqueName('g'),
          // One partition at a time: a retry waiting in place would hold every partition.
          concurrency: 1,
          retry: { maxAttempts: 1_000, maxElapsedMs: 60_000, initialDelayMs: 1_500, maxDelayMs: 1_500 },
          handler: async (d) => {
            if (d.value.id !== 'stuck') {
              others.push({ partition: d.partition, at: Date.now() });
              return;
            }
            stuck.partition = d.partition;
            stuck.attempts.push(d.attempt);
            if (failing) throw new CareRelayError('TEST_OUTAGE', 'dependency down', { retryable: true });
            stuck.handledAt = Date.now();
          },
        }),
      );
      await fixture.bus.publish(topic, { key: 'stuck-key', value: { id: 'stuck', seq: 0, payload: '' } });
      await eventually(() => stuck.attempts.length >= 1, 'the first failed attempt');
      // Eight keys: at least one lands on another partition than the stuck record's.
      for (let i = 0; i < 8; i++) {
        await fixture.bus.publish(topic, {
          key: `other-${i}`,
          value: { id: `other-${i}`, seq: i, payload: '' },
        });
      }
      await eventually(
        () => others.some((o) => o.partition !== stuck.partition),
        'a record of another partition handled while the stuck one waits',
        15_000,
      );
      expect(stuck.handledAt).toBe(0);
      failing = false;
      await eventually(() => stuck.handledAt > 0, 'the stuck record handled after the outage', 15_000);
      // Its retries went on from where they were: attempt numbers keep counting.
      expect(stuck.attempts).toEqual(stuck.attempts.map((_, i) => i + 1));
      expect(stuck.attempts.length).toBeGreaterThan(1);
      expect(dlq.records).toHaveLength(0);
    });

    it('dead-letters undecodable bytes with the decode error, without calling the handler', async () => {
      const topic = await topicWithDlq(1);
      const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
      track(dlq.subscription);
      const seen: string[] = [];
      track(
        await fixture.bus.subscribe({
          topic,
          groupId: uniqueName('g'),
          retry: fast,
          handler: async (d) => {
            seen.push(d.value.id);
          },
        }),
      );
      await fixture.bus.publishRaw(topic.name, { key: 'k', value: Buffer.from('{"not":"avro"}') });
      await fixture.bus.publish(topic, { key: 'k', value: { id: 'ok', seq: 0, payload: '' } });
      const [first] = await waitForOne(dlq.records);
      expect(first.headers[DLQ_HEADERS.errorCode]).toBe('SERDE_BAD_FRAME');
      expect(first.value?.toString()).toBe('{"not":"avro"}');
      await eventually(() => seen.includes('ok'), 'valid record after the poison one');
      expect(seen).toEqual(['ok']);
    });

    it('on stop, finishes the record in flight and commits it: a restart neither loses nor repeats it', async () => {
      const topic = await topicWithDlq(1);
      const groupId = uniqueName('g');
      const completed: string[] = [];
      let started = false;
      const slow = await fixture.bus.subscribe({
        topic,
        groupId,
        handler: async (d) => {
          started = true;
          await new Promise((r) => setTimeout(r, 400));
          completed.push(d.value.id);
        },
      });
      await fixture.bus.publish(topic, { key: 'k', value: { id: 'in-flight', seq: 0, payload: '' } });
      await eventually(() => started, 'handler to start');
      await slow.stop();
      expect(completed).toEqual(['in-flight']);

      const again: string[] = [];
      track(
        await fixture.bus.subscribe({
          topic,
          groupId,
          handler: async (d) => {
            again.push(d.value.id);
          },
        }),
      );
      await fixture.bus.publish(topic, { key: 'k', value: { id: 'next', seq: 1, payload: '' } });
      await eventually(() => again.includes('next'), 'next record after restart');
      expect(again).toEqual(['next']);
    });

    describe('batch subscription', () => {
      const ids = (batch: readonly Delivery<Probe>[]): string[] => batch.map((d) => d.value.id);

      async function publishAll(
        topic: ReturnType<typeof probeTopic>,
        values: readonly string[],
      ): Promise<void> {
        // One key: one partition, so the order of records is the order of publishing.
        for (const [seq, id] of values.entries()) {
          await fixture.bus.publish(topic, { key: 'k', value: { id, seq, payload: '' } });
        }
      }

      it('hands records over in batches of at most maxBatchSize, in order, each once', async () => {
        const topic = await topicWithDlq(1);
        const published = Array.from({ length: 50 }, (_, i) => `b${i}`);
        await publishAll(topic, published);
        const batches: string[][] = [];
        track(
          await fixture.bus.subscribeBatch({
            topic,
            groupId: uniqueName('g'),
            maxBatchSize: 8,
            handler: async (batch) => {
              batches.push(ids(batch));
            },
          }),
        );
        await eventually(() => batches.flat().length >= 50, '50 records in batches');
        expect(batches.flat()).toEqual(published);
        expect(Math.max(...batches.map((b) => b.length))).toBe(8);
      });

      it('retries a failing batch as a whole with backoff, then commits it without dead-lettering', async () => {
        const topic = await topicWithDlq(1);
        const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
        track(dlq.subscription);
        await publishAll(topic, ['r1', 'r2', 'r3']);
        const calls: { attempt: number; ids: string[] }[] = [];
        const groupId = uniqueName('g');
        const subscription = await fixture.bus.subscribeBatch({
          topic,
          groupId,
          retry: fast,
          handler: async (batch) => {
            calls.push({ attempt: batch[0]!.attempt, ids: ids(batch) });
            if (batch[0]!.attempt < 3)
              throw new CareRelayError('TEST_TRANSIENT', 'transient', { retryable: true });
          },
        });
        await eventually(() => calls.some((c) => c.attempt === 3), 'third attempt');
        await subscription.stop();
        expect(calls.map((c) => c.attempt)).toEqual([1, 2, 3]);
        expect(new Set(calls.map((c) => c.ids.join()))).toEqual(new Set([calls[0]!.ids.join()]));
        expect(dlq.records).toHaveLength(0);
        // Committed: the same group sees nothing again.
        const again: string[] = [];
        track(
          await fixture.bus.subscribeBatch({
            topic,
            groupId,
            handler: async (batch) => {
              again.push(...ids(batch));
            },
          }),
        );
        await fixture.bus.publish(topic, { key: 'k', value: { id: 'r4', seq: 3, payload: '' } });
        await eventually(() => again.includes('r4'), 'next record');
        expect(again).toEqual(['r4']);
      });

      it('splits a batch that keeps failing: only the poison record is dead-lettered, with its cause', async () => {
        const topic = await topicWithDlq(1);
        const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
        track(dlq.subscription);
        const published = ['p0', 'p1', 'p2', 'poison', 'p4', 'p5'];
        await publishAll(topic, published);
        const handled: string[] = [];
        const letters: string[] = [];
        track(
          await fixture.bus.subscribeBatch({
            topic,
            groupId: uniqueName('g'),
            retry: fast,
            onDeadLetter: async (l) => {
              letters.push(`${l.errorCode}@${l.record.offset}`);
            },
            handler: async (batch) => {
              if (ids(batch).includes('poison'))
                throw new CareRelayError('TEST_POISON', 'cannot store this record');
              handled.push(...ids(batch));
            },
          }),
        );
        await eventually(
          () => dlq.records.length === 1 && handled.length === 5,
          'poison in DLQ, the rest handled',
        );
        expect(handled).toEqual(['p0', 'p1', 'p2', 'p4', 'p5']);
        const letter = dlq.records[0]!;
        expect(letter.headers[DLQ_HEADERS.errorCode]).toBe('TEST_POISON');
        expect(letter.headers[DLQ_HEADERS.errorMessage]).toBe('cannot store this record');
        expect(letter.headers[DLQ_HEADERS.originalOffset]).toBe('3');
        expect(letters).toEqual(['TEST_POISON@3']);
      });

      it('splits a batch that exhausted its retries and dead-letters nothing when each record succeeds alone', async () => {
        const topic = await topicWithDlq(1);
        const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
        track(dlq.subscription);
        await publishAll(topic, ['s0', 's1', 's2', 's3']);
        const handled: string[] = [];
        track(
          await fixture.bus.subscribeBatch({
            topic,
            groupId: uniqueName('g'),
            retry: fast,
            handler: async (batch) => {
              if (batch.length > 1) throw new Error('statement too large');
              handled.push(...ids(batch));
            },
          }),
        );
        await eventually(() => handled.length === 4, 'every record handled alone');
        expect(handled).toEqual(['s0', 's1', 's2', 's3']);
        await new Promise((r) => setTimeout(r, 300));
        expect(dlq.records).toHaveLength(0);
      });

      it('dead-letters undecodable bytes one by one and hands the rest of the batch to the handler', async () => {
        const topic = await topicWithDlq(1);
        const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
        track(dlq.subscription);
        await fixture.bus.publish(topic, { key: 'k', value: { id: 'd0', seq: 0, payload: '' } });
        await fixture.bus.publishRaw(topic.name, { key: 'k', value: Buffer.from('{"not":"avro"}') });
        await fixture.bus.publish(topic, { key: 'k', value: { id: 'd2', seq: 2, payload: '' } });
        const handled: string[] = [];
        track(
          await fixture.bus.subscribeBatch({
            topic,
            groupId: uniqueName('g'),
            retry: fast,
            handler: async (batch) => {
              handled.push(...ids(batch));
            },
          }),
        );
        await eventually(
          () => dlq.records.length === 1 && handled.length === 2,
          'DLQ record and the valid ones',
        );
        expect(handled).toEqual(['d0', 'd2']);
        expect(dlq.records[0]!.headers[DLQ_HEADERS.errorCode]).toBe('SERDE_BAD_FRAME');
        expect(dlq.records[0]!.headers[DLQ_HEADERS.originalOffset]).toBe('1');
      });

      it('on stop while a batch is being retried, commits none of it: a restart redelivers it all', async () => {
        const topic = await topicWithDlq(1);
        const dlq = await collectRaw(fixture.bus, dlqTopicName(topic.name));
        track(dlq.subscription);
        await publishAll(topic, ['u0', 'u1', 'u2']);
        const groupId = uniqueName('g');
        let attempts = 0;
        const failing = await fixture.bus.subscribeBatch({
          topic,
          groupId,
          retry: { maxAttempts: 1_000, initialDelayMs: 50, maxDelayMs: 200 },
          handler: async () => {
            attempts += 1;
            throw new CareRelayError('AUDIT_STORE_UNAVAILABLE', 'store down', { retryable: true });
          },
        });
        await eventually(() => attempts >= 2, 'two failed attempts');
        const stopBegan = Date.now();
        await failing.stop();
        expect(Date.now() - stopBegan).toBeLessThan(5_000);

        const redelivered: string[] = [];
        track(
          await fixture.bus.subscribeBatch({
            topic,
            groupId,
            handler: async (batch) => {
              redelivered.push(...ids(batch));
            },
          }),
        );
        await eventually(() => redelivered.length >= 3, 'the batch again after restart');
        expect(redelivered).toEqual(['u0', 'u1', 'u2']);
        expect(dlq.records).toHaveLength(0);
      });
    });
  });
}

async function waitForOne<T>(list: T[]): Promise<[T]> {
  await eventually(() => list.length >= 1, 'a DLQ record');
  return [list[0]!];
}
