/**
 * A topic and the Avro schema of its values. `T` is the TypeScript type generated
 * from that schema; the contract carries it so publish and subscribe are typed.
 */
export interface TopicContract<T> {
  readonly name: string;
  /** The Avro schema (parsed JSON of schemas/<name>.avsc). */
  readonly schema: object;
  /** Phantom field: never set, only carries the value type. */
  readonly __value?: T;
}

/** An Avro type carried inside an event rather than on a topic of its own. */
export interface PayloadContract<T> {
  readonly name: string;
  readonly schema: object;
  readonly __value?: T;
}

export type ValueOf<C> = C extends TopicContract<infer T> ? T : never;

/** For topics outside the generated contract (tests, benchmarks). */
export function defineTopic<T>(name: string, schema: object): TopicContract<T> {
  return { name, schema };
}

/** The registry subject of a topic's values (TopicNameStrategy). */
export function valueSubject(topic: string): string {
  return `${topic}-value`;
}

export function dlqTopicName(topic: string): string {
  return `${topic}.dlq`;
}
