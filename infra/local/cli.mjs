#!/usr/bin/env node
// node infra/local/cli.mjs fetch | start | stop | status
// Background Kafka + Apicurio Registry for local runs. State: <cacheDir>/run/state.json, where
// cacheDir is $INFRA_CACHE_DIR or <repo>/.cache/infra.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_CACHE_DIR, fetchInfra, startLocalInfra } from './infra.mjs';
import { probeKafka } from './kafka-probe.mjs';
import { alive, stopPid } from './proc.mjs';

const cacheDir = path.resolve(process.env.INFRA_CACHE_DIR || DEFAULT_CACHE_DIR);
const runDir = path.join(cacheDir, 'run');
const stateFile = path.join(runDir, 'state.json');
// What each pid's command line must contain, so a recycled pid is never signalled.
const SIGNATURE = { kafka: 'kafka.Kafka', registry: 'quarkus-run.jar' };

function readState() {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch {
    return null;
  }
}

function ours(name, pid) {
  try {
    return alive(pid) && fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(SIGNATURE[name]);
  } catch {
    return false;
  }
}

const envLines = (s) => `KAFKA_BROKERS=${s.kafka.brokers}\nSCHEMA_REGISTRY_URL=${s.registry.url}`;

async function kafkaAnswers(s) {
  try {
    const md = await probeKafka({ port: s.kafka.port, timeoutMs: 2000 });
    return md.brokers.some((b) => b.port === s.kafka.port);
  } catch {
    return false;
  }
}

async function registryAnswers(s) {
  try {
    return (await fetch(`${s.registry.url}/subjects`, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
}

async function stopAll(s) {
  await Promise.all(
    ['kafka', 'registry'].map(async (name) => {
      const pid = s?.[name]?.pid;
      if (pid && ours(name, pid)) await stopPid(pid);
    }),
  );
  fs.rmSync(stateFile, { force: true });
}

const commands = {
  async fetch() {
    const t = Date.now();
    const r = await fetchInfra({ cacheDir });
    const what = Object.entries(r.downloaded).map(([k, v]) => `${k}: ${v ? 'downloaded' : 'cached'}`);
    console.log(`${what.join(', ')} in ${((Date.now() - t) / 1000).toFixed(1)} s (${cacheDir})`);
  },

  async start() {
    const old = readState();
    if (old && ours('kafka', old.kafka.pid) && ours('registry', old.registry.pid)) {
      console.error('already running (node infra/local/cli.mjs stop to stop)');
      console.log(envLines(old));
      return;
    }
    await stopAll(old); // half-alive leftovers
    fs.rmSync(runDir, { recursive: true, force: true }); // fresh, empty Kafka and registry
    const t = Date.now();
    const infra = await startLocalInfra({ cacheDir, stateDir: runDir, persist: true });
    const { kafka: k, registry: r } = infra;
    const state = {
      startedAt: new Date().toISOString(),
      kafka: {
        pid: k.pid,
        port: k.port,
        controllerPort: k.controllerPort,
        brokers: k.brokers,
        stateDir: k.stateDir,
      },
      registry: {
        pid: r.pid,
        port: r.port,
        managementPort: r.managementPort,
        url: r.url,
        stateDir: r.stateDir,
      },
    };
    fs.writeFileSync(stateFile, JSON.stringify(state, null, 2) + '\n');
    console.error(`started in ${((Date.now() - t) / 1000).toFixed(1)} s; logs under ${runDir}`);
    console.log(envLines(state));
  },

  async stop() {
    const s = readState();
    if (!s) return console.log('not running (no state.json)');
    await stopAll(s);
    console.log('stopped');
  },

  async status() {
    const s = readState();
    if (!s) {
      console.log('not running (no state.json)');
      return 1;
    }
    const [k, r] = await Promise.all([kafkaAnswers(s), registryAnswers(s)]);
    console.log(`kafka:    ${k ? 'up' : 'DOWN'}  ${s.kafka.brokers}  pid ${s.kafka.pid}`);
    console.log(`registry: ${r ? 'up' : 'DOWN'}  ${s.registry.url}  pid ${s.registry.pid}`);
    return k && r ? 0 : 1;
  },
};

const cmd = process.argv[2];
if (!commands[cmd]) {
  console.error('usage: node infra/local/cli.mjs fetch | start | stop | status');
  process.exit(2);
}
try {
  const code = await commands[cmd]();
  // Exit now: fetch()'s keep-alive sockets would otherwise hold the process for seconds.
  process.exit(typeof code === 'number' ? code : 0);
} catch (e) {
  console.error(e.message ?? e);
  process.exit(1);
}
