import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { EmbeddedBus } from '@carerelay/bus';
import { LocalKeyProvider } from '@carerelay/crypto';
import { TASK_IDENTIFIER_SYSTEM } from '@carerelay/ehr';
import { CareRelayError } from '@carerelay/errors';
import {
  AvroSerde,
  auditEventTopic,
  ehrChangeTopic,
  InMemorySchemaStore,
  USE_CASE_VALUES,
  type AuditEvent,
  type UseCase,
} from '@carerelay/events';
import {
  AzureOpenAIModelClient,
  OfflineTemplateProvider,
  OpenAICompatibleModelClient,
  type ModelClient,
} from '@carerelay/llm';
import { createLogger } from '@carerelay/logger';
import { InMemoryTokenVault } from '@carerelay/phi';
import { PART2_LABEL, PART2_NOTICE } from '@carerelay/policy';
import type { ServiceApp } from '@carerelay/runtime';
import {
  applyAuditEvent,
  onDemandChange,
  taskIdForChange,
  type TaskStatus,
} from '@carerelay/service-ehr-connector';
import type { Resource } from '@medplum/fhirtypes';
import { BundleEhr } from './bundle-ehr.js';
import { pipelineFactories } from './pipeline.js';
import { bundlePolicy, parseRelationship, readBundle } from './policy.js';

/** The model the environment configures: Azure OpenAI (AZURE_OPENAI_*), an OpenAI-compatible endpoint, or the offline template. */
export function modelFromEnv(env: NodeJS.ProcessEnv): { model: ModelClient; deployment: string } {
  if (env.AZURE_OPENAI_ENDPOINT) {
    const deployment = env.AZURE_OPENAI_DEPLOYMENT;
    if (!deployment)
      throw new CareRelayError(
        'CONFIG_INVALID',
        'AZURE_OPENAI_ENDPOINT is set: AZURE_OPENAI_DEPLOYMENT is required too',
      );
    if (!env.AZURE_OPENAI_API_KEY)
      throw new CareRelayError('CONFIG_INVALID', 'AZURE_OPENAI_API_KEY is required for the one-shot CLI');
    return {
      model: new AzureOpenAIModelClient({
        endpoint: env.AZURE_OPENAI_ENDPOINT,
        apiKey: env.AZURE_OPENAI_API_KEY,
        apiVersion: env.OPENAI_API_VERSION ?? '2024-10-21',
        defaultDeployment: deployment,
      }),
      deployment,
    };
  }
  if (env.OPENAI_COMPATIBLE_BASE_URL && env.OPENAI_COMPATIBLE_MODEL) {
    return {
      model: new OpenAICompatibleModelClient({
        baseURL: env.OPENAI_COMPATIBLE_BASE_URL,
        model: env.OPENAI_COMPATIBLE_MODEL,
        ...(env.OPENAI_COMPATIBLE_API_KEY ? { apiKey: env.OPENAI_COMPATIBLE_API_KEY } : {}),
      }),
      deployment: env.OPENAI_COMPATIBLE_MODEL,
    };
  }
  return { model: new OfflineTemplateProvider(), deployment: 'offline-template' };
}

/** Exit codes of `carerelay draft` (also in its usage text). */
export const DRAFT_EXIT = { written: 0, refused: 3, blocked: 4, failed: 5 } as const;

const TENANT = 'local';
/** Who the CLI acts as: the person at the terminal, in the role they state. */
const CLI_USER = 'cli-user';

export interface DraftArgs {
  readonly bundle: string;
  readonly useCase: string;
  /** Default: clinician. */
  readonly role?: string;
  /** care_team (default), appointment_practitioner, supervision or none. */
  readonly relationship?: string;
}

const isTerminal = (s: TaskStatus | undefined): boolean =>
  s !== undefined && (s.state === 'written' || s.state === 'refused' || s.state === 'dead_lettered');

/**
 * The text of what was written to the EHR: a DocumentReference attachment, the CarePlan or
 * Communication note, or a coding suggestion's Claim as its codes with their rationales.
 */
function draftText(resource: Resource): string {
  const r = resource as {
    content?: { attachment?: { data?: string } }[];
    note?: { text?: string }[];
    supportingInfo?: { code?: { text?: string }; valueString?: string; valueQuantity?: { value?: number } }[];
  };
  if (resource.resourceType === 'Claim') {
    return (r.supportingInfo ?? [])
      .map((i) => `${i.code?.text ?? ''}: ${i.valueString ?? String(i.valueQuantity?.value ?? '')}`)
      .join('\n');
  }
  const data = r.content?.[0]?.attachment?.data;
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  return r.note?.map((n) => n.text ?? '').join('\n') ?? '';
}

