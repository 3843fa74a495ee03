export type {
  BatchHandler,
  BatchSubscribeOptions,
  Bus,
  BusHealth,
  BusObserver,
  DeadLetter,
  Delivery,
  Handler,
  Headers,
  OutgoingMessage,
  RawRecord,
  RawSubscribeOptions,
  RetryPolicy,
  SubscribeOptions,
  Subscription,
} from './bus.js';
export { DLQ_HEADERS } from './bus.js';
export { DEFAULT_RETRY, attemptRecord, backoffDelay, mayRetry, processRecord } from './consumer-runtime.js';
export type { RetryState, Step } from './consumer-runtime.js';
export { DEFAULT_MAX_BATCH_SIZE, processBatch } from './batch-runtime.js';
export { KafkaBus } from './kafka-bus.js';
export type { KafkaBusOptions } from './kafka-bus.js';
export { EmbeddedBus } from './embedded-bus.js';
export type { EmbeddedBusOptions } from './embedded-bus.js';
export { ensureTopics } from './topic-admin.js';
export type { TopicAdminOptions } from './topic-admin.js';
export {
  describeKafkaConnection,
  isRetriableKafkaError,
  kafkaClientConfig,
  toKafkaError,
} from './kafka-connection.js';
export type { KafkaConnection, KafkaConnectionConfig, KafkaSasl, KafkaTls } from './kafka-connection.js';
export { readTopic } from './topic-reader.js';
