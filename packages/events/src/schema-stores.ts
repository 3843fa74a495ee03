import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { CareRelayError } from '@carerelay/errors';
import type { SchemaStore } from './serde.js';

/**
 * A Confluent-compatible registry over HTTP (Apicurio's ccompat API or Confluent's).
 * The registry enforces the compatibility rule: an incompatible schema is refused here.
 */
export class RegistrySchemaStore implements SchemaStore {
  private readonly registry: SchemaRegistry;

  constructor(url: string) {
    this.registry = new SchemaRegistry({ host: url, retry: { retries: 3 } });
  }

  async registerSchema(subject: string, schema: object): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      try {
        const { id } = await this.registry.register(
          { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
          {
            subject,
            compatibility: 'BACKWARD',
          } as never,
        );
        return id;
      } catch (cause) {
        const status = (cause as { status?: number }).status;
        if (status !== 409) {
          throw new CareRelayError(
            'SCHEMA_REGISTRY_UNAVAILABLE',
            `could not register schema for ${subject}`,
            {
              retryable: true,
              cause,
            },
          );
        }
        // Services starting together register the same subject at once. The losers of that
        // race get a conflict: on the subject's compatibility rule, which another just created
        // (register again: the rule is there now), or on the schema itself, which is a success
        // when this very schema is now registered. Only then is it an incompatibility.
        const id = await this.registeredId(subject, schema);
        if (id !== undefined) return id;
        const url = (cause as { url?: unknown }).url;
        const onConfig = typeof url === 'string' && url.includes('/config/');
        if (onConfig && attempt < 3) continue;
        throw new CareRelayError(
          'SCHEMA_INCOMPATIBLE',
          `schema for ${subject} is incompatible with the registered versions`,
          { retryable: false, cause },
        );
      }
    }
  }

  private async registeredId(subject: string, schema: object): Promise<number | undefined> {
    try {
      return await this.registry.getRegistryIdBySchema(subject, {
        type: SchemaType.AVRO,
        schema: JSON.stringify(schema),
      });
    } catch {
      return undefined;
    }
  }

  async fetchSchema(id: number): Promise<object> {
    const schema = await this.registry.getSchema(id);
    return (schema as unknown as { schema(): object }).schema();
  }
}

/**
 * In-process schema store for the embedded single-process mode: same ids-in-frame
 * wire format, no server. Identical schemas get the same id, as in a registry.
 */
export class InMemorySchemaStore implements SchemaStore {
  private readonly byId = new Map<number, object>();
  private readonly byText = new Map<string, number>();

  registerSchema(_subject: string, schema: object): Promise<number> {
    const text = JSON.stringify(schema);
    let id = this.byText.get(text);
    if (id === undefined) {
      id = this.byId.size + 1;
      this.byText.set(text, id);
      this.byId.set(id, schema);
    }
    return Promise.resolve(id);
  }

  fetchSchema(id: number): Promise<object> {
    const schema = this.byId.get(id);
    if (!schema) return Promise.reject(new Error(`unknown schema id ${id}`));
    return Promise.resolve(schema);
  }
}
