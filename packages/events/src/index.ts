export * from './generated/events.js';
export { defineTopic, valueSubject, dlqTopicName } from './topic-contract.js';
export type { TopicContract, ValueOf } from './topic-contract.js';
export { TOPIC_DECLARATIONS } from './topics.js';
export type { TopicDeclaration } from './topics.js';
export { AvroSerde } from './serde.js';
export type { Serde, SchemaStore } from './serde.js';
export { RegistrySchemaStore, InMemorySchemaStore } from './schema-stores.js';
export { frame, unframe } from './wire-format.js';
