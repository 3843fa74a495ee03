import { codeSuggest } from './code-suggest.js';
import { deidDetect } from './deid-detect.js';
import { runDlq } from './dlq.js';
import { draftFromBundle } from './draft.js';
import { runKeys } from './keys.js';
import { runPolicy } from './policy.js';
import { riskScan } from './risk-scan.js';

const USAGE = `Usage: carerelay <command>

Commands:
  start            Run all seven services in one process on the embedded bus
                   (ops server on CARERELAY_HOST:CARERELAY_PORT, default 127.0.0.1:7070)
  deid detect      Read JSONL {"id","text"} on stdin; write {"id","spans":[{start,end,type}]} per line
  risk scan        Read JSONL {"id","text"} on stdin; write {"id","level","signals":[{start,end,kind}]}
                   per line (levels NONE, LOW, MODERATE, HIGH, IMMINENT)
  code suggest     Read JSONL {"id","encounter","diagnoses","note"?} on stdin; write
                   {"id","cpt","icd10","labels","warnings"} per line (deterministic coding rules);
                   a malformed line gets {"id","error"} and the exit code is 1
  draft --bundle FILE --use-case USE_CASE [--role ROLE] [--relationship REL]
                   Draft from a FHIR R4 Bundle through the services themselves, in process:
                   policy (as a clinician on the care team unless --role/--relationship say
                   otherwise), consent and 42 CFR Part 2 checks, minimum necessary,
                   de-identification, leak guard, model per AZURE_OPENAI_* or offline,
                   re-identification; prints the draft and its audit trail. Exit 0 written,
                   3 refused (reason on stderr), 4 leak blocked, 5 not produced
  policy show|check
                   The use-case catalogue in force for a tenant, or one decision as JSON
                   (carerelay policy --help)
  keys init|list|rotate|retire|export-fingerprint --file KEY_FILE
                   Manage the master key file: rotation, retirement, the llm-worker's
                   fingerprint keys (carerelay keys --help)
  dlq list|show|replay --topic TOPIC [--since ISO] [--error-code CODE] [--offset N]
                   Inspect dead letters (never their payload) and re-drive them after a fix:
                   each once, audited (carerelay dlq --help)
  help             Show this text
`;

/** Returns an exit code, or undefined for a command that keeps running (start). */
export async function runCli(argv: readonly string[]): Promise<number | undefined> {
  const [command] = argv;
  switch (command) {
    case 'start':
      return start();
    case 'draft': {
      const flag = (name: string): string | undefined => {
        const i = argv.indexOf(name);
        return i >= 0 ? argv[i + 1] : undefined;
      };
      const bundle = flag('--bundle');
      const useCase = flag('--use-case');
      if (!bundle || !useCase) {
        process.stderr.write(`carerelay: draft needs --bundle FILE and --use-case USE_CASE\n\n${USAGE}`);
        return 2;
      }
      const role = flag('--role');
      const relationship = flag('--relationship');
      return draftFromBundle(
        { bundle, useCase, ...(role ? { role } : {}), ...(relationship ? { relationship } : {}) },
        process.stdout,
      );
    }
    case 'policy':
      return runPolicy(argv.slice(1), { env: process.env, stdout: process.stdout, stderr: process.stderr });
    case 'keys':
      return runKeys(argv.slice(1), process.stdout, process.stderr);
    case 'dlq':
      return runDlq(argv.slice(1), { env: process.env, stdout: process.stdout, stderr: process.stderr });
    case 'risk':
      if (argv[1] === 'scan') return riskScan(process.stdin, process.stdout, process.stderr);
      process.stderr.write(`carerelay: unknown risk command '${argv[1] ?? ''}'\n\n${USAGE}`);
      return 2;
    case 'code':
      if (argv[1] === 'suggest') return codeSuggest(process.stdin, process.stdout, process.stderr);
      process.stderr.write(`carerelay: unknown code command '${argv[1] ?? ''}'\n\n${USAGE}`);
      return 2;
    case 'deid':
      if (argv[1] === 'detect') return deidDetect(process.stdin, process.stdout, process.stderr);
      process.stderr.write(`carerelay: unknown deid command '${argv[1] ?? ''}'\n\n${USAGE}`);
      return 2;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      process.stderr.write(`carerelay: unknown command '${command}'\n\n${USAGE}`);
      return 2;
  }
}

async function start(): Promise<undefined> {
  const host = process.env.CARERELAY_HOST ?? '127.0.0.1';
  const port = Number(process.env.CARERELAY_PORT ?? 7070);
  // Loaded on demand: the sandbox EHR and every service load only for `start`.
  const { startEmbedded } = await import('./embedded.js');
  const runtime = await startEmbedded({ host, port });
  process.stdout.write(
    `\nCareRelay is running in embedded mode (one process, embedded bus).\n` +
      `  services: ${runtime.apps.map((a) => a.name).join(', ')}\n` +
      `  EHR:      ${runtime.fhirBaseUrl} (sandbox FHIR R4, synthetic clients)\n` +
      `  health:   ${runtime.opsUrl}/health\n  ready:    ${runtime.opsUrl}/ready\n  metrics:  ${runtime.opsUrl}/metrics\n` +
      `Press Ctrl-C to stop.\n`,
  );
  const stop = (): void => {
    runtime.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return undefined;
}
