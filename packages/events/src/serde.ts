import avro from 'avsc';
import { CareRelayError } from '@carerelay/errors';
import { type TopicContract, valueSubject } from './topic-contract.js';
import { frame, unframe } from './wire-format.js';

/** Encodes and decodes topic values as Avro in Confluent wire format. */
export interface Serde {
  encode<T>(topic: TopicContract<T>, value: T): Promise<Buffer>;
  /** Decodes with the writer's schema, resolved to the topic's (reader) schema. */
  decode<T>(topic: TopicContract<T>, bytes: Buffer): Promise<T>;
  /** Registers the topic's schema (idempotent) and returns its id. */
  register(topic: TopicContract<unknown>): Promise<number>;
}

/** Where schemas live: the only part that differs between a real registry and the embedded one. */
export interface SchemaStore {
  registerSchema(subject: string, schema: object): Promise<number>;
  fetchSchema(id: number): Promise<object>;
}

interface Writer {
  readonly id: number;
  readonly type: avro.Type;
}

export class AvroSerde implements Serde {
  private readonly writers = new Map<string, Promise<Writer>>();
  private readonly readers = new Map<string, avro.Type>();
  private readonly resolvers = new Map<string, Promise<avro.Resolver | avro.Type>>();

  constructor(private readonly store: SchemaStore) {}

  register(topic: TopicContract<unknown>): Promise<number> {
    return this.writerFor(topic).then((w) => w.id);
  }

  async encode<T>(topic: TopicContract<T>, value: T): Promise<Buffer> {
    const writer = await this.writerFor(topic);
    try {
      return frame(writer.id, writer.type.toBuffer(value));
    } catch (cause) {
      // avsc's message names the path, never the value: safe to keep.
      throw new CareRelayError('SERDE_ENCODE_FAILED', `value does not match schema of ${topic.name}`, {
        retryable: false,
        cause,
      });
    }
  }

  async decode<T>(topic: TopicContract<T>, bytes: Buffer): Promise<T> {
    const { schemaId, avro: body } = unframe(bytes);
    const resolver = await this.resolverFor(topic, schemaId);
    const reader = this.readerFor(topic);
    try {
      return reader.fromBuffer(body, resolver === reader ? undefined : resolver, true) as T;
    } catch (cause) {
      throw new CareRelayError('SERDE_DECODE_FAILED', `bytes do not decode with schema id ${schemaId}`, {
        retryable: false,
        cause,
      });
    }
  }

  private readerFor(topic: TopicContract<unknown>): avro.Type {
    let type = this.readers.get(topic.name);
    if (!type) {
      type = avro.Type.forSchema(topic.schema as avro.Schema);
      this.readers.set(topic.name, type);
    }
    return type;
  }

  private writerFor(topic: TopicContract<unknown>): Promise<Writer> {
    let writer = this.writers.get(topic.name);
    if (!writer) {
      writer = this.store
        .registerSchema(valueSubject(topic.name), topic.schema)
        .then((id) => ({ id, type: this.readerFor(topic) }));
      // A failed registration must not be cached: the next call retries it.
      writer.catch(() => this.writers.delete(topic.name));
      this.writers.set(topic.name, writer);
    }
    return writer;
  }

  private resolverFor(topic: TopicContract<unknown>, schemaId: number): Promise<avro.Resolver | avro.Type> {
    const cacheKey = `${topic.name}#${schemaId}`;
    let resolver = this.resolvers.get(cacheKey);
    if (!resolver) {
      resolver = this.store.fetchSchema(schemaId).then(
        (writerSchema) => {
          const reader = this.readerFor(topic);
          const writer = avro.Type.forSchema(writerSchema as avro.Schema);
          if (writer.equals(reader)) return reader;
          try {
            return reader.createResolver(writer);
          } catch (cause) {
            throw new CareRelayError(
              'SERDE_INCOMPATIBLE_SCHEMA',
              `writer schema ${schemaId} cannot be read as ${topic.name}`,
              { retryable: false, cause },
            );
          }
        },
        (cause: unknown) => {
          throw cause instanceof CareRelayError
            ? cause
            : new CareRelayError('SERDE_UNKNOWN_SCHEMA', `schema id ${schemaId} is not in the registry`, {
                retryable: true,
                cause,
              });
        },
      );
      resolver.catch(() => this.resolvers.delete(cacheKey));
      this.resolvers.set(cacheKey, resolver);
    }
    return resolver;
  }
}
