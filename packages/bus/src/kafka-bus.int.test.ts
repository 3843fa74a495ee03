import { AvroSerde, RegistrySchemaStore } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { inject } from 'vitest';
import { busContract } from './bus.contract.js';
import { KafkaBus } from './kafka-bus.js';
import { ensureTopics } from './topic-admin.js';

busContract('kafka', async () => {
  const brokers = inject('kafkaBrokers').split(',');
  const bus = KafkaBus.fromConfig({
    brokers,
    clientId: 'bus-contract',
    serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  await bus.start();
  return {
    bus,
    createTopics: async (names, partitions) => {
      await ensureTopics(
        brokers,
        names.map((name) => ({ name, partitions, retentionMs: 3_600_000, cleanupPolicy: 'delete' as const })),
      );
    },
    close: () => bus.shutdown(),
  };
});
