import { userInfo } from 'node:os';
import type { Writable } from 'node:stream';
import { AuditTrail } from '@carerelay/audit';
import {
  DLQ_HEADERS,
  KafkaBus,
  ensureTopics,
  readTopic,
  type Headers,
  type KafkaConnection,
  type RawRecord,
} from '@carerelay/bus';
import { ConfigError, loadConfig } from '@carerelay/config';
import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import { AvroSerde, RegistrySchemaStore, dlqTopicName } from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { kafkaConfigSchema, kafkaSettingsFromConfig, type KafkaSettings } from '@carerelay/runtime';

export const DLQ_USAGE = `Usage: carerelay dlq <list|show|replay> --topic TOPIC [--since ISO] [--error-code CODE] [--offset N]

  list     One line per dead letter of TOPIC.dlq: offset, time, error code, origin, size
  show     Each dead letter's headers, key and sizes (never the payload)
  replay   Re-publish the original bytes to TOPIC, marked x-dlq-replayed-from; each dead
           letter is replayed once (later runs skip it) and every replay is audited

  --topic       the original topic (e.g. ai.task.v1), not the .dlq
  --since       only letters that failed at or after this ISO-8601 time
  --error-code  only letters with this x-dlq-error-code
  --offset      only the letter at this offset of TOPIC.dlq

Reads KAFKA_BROKERS (required), KAFKA_SSL, SCHEMA_REGISTRY_URL (required for replay: the
audit event), CARERELAY_OPERATOR (who is recorded as replaying; default the OS user).
Exit codes: 0 done, 1 failure (Kafka, registry), 2 usage error.
`;

/** Header on a replayed record: `<dlq topic>:<partition>:<offset>` of the letter it came from. */
export const REPLAYED_FROM_HEADER = 'x-dlq-replayed-from';

/**
 * Which letters were replayed: a compacted topic beside the DLQ, keyed by the letter's
 * partition and offset. It lives in Kafka with the letters (no other store to run or lose),
 * survives restarts, and compaction keeps one marker per letter for as long as needed.
 */
export const replayedTopicName = (dlqTopic: string): string => `${dlqTopic}.replayed`;

interface DlqArgs {
  readonly command: 'list' | 'show' | 'replay';
  readonly topic: string;
  readonly since?: number;
  readonly errorCode?: string;
  readonly offset?: string;
}

export interface DlqIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: Writable;
  readonly stderr: Writable;
}

function usage(io: DlqIo, problem: string): number {
  io.stderr.write(`carerelay: dlq: ${problem}\n\n${DLQ_USAGE}`);
  return 2;
}

function parse(argv: readonly string[]): DlqArgs | string {
  const [command, ...rest] = argv;
  if (command !== 'list' && command !== 'show' && command !== 'replay') {
    return command === undefined ? 'a command is required' : `unknown dlq command '${command}'`;
  }
  const flags = new Map<string, string>();
  for (let i = 0; i < rest.length; i += 2) {
    const name = rest[i]!;
    const value = rest[i + 1];
    if (!['--topic', '--since', '--error-code', '--offset'].includes(name)) return `unknown option '${name}'`;
    if (value === undefined || value.startsWith('--')) return `${name} needs a value`;
    flags.set(name, value);
  }
  const topic = flags.get('--topic');
  if (!topic) return '--topic TOPIC is required';
  if (topic.endsWith('.dlq')) return `--topic is the original topic: use ${topic.slice(0, -4)}`;
  const sinceText = flags.get('--since');
  const since = sinceText === undefined ? undefined : Date.parse(sinceText);
  if (since !== undefined && Number.isNaN(since)) return `--since '${sinceText}' is not an ISO-8601 time`;
  const offset = flags.get('--offset');
  if (offset !== undefined && !/^\d+$/.test(offset)) return `--offset '${offset}' is not an offset`;
  const errorCode = flags.get('--error-code');
  return {
    command,
    topic,
    ...(since !== undefined ? { since } : {}),
    ...(errorCode ? { errorCode } : {}),
    ...(offset ? { offset } : {}),
  };
}

const letterId = (letter: RawRecord): string => `${letter.partition}:${letter.offset}`;

function matches(letter: RawRecord, args: DlqArgs): boolean {
  const failedAt = Date.parse(letter.headers[DLQ_HEADERS.failedAt] ?? '');
  if (args.since !== undefined && !(failedAt >= args.since)) return false;
  if (args.errorCode !== undefined && letter.headers[DLQ_HEADERS.errorCode] !== args.errorCode) return false;
  return args.offset === undefined || letter.offset === args.offset;
}

/** The original record's headers, without the DLQ's own, marked as a replay of this letter. */
function replayHeaders(letter: RawRecord, dlqTopic: string): Headers {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(letter.headers)) {
    if (!k.startsWith('x-dlq-')) out[k] = v;
  }
  out[REPLAYED_FROM_HEADER] = `${dlqTopic}:${letterId(letter)}`;
  return out;
}

/** Never the payload: ids, codes, sizes and the (PHI-free by rule) error message. */
function summary(letter: RawRecord, replayed: boolean): string {
  const h = letter.headers;
  return [
    letterId(letter),
    h[DLQ_HEADERS.failedAt] ?? '-',
    h[DLQ_HEADERS.errorCode] ?? '-',
    `${h[DLQ_HEADERS.originalTopic] ?? '?'}[${h[DLQ_HEADERS.originalPartition] ?? '?'}]@${h[DLQ_HEADERS.originalOffset] ?? '?'}`,
    `attempts=${h[DLQ_HEADERS.attempts] ?? '?'}`,
    `key=${letter.key ?? '-'}`,
    `bytes=${letter.value?.length ?? 0}`,
    replayed ? 'replayed' : '',
  ]
    .join('  ')
    .trimEnd();
}

