import { defineTopic, type TopicContract } from '@carerelay/events';
import type { Bus, RawRecord, Subscription } from './bus.js';

/** Helpers for tests of code that uses the bus (exported for services' tests too). */

export interface Probe {
  readonly id: string;
  readonly seq: number;
  readonly payload: string;
}

export const probeSchema = {
  type: 'record',
  name: 'Probe',
  namespace: 'health.carerelay.test',
  doc: 'Test record',
  fields: [
    { name: 'id', type: 'string', doc: 'id' },
    { name: 'seq', type: 'int', doc: 'sequence in key' },
    { name: 'payload', type: 'string', doc: 'filler' },
  ],
};

let counter = 0;
/** A fresh topic name per test, so tests never see each other's records. */
export function uniqueName(prefix: string): string {
  counter += 1;
  return `${prefix}.${process.pid}.${Date.now().toString(36)}.${counter}`;
}

export function probeTopic(name = uniqueName('test.probe')): TopicContract<Probe> {
  return defineTopic<Probe>(name, probeSchema);
}

/** Resolves when `predicate` holds, polling (it may be async); rejects with `what` after the timeout. */
export async function eventually(
  predicate: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Collects raw records of a topic (a DLQ, typically) into an array. */
export async function collectRaw(
  bus: Bus,
  topic: string,
  options: { fromBeginning?: boolean } = {},
): Promise<{ records: RawRecord[]; subscription: Subscription }> {
  const records: RawRecord[] = [];
  const subscription = await bus.subscribeRaw({
    topic,
    groupId: uniqueName('collector'),
    fromBeginning: options.fromBeginning ?? true,
    handler: (r) => {
      records.push(r);
      return Promise.resolve();
    },
  });
  return { records, subscription };
}
