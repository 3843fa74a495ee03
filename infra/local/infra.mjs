// Local real infrastructure for tests and dev runs without Docker: Apache Kafka (KRaft, single
// node) and Apicurio Registry 3 (Confluent-compatible API), both from Maven Central, bound to
// 127.0.0.1 only. Node 20 built-ins only. See README.md beside this file.
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeKafka } from './kafka-probe.mjs';
import { alive, findJava, freePorts, pickPort, removeOnExit, run, spawnJvm, waitUntil } from './proc.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO_ROOT = path.resolve(HERE, '../..');
export const DEFAULT_CACHE_DIR = path.join(REPO_ROOT, '.cache', 'infra');
const KAFKA_POM = path.join(HERE, 'kafka-pom.xml');
const KAFKA_LOG4J2 = path.join(HERE, 'kafka-log4j2.xml');
const DEP_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const APICURIO_ARTIFACT = 'io.apicurio:apicurio-registry-app:3.3.3:tar.gz:all';
const MARKER = '.complete';
const READY_TIMEOUT_MS = 90_000;

const readMarker = (dir) => {
  try {
    return fs.readFileSync(path.join(dir, MARKER), 'utf8');
  } catch {
    return null;
  }
};

/** mvn in batch mode; cwd = cacheDir so no stray pom.xml is picked up. */
const mvn = (args, cwd) => run('mvn', ['-q', '-B', ...args], { cwd });

/**
 * Downloads into `dir` via fill(tmpDir), then swaps it in and writes a marker last, so an
 * interrupted download is redone next time. Skips if the marker already holds `stamp`.
 */