/**
 * `carerelay draft --bundle FILE --use-case X [--role R] [--relationship REL]` (an external
 * contract: keep it). The Bundle is the EHR and this process runs the services themselves
 * (ehr-connector, deidentifier, llm-worker, coder, writeback) on the embedded bus: the same
 * catalogue, policy, consent and Part 2 checks, minimum necessary, de-identification, leak
 * guard, model, validation and re-identification as in production, with no step restated
 * here. Prints the draft, then the audit trail (one JSON event per line, no clinical text).
 * A refusal goes to stderr with its reason code and a non-zero exit.
 */
export async function draftFromBundle(
  args: DraftArgs,
  out: Writable,
  env: NodeJS.ProcessEnv = process.env,
  err: Writable = process.stderr,
): Promise<number> {
  if (!(USE_CASE_VALUES as readonly string[]).includes(args.useCase)) {
    throw new CareRelayError('CLI_BAD_USE_CASE', `--use-case must be one of: ${USE_CASE_VALUES.join(', ')}`);
  }
  const useCase = args.useCase as UseCase;
  const role = args.role ?? 'clinician';
  const ehr = new BundleEhr(readBundle(args.bundle));
  const subject = ehr.subject();
  const { adapter, policy } = bundlePolicy(ehr, parseRelationship(args.relationship), env);
  const { model, deployment } = modelFromEnv(env);
  const keys = LocalKeyProvider.ephemeral();
  const logger = createLogger({ service: 'carerelay-cli', level: env.CARERELAY_LOG_LEVEL ?? 'silent' });
  const bus = EmbeddedBus.fromConfig({ serde: new AvroSerde(new InMemorySchemaStore()), logger });
  const pipeline = pipelineFactories({
    tenantId: TENANT,
    keys,
    vault: new InMemoryTokenVault(keys),
    adapter,
    writer: ehr,
    ehrEndpoint: `bundle:${basename(args.bundle)}`,
    model,
    deployment,
    policy: { rollout: policy.rollout.current() },
    env,
  });
  const context = { bus, logger, concurrency: 1 };
  const apps: ServiceApp[] = [
    pipeline.connector,
    pipeline.deidentifier,
    pipeline.llmWorker,
    pipeline.coder,
    pipeline.writeback,
  ].map((create) => create(context));

  const change = onDemandChange({
    eventId: `cli-${randomUUID()}`,
    tenantId: TENANT,
    clientId: subject.clientId,
    encounterId: subject.encounterId ?? null,
    userId: CLI_USER,
    role,
    useCase,
    redraft: false,
    vendor: 'carerelay-cli',
    now: Date.now(),
  });
  const taskId = taskIdForChange(change, useCase);
  const trail: AuditEvent[] = [];
  let status: TaskStatus | undefined;
  let settle: () => void = () => undefined;
  const settled = new Promise<void>((resolve) => (settle = resolve));

  await bus.start();
  const audit = await bus.subscribe({
    topic: auditEventTopic,
    groupId: 'carerelay-cli.trail',
    handler: (delivery) => {
      const event = delivery.value;
      trail.push(event);
      if (event.taskId === taskId) status = applyAuditEvent(status, event);
      if (isTerminal(status)) settle();
      return Promise.resolve();
    },
  });
  try {
    for (const app of apps) await app.start();
    await bus.publish(ehrChangeTopic, { key: `${TENANT}:${subject.clientId}`, value: change });
    const timeoutMs = Number(env.CARERELAY_DRAFT_TIMEOUT_MS ?? 300_000);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      settled,
      new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  } finally {
    for (const app of [...apps].reverse()) await app.stop();
    await audit.stop();
    await bus.shutdown();
  }

  const printTrail = (): void => {
    out.write(`--- audit trail ---\n${trail.map((e) => JSON.stringify(e)).join('\n')}\n`);
  };
  if (status?.state === 'refused') {
    const blocked = status.reasonCode === 'LEAK_BLOCKED';
    err.write(
      `carerelay: refused: ${status.reasonCode ?? 'POLICY_DENIED'}` +
        `${status.rule ? ` (rule ${status.rule})` : ''}; nothing was sent to a model\n`,
    );
    printTrail();
    return blocked ? DRAFT_EXIT.blocked : DRAFT_EXIT.refused;
  }
  if (status?.state !== 'written') {
    err.write(
      `carerelay: the draft was not produced: ${status?.reasonCode ?? `no outcome within the timeout (last state: ${status?.state ?? 'none'})`}\n`,
    );
    printTrail();
    return DRAFT_EXIT.failed;
  }
  const written = ehr.written.find((r) =>
    ((r as { identifier?: { system?: string; value?: string }[] }).identifier ?? []).some(
      (i) => i.system === TASK_IDENTIFIER_SYSTEM && i.value === taskId,
    ),
  );
  const text = written ? draftText(written) : '';
  out.write(`${text}\n\n`);
  // Part 2 data: the notice travels with what was written (its text, its label); say it here too.
  const labelled = (written?.meta?.security ?? []).some((c) => c.code === PART2_LABEL);
  if (labelled || text.includes(PART2_NOTICE)) err.write(`carerelay: ${PART2_NOTICE}\n`);
  printTrail();
  return DRAFT_EXIT.written;
}
