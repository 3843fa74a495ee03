import { AvroSerde, InMemorySchemaStore } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { busContract } from './bus.contract.js';
import { EmbeddedBus } from './embedded-bus.js';

busContract('embedded', async () => {
  const bus = EmbeddedBus.fromConfig({
    serde: new AvroSerde(new InMemorySchemaStore()),
    logger: createLogger({ service: 'test', level: 'silent' }),
  });
  await bus.start();
  return { bus, createTopics: async () => {}, close: () => bus.shutdown() };
});