function detail(letter: RawRecord, replayed: boolean): string {
  return JSON.stringify({
    dlqPartition: letter.partition,
    dlqOffset: letter.offset,
    key: letter.key,
    valueBytes: letter.value?.length ?? 0,
    replayed,
    headers: letter.headers,
  });
}

function kafkaSettingsFromEnv(env: NodeJS.ProcessEnv): KafkaSettings {
  return kafkaSettingsFromConfig(loadConfig(kafkaConfigSchema, env));
}

/** `carerelay dlq list|show|replay`: returns the exit code. */
export async function runDlq(argv: readonly string[], io: DlqIo): Promise<number> {
  if (argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h') {
    io.stdout.write(DLQ_USAGE);
    return 0;
  }
  const args = parse(argv);
  if (typeof args === 'string') return usage(io, args);
  if (!(io.env.KAFKA_BROKERS ?? '').split(',').some(Boolean)) return usage(io, 'KAFKA_BROKERS is not set');
  // The services' own Kafka variables (TLS, mTLS, SCRAM, replication), checked the same way.
  let kafka: KafkaSettings;
  try {
    kafka = kafkaSettingsFromEnv(io.env);
  } catch (err) {
    return usage(io, err instanceof ConfigError ? err.problems.join('; ') : toCareRelayError(err).message);
  }
  const connection = kafka.connection;
  const registry = io.env.SCHEMA_REGISTRY_URL;
  if (args.command === 'replay' && !registry)
    return usage(io, 'SCHEMA_REGISTRY_URL is not set (replay is audited)');
  const dlqTopic = dlqTopicName(args.topic);
  try {
    const letters = (await readTopic(connection, dlqTopic)).filter((l) => matches(l, args));
    const markers = replayedTopicName(dlqTopic);
    await ensureTopics(
      connection,
      [{ name: markers, partitions: 1, retentionMs: -1, cleanupPolicy: 'compact' }],
      kafka.topics,
    );
    const replayed = new Set((await readTopic(connection, markers)).map((m) => m.key));
    if (args.command === 'list') {
      for (const l of letters) io.stdout.write(`${summary(l, replayed.has(letterId(l)))}\n`);
      io.stderr.write(`${letters.length} dead letter(s) in ${dlqTopic}\n`);
      return 0;
    }
    if (args.command === 'show') {
      for (const l of letters) io.stdout.write(`${detail(l, replayed.has(letterId(l)))}\n`);
      return 0;
    }
    return await replay(letters, replayed, { connection, registry: registry!, dlqTopic, markers, io });
  } catch (err) {
    const error = toCareRelayError(err, 'DLQ_FAILED');
    io.stderr.write(`carerelay: dlq: ${error.code}: ${error.message}\n`);
    return 1;
  }
}

async function replay(
  letters: readonly RawRecord[],
  replayed: ReadonlySet<string | null>,
  ctx: {
    connection: KafkaConnection;
    registry: string;
    dlqTopic: string;
    markers: string;
    io: DlqIo;
  },
): Promise<number> {
  const operator = ctx.io.env.CARERELAY_OPERATOR ?? userInfo().username;
  const bus = KafkaBus.fromConfig({
    ...ctx.connection,
    clientId: 'carerelay-dlq-replay',
    serde: new AvroSerde(new RegistrySchemaStore(ctx.registry)),
    logger: createLogger({ service: 'carerelay-cli', level: 'silent' }),
  });
  await bus.start();
  const audit = new AuditTrail(bus, 'carerelay-cli');
  let done = 0;
  let skipped = 0;
  try {
    for (const letter of letters) {
      const id = letterId(letter);
      if (replayed.has(id)) {
        skipped += 1;
        continue;
      }
      const target = letter.headers[DLQ_HEADERS.originalTopic];
      if (!target) throw new CareRelayError('DLQ_LETTER_INVALID', `letter ${id} names no original topic`);
      await bus.publishRaw(target, {
        key: letter.key,
        value: letter.value,
        headers: replayHeaders(letter, ctx.dlqTopic),
      });
      // Marked after the publish: a crash in between replays the letter again (at-least-once).
      await bus.publishRaw(ctx.markers, { key: id, value: Buffer.from(new Date().toISOString()) });
      await audit.record({
        tenantId: letter.key?.split(':')[0] || 'unknown',
        clientId: letter.key?.split(':')[1] || null,
        userId: operator,
        // The task it was for: its status moves from dead_lettered back to drafting.
        taskId: letter.headers[DLQ_HEADERS.taskId] ?? null,
        action: 'DEAD_LETTER_REPLAYED',
        outcome: 'SUCCESS',
        reasonCode: letter.headers[DLQ_HEADERS.errorCode] ?? null,
        description: `dead letter ${ctx.dlqTopic}:${id} replayed to ${target}`,
        counts: {
          dlqOffset: Number(letter.offset),
          originalOffset: Number(letter.headers[DLQ_HEADERS.originalOffset] ?? -1),
        },
      });
      done += 1;
      ctx.io.stdout.write(`replayed ${id} -> ${target}\n`);
    }
  } finally {
    await bus.shutdown();
  }
  ctx.io.stderr.write(`${done} replayed, ${skipped} already replayed (skipped)\n`);
  return 0;
}
