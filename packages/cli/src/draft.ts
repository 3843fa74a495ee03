import { readFileSync } from 'node:fs';
import { createHash, randomUUID } from 'node:crypto';
import type { Writable } from 'node:stream';
import { auditEvent, type AuditFacts } from '@carerelay/audit';
import { BundleFhirReader, FhirAdapter } from '@carerelay/ehr';
import { CareRelayError } from '@carerelay/errors';
import { USE_CASE_VALUES, type AuditEvent, type UseCase } from '@carerelay/events';
import {
  AzureOpenAIModelClient,
  OfflineTemplateProvider,
  OpenAICompatibleModelClient,
  provenanceOf,
  templateFor,
  validateOutput,
  type ModelClient,
} from '@carerelay/llm';
import { deidentifyContext, scanOutbound } from '@carerelay/phi';
import { applyMinimumNecessary, CATALOGUE } from '@carerelay/policy';
import { renderNote, reidentifyDraft } from '@carerelay/service-writeback';

const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** The model the environment configures: Azure OpenAI (AZURE_OPENAI_*), an OpenAI-compatible endpoint, or the offline template. */
export function modelFromEnv(env: NodeJS.ProcessEnv): ModelClient {
  if (env.AZURE_OPENAI_ENDPOINT) {
    const deployment = env.AZURE_OPENAI_DEPLOYMENT;
    if (!deployment)
      throw new CareRelayError(
        'CONFIG_INVALID',
        'AZURE_OPENAI_ENDPOINT is set: AZURE_OPENAI_DEPLOYMENT is required too',
      );
    if (!env.AZURE_OPENAI_API_KEY)
      throw new CareRelayError('CONFIG_INVALID', 'AZURE_OPENAI_API_KEY is required for the one-shot CLI');
    return new AzureOpenAIModelClient({
      endpoint: env.AZURE_OPENAI_ENDPOINT,
      apiKey: env.AZURE_OPENAI_API_KEY,
      apiVersion: env.OPENAI_API_VERSION ?? '2024-10-21',
      defaultDeployment: deployment,
    });
  }
  if (env.OPENAI_COMPATIBLE_BASE_URL && env.OPENAI_COMPATIBLE_MODEL) {
    return new OpenAICompatibleModelClient({
      baseURL: env.OPENAI_COMPATIBLE_BASE_URL,
      model: env.OPENAI_COMPATIBLE_MODEL,
      ...(env.OPENAI_COMPATIBLE_API_KEY ? { apiKey: env.OPENAI_COMPATIBLE_API_KEY } : {}),
    });
  }
  return new OfflineTemplateProvider();
}

/**
 * `carerelay draft --bundle FILE --use-case X` (an external contract: keep it).
 * The same path as the services, in process: minimum-necessary context from the
 * Bundle → de-identification → leak guard → model → validation → re-identification.
 * Prints the draft, then the audit trail (one JSON event per line, no clinical text).
 */
export async function draftFromBundle(
  args: { bundle: string; useCase: string },
  out: Writable,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (!(USE_CASE_VALUES as readonly string[]).includes(args.useCase)) {
    throw new CareRelayError('CLI_BAD_USE_CASE', `--use-case must be one of: ${USE_CASE_VALUES.join(', ')}`);
  }
  const useCase = args.useCase as UseCase;
  const trail: AuditEvent[] = [];
  const taskId = randomUUID();
  const audit = (facts: Omit<AuditFacts, 'service' | 'tenantId' | 'taskId'>): void => {
    trail.push(auditEvent({ ...facts, service: 'carerelay-cli', tenantId: 'local', taskId, useCase }));
  };
  const reader = new BundleFhirReader(
    JSON.parse(readFileSync(args.bundle, 'utf8')) as ConstructorParameters<typeof BundleFhirReader>[0],
  );
  const subject = reader.subject();
  const read = await new FhirAdapter(reader).readTaskContext({ ...subject, reads: CATALOGUE[useCase].reads });
  audit({
    action: 'PHI_ACCESS',
    outcome: 'SUCCESS',
    clientId: subject.clientId,
    purposeOfUse: 'TREATMENT',
    counts: { resources: read.sourceRefs.length },
  });
  const finish = (text: string, code: number): number => {
    out.write(`${text}\n\n--- audit trail ---\n${trail.map((e) => JSON.stringify(e)).join('\n')}\n`);
    return code;
  };
  if (read.securityLabels.includes('42CFRPart2')) {
    audit({
      action: 'CONSENT_CHECK',
      outcome: 'DENIED',
      part2: true,
      clientId: subject.clientId,
      reasonCode: 'PART2_CONSENT_NOT_VERIFIED',
    });
    return finish(
      'Refused: the record carries 42 CFR Part 2 labels and no verified consent; nothing was sent to a model.',
      3,
    );
  }
  if (useCase === 'coding') {
    return finish('coding is drafted by rules in the coder service, not by a model; nothing was sent.', 0);
  }
  const deid = deidentifyContext(applyMinimumNecessary(read.context, useCase));
  audit({ action: 'DEID', outcome: 'SUCCESS', clientId: subject.clientId, counts: deid.counts });
  const template = templateFor(useCase);
  const messages = template.render(deid.context);
  const scan = scanOutbound(JSON.stringify(deid.context), { known: deid.known });
  if (scan.blocked) {
    audit({
      action: 'LEAK_BLOCKED',
      outcome: 'BLOCKED',
      clientId: subject.clientId,
      reasonCode: 'LEAK_BLOCKED',
      counts: { findings: scan.findings.length },
    });
    return finish('Refused: identifiers remained after de-identification; nothing was sent to a model.', 4);
  }
  const model = modelFromEnv(env);
  const result = await model.complete({
    useCase,
    messages,
    outputSchema: template.outputSchema,
    context: deid.context,
    requestId: taskId,
  });
  const checked = validateOutput(template, result.content);
  const prompt = messages.map((m) => m.content).join('\n');
  audit({
    action: 'LLM_CALL',
    outcome: checked.ok ? 'SUCCESS' : 'FAILURE',
    recipient: model.recipient(useCase),
    model: result.modelVersion ?? result.deployment,
    templateVersion: `${template.id}@${template.version}`,
    counts: {
      promptTokens: result.promptTokens,
      completionTokens: result.completionTokens,
      latencyMs: result.latencyMs,
    },
    hashes: { prompt: sha256(prompt), response: sha256(result.content), template: template.hash },
  });
  if (!checked.ok)
    return finish(
      `The model's output did not match ${template.id}@${template.version}: ${checked.errors.join('; ')}`,
      5,
    );
  const entry = {
    tenantId: 'local',
    taskId,
    clientId: subject.clientId,
    tokens: deid.tokens,
    dateShiftDays: null,
    createdAt: Date.now(),
  };
  const draft = reidentifyDraft(result.content, entry);
  const provenance = provenanceOf(model, template, result);
  const text = renderNote(draft.content, {
    title: `${useCase} draft`,
    provenance,
    placeholders: [],
    unresolved: draft.unresolved,
  });
  audit({
    action: 'DRAFT_WRITTEN',
    outcome: 'SUCCESS',
    clientId: subject.clientId,
    description: 'printed to stdout',
    hashes: { draft: sha256(text) },
  });
  return finish(text, 0);
}
