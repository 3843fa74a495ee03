import { describe, expect, it } from 'vitest';
import { DLQ_HEADERS, EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually, probeTopic } from '@carerelay/bus/testing';
import { CareRelayError } from '@carerelay/errors';
import { AvroSerde, InMemorySchemaStore, dlqTopicName } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { createConsumerApp } from './consumer-app.js';

async function outage(
  deployment: { maxElapsedMs: number; maxDelayMs: number } | undefined,
): Promise<{ handled: boolean; dlqErrorCode?: string }> {
  const logger = createLogger({ service: 'test', level: 'silent' });
  const bus = EmbeddedBus.fromConfig({ serde: new AvroSerde(new InMemorySchemaStore()), logger });
  await bus.start();
  const topic = probeTopic();
  const dlq = await collectRaw(bus, dlqTopicName(topic.name));
  let firstAt = 0;
  let handled = false;
  const app = createConsumerApp(
    { bus, logger, concurrency: 1, ...(deployment ? { retry: deployment } : {}) },
    {
      name: 'outage-test',
      consumes: topic,
      produces: [],
      // What services ask for today: a few attempts, short backoff.
      retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 60_000 },
      handler: async () => {
        firstAt ||= Date.now();
        if (Date.now() - firstAt < 800)
          throw new CareRelayError('DEID_VAULT_UNAVAILABLE', 'vault down', { retryable: true });
        handled = true;
      },
    },
  );
  await app.start();
  await bus.publish(topic, { key: 'k', value: { id: 'x', seq: 0, payload: '' } });
  await eventually(() => handled || dlq.records.length > 0, 'the record to settle', 10_000);
  await app.stop();
  await bus.shutdown();
  const code = dlq.records[0]?.headers[DLQ_HEADERS.errorCode];
  return { handled, ...(code ? { dlqErrorCode: code } : {}) };
}

describe('createConsumerApp under the deployment retry budget (BUS_RETRY_*)', () => {
  it("rides out an outage longer than the service's own attempts", async () => {
    expect(await outage({ maxElapsedMs: 5_000, maxDelayMs: 200 })).toEqual({ handled: true });
  });

  it('without a deployment budget, keeps the attempts-only policy a hand-built context asks for', async () => {
    expect(await outage(undefined)).toEqual({ handled: false, dlqErrorCode: 'DEID_VAULT_UNAVAILABLE' });
  });
});
