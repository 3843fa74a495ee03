import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { isCareRelayError } from '@carerelay/errors';
import { AvroSerde, RegistrySchemaStore } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { startKafka } from '@carerelay/infra-local';
import type { Delivery } from './bus.js';
import type { KafkaConnection } from './kafka-connection.js';
import { KafkaBus } from './kafka-bus.js';
import { eventually, probeTopic, uniqueName, type Probe } from './testing.js';
import { ensureTopics } from './topic-admin.js';

// Finding 6 (issue #12): mTLS for every Kafka client, the topic admin included. The test makes
// its own CA, broker and client certificates with openssl, and starts a broker whose TLS
// listener requires a client certificate signed by that CA (infra/local opt-in).
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carerelay-mtls-'));
const file = (name: string): string => path.join(dir, name);
const pem = (name: string): Buffer => fs.readFileSync(file(name));

function makeCertificates(): void {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  };
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...newKey,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '1',
    '-subj',
    '/CN=carerelay-test-ca',
  );
  fs.writeFileSync(file('broker.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, subject] of [
    ['broker', '/CN=127.0.0.1'],
    ['client', '/CN=carerelay-svc'],
  ] as const) {
    openssl('req', ...newKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      ...(name === 'broker' ? ['-extfile', 'broker.ext'] : []),
    );
  }
  openssl(
    'pkcs12',
    '-export',
    '-in',
    'broker.pem',
    '-inkey',
    'broker.key',
    '-out',
    'broker.p12',
    '-passout',
    'pass:test-store',
    '-name',
    'broker',
  );
}

let kafka: Awaited<ReturnType<typeof startKafka>>;
const logger = createLogger({ service: 'test', level: 'silent' });
const connection = (ssl: KafkaConnection['ssl']): KafkaConnection => ({ brokers: [kafka.tlsBrokers!], ssl });
const mtls = (): KafkaConnection =>
  connection({ ca: pem('ca.pem'), cert: pem('client.pem'), key: pem('client.key') });

const busOn = (c: KafkaConnection): KafkaBus =>
  KafkaBus.fromConfig({
    ...c,
    clientId: uniqueName('mtls-bus'),
    serde: new AvroSerde(new RegistrySchemaStore(inject('schemaRegistryUrl'))),
    logger,
  });

async function rejection(promise: Promise<unknown>): Promise<{ error: unknown; ms: number }> {
  const began = Date.now();
  try {
    await promise;
  } catch (error) {
    return { error, ms: Date.now() - began };
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  makeCertificates();
  kafka = await startKafka({
    tls: {
      keystore: file('broker.p12'),
      keystorePassword: 'test-store',
      truststore: file('ca.pem'),
      clientAuth: 'required',
    },
  });
}, 120_000);

afterAll(async () => {
  await kafka?.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('Kafka with mTLS', () => {
  it('with a client certificate the topic admin creates topics, and a bus produces and consumes', async () => {
    const topic = probeTopic(uniqueName('test.mtls'));
    const declaration = {
      name: topic.name,
      partitions: 1,
      retentionMs: 3_600_000,
      cleanupPolicy: 'delete' as const,
    };
    expect(await ensureTopics(mtls(), [declaration])).toEqual([topic.name]);

    const bus = busOn(mtls());
    await bus.start();
    try {
      const received: Delivery<Probe>[] = [];
      await bus.subscribe({
        topic,
        groupId: uniqueName('mtls-group'),
        fromBeginning: true,
        handler: async (d) => {
          received.push(d);
        },
      });
      const value = { id: 'over-mtls', seq: 0, payload: 'p' };
      await bus.publish(topic, { key: 't1:c1', value });
      await eventually(() => received.length >= 1, 'a delivery over mTLS');
      expect(received.map((d) => d.value)).toEqual([value]);
    } finally {
      await bus.shutdown();
    }
  });

  it('without a client certificate, or without trusting the broker CA, fails fast with KAFKA_TLS_FAILED', async () => {
    const decl = [
      {
        name: uniqueName('test.mtls.denied'),
        partitions: 1,
        retentionMs: 60_000,
        cleanupPolicy: 'delete' as const,
      },
    ];
    const noClientCertificate = connection({ ca: pem('ca.pem') });
    const untrustedBroker = connection({ cert: pem('client.pem'), key: pem('client.key') });
    const noCertBus = busOn(noClientCertificate);
    const outcomes = [
      await rejection(ensureTopics(noClientCertificate, decl)),
      await rejection(ensureTopics(untrustedBroker, decl)),
      await rejection(noCertBus.start()),
    ];
    await noCertBus.shutdown().catch(() => undefined);
    for (const { error, ms } of outcomes) {
      expect(isCareRelayError(error) && error.code, String(error)).toBe('KAFKA_TLS_FAILED');
      expect(ms).toBeLessThan(15_000);
    }
  });
});