async function cached(dir, stamp, fill) {
  if (readMarker(dir) === stamp) return false;
  // Leftovers of interrupted runs: <name>.tmp-<pid> whose pid is gone.
  const prefix = `${path.basename(dir)}.tmp-`;
  for (const f of fs.readdirSync(path.dirname(dir))) {
    if (f.startsWith(prefix) && !alive(Number(f.slice(prefix.length)))) {
      fs.rmSync(path.join(path.dirname(dir), f), { recursive: true, force: true });
    }
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.mkdirSync(tmp, { recursive: true });
  try {
    await fill(tmp);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(tmp, dir);
    fs.writeFileSync(path.join(dir, MARKER), stamp);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return true;
}

/**
 * Idempotently fetches Kafka jars into <cacheDir>/kafka-libs and Apicurio Registry into
 * <cacheDir>/apicurio. The Kafka marker holds the pom's hash, so editing the pom (e.g. another
 * Kafka version) refetches. Returns { kafkaLibs, apicurioDir, downloaded: { kafka, registry } }.
 */
export async function fetchInfra({ cacheDir = DEFAULT_CACHE_DIR } = {}) {
  fs.mkdirSync(cacheDir, { recursive: true });
  const kafkaLibs = path.join(cacheDir, 'kafka-libs');
  const apicurioDir = path.join(cacheDir, 'apicurio');
  const pomHash = crypto.createHash('sha256').update(fs.readFileSync(KAFKA_POM)).digest('hex');

  // Sequential on purpose: Maven 3.8 does not lock its local repository against a second mvn.
  const kafka = await cached(kafkaLibs, pomHash, (tmp) =>
    mvn(
      [
        '-f',
        KAFKA_POM,
        `${DEP_PLUGIN}:copy-dependencies`,
        `-DoutputDirectory=${tmp}`,
        '-DincludeScope=runtime',
      ],
      cacheDir,
    ),
  );
  const registry = await cached(apicurioDir, APICURIO_ARTIFACT, async (tmp) => {
    const dl = path.join(tmp, '.download');
    await mvn([`${DEP_PLUGIN}:copy`, `-Dartifact=${APICURIO_ARTIFACT}`, `-DoutputDirectory=${dl}`], cacheDir);
    const [tarball] = fs.readdirSync(dl).filter((f) => f.endsWith('.tar.gz'));
    if (!tarball) throw new Error(`no tar.gz downloaded into ${dl}`);
    await run('tar', ['-xzf', path.join(dl, tarball), '-C', tmp]);
    fs.rmSync(dl, { recursive: true, force: true }); // ~160 MB we no longer need
  });
  return { kafkaLibs, apicurioDir, downloaded: { kafka, registry } };
}

function requireFetched(dir, what) {
  if (readMarker(dir) == null)
    throw new Error(
      `${what} not found in ${dir}: run fetchInfra() (or: node infra/local/cli.mjs fetch) first`,
    );
}

/**
 * Uses the given stateDir (created if needed) or a fresh temp dir, removed on stop() and, unless
 * persist, when this process exits.
 */
function stateDirFor(stateDir, name, persist) {
  if (stateDir) {
    fs.mkdirSync(stateDir, { recursive: true });
    return { dir: path.resolve(stateDir), temp: false };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `carerelay-${name}-`));
  return { dir, temp: true, forget: persist ? () => {} : removeOnExit(dir) };
}

function removeState(state) {
  if (!state.temp) return;
  fs.rmSync(state.dir, { recursive: true, force: true });
  state.forget();
}

function withCleanup(proc, state) {
  let stopping;
  return () => (stopping ??= proc.stop().then(() => removeState(state)));
}

/**
 * The cluster id already in <dataDir>/meta.properties (a reused stateDir keeps its data; a new
 * id would make format fail), else a new one: 16 random bytes, base64url, no leading '-' (as
 * Kafka's own generator).
 */
function kafkaClusterId(dataDir) {
  try {
    const m = /^cluster\.id=(.+)$/m.exec(fs.readFileSync(path.join(dataDir, 'meta.properties'), 'utf8'));
    if (m) return m[1].trim();
  } catch {
    /* not formatted yet */
  }
  for (;;) {
    const id = crypto.randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Resolves once a TCP connection to 127.0.0.1:port is accepted (the socket is closed at once). */
function portAnswers(port, timeoutMs) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * The extra SCRAM-SHA-512 listener (opt-in): its name, properties, and the storage-format
 * arguments that add each user's credentials to the KRaft metadata (KRaft has no ZooKeeper to
 * hold them, and the broker cannot be asked before it runs).
 */
function scramListener(scram, saslPort) {
  if (!scram) return { listeners: [], advertised: [], protocols: [], props: [], formatArgs: [] };
  const users = scram.users ?? [];
  if (users.length === 0) throw new Error('startKafka: scram.users must name at least one user');
  for (const u of users) {
    // The format tool parses name=...,password=... itself: these characters would split it.
    if (!/^[A-Za-z0-9_.-]+$/.test(u.name) || /[,\]\[=]/.test(u.password))
      throw new Error(
        `startKafka: SCRAM user ${JSON.stringify(u.name)} needs a plain name and a password without , [ ] =`,
      );
  }
  return {
    listeners: [`SASL://127.0.0.1:${saslPort}`],
    advertised: [`SASL://127.0.0.1:${saslPort}`],
    protocols: ['SASL:SASL_PLAINTEXT'],
    props: [
      'sasl.enabled.mechanisms=SCRAM-SHA-512',
      'listener.name.sasl.sasl.enabled.mechanisms=SCRAM-SHA-512',
      'listener.name.sasl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;',
    ],
    formatArgs: users.flatMap((u) => [
      '--add-scram',
      `SCRAM-SHA-512=[name=${u.name},password=${u.password}]`,
    ]),
  };
}

/**
 * The extra TLS listener (opt-in), mTLS when clientAuth is 'required': the broker's PKCS12
 * keystore and the PEM CA it trusts for client certificates.
 */
function tlsListener(tls, tlsPort) {
  if (!tls) return { listeners: [], advertised: [], protocols: [], props: [] };
  for (const key of ['keystore', 'keystorePassword', 'truststore'])
    if (!tls[key]) throw new Error(`startKafka: tls.${key} is required`);
  const clientAuth = tls.clientAuth ?? 'required';
  if (!['required', 'requested', 'none'].includes(clientAuth))
    throw new Error(`startKafka: tls.clientAuth must be required, requested or none`);
  return {
    listeners: [`TLS://127.0.0.1:${tlsPort}`],
    advertised: [`TLS://127.0.0.1:${tlsPort}`],
    protocols: ['TLS:SSL'],
    props: [
      'listener.name.tls.ssl.keystore.type=PKCS12',
      `listener.name.tls.ssl.keystore.location=${path.resolve(tls.keystore)}`,
      `listener.name.tls.ssl.keystore.password=${tls.keystorePassword}`,
      'listener.name.tls.ssl.truststore.type=PEM',
      `listener.name.tls.ssl.truststore.location=${path.resolve(tls.truststore)}`,
      `listener.name.tls.ssl.client.auth=${clientAuth}`,
    ],
  };
}

/**
 * Starts a single-node KRaft broker+controller on 127.0.0.1. Logs: <stateDir>/kafka.out (JVM
 * stdout/stderr) and <stateDir>/broker.log (log4j WARN+). Ready = a Metadata response that lists
 * this broker, or with ready: 'port' as soon as the client port accepts a connection (to test
 * clients against a broker that is still starting). persist=true leaves it running after this
 * Node process exits (the CLI uses it).
 * scram: { users: [{ name, password }] } adds a SASL_PLAINTEXT listener with SCRAM-SHA-512 on its
 * own port (saslPort) and those users; the PLAINTEXT listener stays for the broker itself.
 * tls: { keystore (PKCS12 file), keystorePassword, truststore (PEM CA file), clientAuth } adds an
 * SSL listener on its own port (tlsPort); clientAuth 'required' (default) makes it mTLS.
 * Returns { brokers, saslBrokers?, tlsBrokers?, pid, port, saslPort?, tlsPort?, controllerPort,
 * stateDir, stop() }.
 */
export async function startKafka({
  cacheDir = DEFAULT_CACHE_DIR,
  stateDir,
  port,
  controllerPort,
  persist = false,
  timeoutMs = READY_TIMEOUT_MS,
  javaHome,
  ready = 'broker',
  scram,
  tls,
} = {}) {
  if (ready !== 'broker' && ready !== 'port') throw new Error(`startKafka: ready must be 'broker' or 'port'`);
  const libs = path.join(cacheDir, 'kafka-libs');
  requireFetched(libs, 'Kafka jars');
  const java = findJava(17, javaHome);
  if (port == null && controllerPort == null) [port, controllerPort] = await freePorts(2);
  else [port, controllerPort] = [await pickPort(port), await pickPort(controllerPort)];
  const saslPort = scram ? await pickPort(scram.port) : undefined;
  const sasl = scramListener(scram, saslPort);
  const tlsPort = tls ? await pickPort(tls.port) : undefined;
  const ssl = tlsListener(tls, tlsPort);
  const state = stateDirFor(stateDir, 'kafka', persist);
  const dir = state.dir;

  const props = path.join(dir, 'server.properties');
  fs.writeFileSync(
    props,
    [
      'process.roles=broker,controller',
      'node.id=1',
      `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
      `listeners=${[`PLAINTEXT://127.0.0.1:${port}`, ...sasl.listeners, ...ssl.listeners, `CONTROLLER://127.0.0.1:${controllerPort}`].join(',')}`,
      `advertised.listeners=${[`PLAINTEXT://127.0.0.1:${port}`, ...sasl.advertised, ...ssl.advertised].join(',')}`,
      'controller.listener.names=CONTROLLER',
      'inter.broker.listener.name=PLAINTEXT',
      `listener.security.protocol.map=${['CONTROLLER:PLAINTEXT', 'PLAINTEXT:PLAINTEXT', ...sasl.protocols, ...ssl.protocols].join(',')}`,
      ...sasl.props,
      ...ssl.props,
      `log.dirs=${path.join(dir, 'data')}`, // keep in step with kafkaClusterId() below
      'num.partitions=1',
      'auto.create.topics.enable=false',
      'offsets.topic.replication.factor=1',
      'offsets.topic.num.partitions=1',
      'transaction.state.log.replication.factor=1',
      'transaction.state.log.min.isr=1',
      'transaction.state.log.num.partitions=1', // default 50: slow first transaction on one node
      'share.coordinator.state.topic.replication.factor=1', // default 3 cannot be met by one node
      'share.coordinator.state.topic.min.isr=1',
      'group.initial.rebalance.delay.ms=0', // default 3 s delay before the first group rebalance
      '',
    ].join('\n'),
  );

  // log4j's own shutdown hook would stop logging before Kafka's shutdown hook has logged;
  // the File appender flushes every line, so nothing is lost without it.
  const jvmOpts = [
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    '-Dlog4j2.shutdownHookEnabled=false',
    `-Dlog4j2.configurationFile=${KAFKA_LOG4J2}`,
    `-Dkafka.logs.dir=${dir}`,
    '-cp',
    path.join(libs, '*'),
  ];
  const out = path.join(dir, 'kafka.out');
  // Static controller.quorum.voters, so no --standalone. A node-made id saves one JVM start.
  try {
    await run(
      java,
      [
        ...jvmOpts,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        kafkaClusterId(path.join(dir, 'data')),
        '-c',
        props,
        '--ignore-formatted',
        ...sasl.formatArgs,
      ],
      { cwd: dir },
    );
  } catch (e) {
    removeState(state);
    throw new Error(`Kafka storage format failed: ${e.message}`);
  }

  const proc = spawnJvm(java, ['-Xms256m', '-Xmx512m', ...jvmOpts, 'kafka.Kafka', props], {
    cwd: dir,
    logFile: out,
    persist,
  });
  const stop = withCleanup(proc, state);
  try {
    await waitUntil(
      ready === 'port'
        ? () => portAnswers(port, 2000)
        : async () => {
            const md = await probeKafka({ port, timeoutMs: 2000 });
            return md.brokers.some((b) => b.port === port);
          },
      {
        what: `Kafka on 127.0.0.1:${port}`,
        timeoutMs,
        intervalMs: ready === 'port' ? 20 : 250,
        proc,
        logs: [out, path.join(dir, 'broker.log')],
      },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    brokers: `127.0.0.1:${port}`,
    ...(scram ? { saslBrokers: `127.0.0.1:${saslPort}`, saslPort } : {}),
    ...(tls ? { tlsBrokers: `127.0.0.1:${tlsPort}`, tlsPort } : {}),
    pid: proc.pid,
    port,
    controllerPort,
    stateDir: dir,
    stop,
  };
}

function findFile(dir, name, depth = 3) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isFile() && e.name === name) return p;
    if (e.isDirectory() && depth > 0) {
      const hit = findFile(p, name, depth - 1);
      if (hit) return hit;
    }
  }
  return null;
}

async function http(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(3000),
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

/**
 * Makes sure the registry-wide compatibility rule is BACKWARD. The -D flag below does it on
 * 3.3.3; this also covers a registry where it did not take, via the v3 admin API.
 */
async function ensureGlobalBackward(base) {
  const rule = `${base}/apis/registry/v3/admin/rules/COMPATIBILITY`;
  const cur = await http('GET', rule);
  if (cur.status === 404) {
    await http('POST', `${base}/apis/registry/v3/admin/rules`, {
      ruleType: 'COMPATIBILITY',
      config: 'BACKWARD',
    });
  } else if (cur.json?.config !== 'BACKWARD') {
    await http('PUT', rule, { ruleType: 'COMPATIBILITY', config: 'BACKWARD' });
  }
  const level = (await http('GET', `${base}/apis/ccompat/v7/config`)).json?.compatibilityLevel;
  if (level !== 'BACKWARD') throw new Error(`registry global compatibility is ${level}, wanted BACKWARD`);
}

/**
 * Starts Apicurio Registry (in-memory H2 storage) on 127.0.0.1 with a global BACKWARD rule.
 * Needs Java 21+ (found via findJava). Log: <stateDir>/registry.log. Ready = the ccompat
 * subjects list answers 200. Returns { url, pid, port, managementPort, stateDir, stop() }.
 */
export async function startRegistry({
  cacheDir = DEFAULT_CACHE_DIR,
  stateDir,
  port,
  managementPort,
  persist = false,
  timeoutMs = READY_TIMEOUT_MS,
  javaHome,
} = {}) {
  const home = path.join(cacheDir, 'apicurio');
  requireFetched(home, 'Apicurio Registry');
  const jar = findFile(home, 'quarkus-run.jar');
  if (!jar) throw new Error(`quarkus-run.jar not found under ${home}`);
  const java = findJava(21, javaHome);
  if (port == null && managementPort == null) [port, managementPort] = await freePorts(2);
  else [port, managementPort] = [await pickPort(port), await pickPort(managementPort)];
  const state = stateDirFor(stateDir, 'registry', persist);
  const log = path.join(state.dir, 'registry.log');

  const proc = spawnJvm(
    java,
    [
      '-Xmx384m',
      '-Dquarkus.http.host=127.0.0.1',
      `-Dquarkus.http.port=${port}`,
      // The management interface (health, metrics) binds 0.0.0.0 unless told otherwise.
      '-Dquarkus.management.host=127.0.0.1',
      `-Dquarkus.management.port=${managementPort}`,
      '-Dapicurio.rules.global.compatibility=BACKWARD',
      '-jar',
      jar,
    ],
    { cwd: state.dir, logFile: log, persist },
  );
  const stop = withCleanup(proc, state);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      async () =>
        (await fetch(`${base}/apis/ccompat/v7/subjects`, { signal: AbortSignal.timeout(2000) })).status ===
        200,
      { what: `Apicurio Registry on ${base}`, timeoutMs, proc, logs: [log] },
    );
    await ensureGlobalBackward(base);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url: `${base}/apis/ccompat/v7`, pid: proc.pid, port, managementPort, stateDir: state.dir, stop };
}

/**
 * fetchInfra, then Kafka and the registry in parallel (in <stateDir>/kafka and
 * <stateDir>/registry). Returns { kafkaBrokers, schemaRegistryUrl, kafka, registry, stop() };
 * stop() is idempotent. If either fails to start, the other is stopped and the error rethrown.
 */
export async function startLocalInfra({ cacheDir = DEFAULT_CACHE_DIR, stateDir, persist = false } = {}) {
  await fetchInfra({ cacheDir });
  const state = stateDirFor(stateDir, 'infra', persist);
  const [k, r] = await Promise.allSettled([
    startKafka({ cacheDir, stateDir: path.join(state.dir, 'kafka'), persist }),
    startRegistry({ cacheDir, stateDir: path.join(state.dir, 'registry'), persist }),
  ]);
  const started = [k, r].filter((x) => x.status === 'fulfilled').map((x) => x.value);
  let stopping;
  const stop = () => (stopping ??= Promise.all(started.map((s) => s.stop())).then(() => removeState(state)));
  const failed = [k, r].find((x) => x.status === 'rejected');
  if (failed) {
    await stop();
    throw failed.reason;
  }
  return {
    kafkaBrokers: k.value.brokers,
    schemaRegistryUrl: r.value.url,
    kafka: k.value,
    registry: r.value,
    stop,
  };
}
