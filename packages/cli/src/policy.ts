import { readFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { loadDefaults } from '@carerelay/config';
import { FhirAdapter } from '@carerelay/ehr';
import { CareRelayError } from '@carerelay/errors';
import type { UseCase } from '@carerelay/events';
import {
  CATALOGUE,
  decide,
  parseRollout,
  RELATIONSHIPS,
  rolloutFor,
  USE_CASES,
  type PolicyDecision,
  type Relationship,
  type RolloutConfig,
} from '@carerelay/policy';
import {
  consentFacts,
  ehrConnectorConfigSchema,
  InMemoryBreakGlassStore,
  type TaskPolicyDeps,
} from '@carerelay/service-ehr-connector';
import type { Bundle } from '@medplum/fhirtypes';
import { BundleEhr } from './bundle-ehr.js';

const USAGE = `Usage:
  carerelay policy show [--tenant TENANT]
      The effective matrix for a tenant: each use case's phase and switch, purpose of use,
      who may ask (role: relationship), what it reads, consent and Part 2 handling, producer
      and write-back target. Rollout switches from POLICY_ROLLOUT_FILE (as the ehr-connector).
  carerelay policy check --role ROLE --use-case USE_CASE [--relationship care_team|appointment_practitioner|supervision|none]
                         [--bundle FILE] [--tenant TENANT]
      One decision as one JSON line {"allowed","reasonCode","rule","purposeOfUse"}; exit 0
      whatever the decision (the decision is data). --relationship defaults to care_team.
      With --bundle, the Bundle's data decide Part 2 and consent (its Consent resources), as
      the planner does with the EHR's; AI_CONSENT_REQUIRED and PART2_PROGRAMS apply.
`;

/** The switches the ehr-connector would apply: POLICY_ROLLOUT_FILE, or the defaults (phase 2). */
export function rolloutFromEnv(env: NodeJS.ProcessEnv): RolloutConfig {
  const file = env.POLICY_ROLLOUT_FILE;
  if (!file) return {};
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CareRelayError('CLI_FILE_UNREADABLE', `POLICY_ROLLOUT_FILE ${file}: ${(err as Error).message}`);
  }
  return parseRollout(text, file);
}

export function readBundle(file: string): Bundle {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new CareRelayError('CLI_FILE_UNREADABLE', `--bundle ${file}: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text) as Bundle;
  } catch (err) {
    throw new CareRelayError('BUNDLE_INVALID', `--bundle ${file} is not JSON: ${(err as Error).message}`);
  }
}

export function parseRelationship(value: string | undefined): Relationship[] {
  if (value === undefined) return ['care_team'];
  if (value === 'none') return [];
  if ((RELATIONSHIPS as readonly string[]).includes(value)) return [value as Relationship];
  throw new CareRelayError(
    'CLI_BAD_ARGUMENT',
    `--relationship must be one of: ${[...RELATIONSHIPS, 'none'].join(', ')}`,
  );
}

/**
 * The policy inputs of a run against a Bundle: the relationship is the one the caller
 * states (a Bundle has no login), consents are the Bundle's, the rest is the connector's
 * configuration (its variables and defaults).
 */
export function bundlePolicy(
  ehr: BundleEhr,
  relationships: readonly Relationship[],
  env: NodeJS.ProcessEnv,
): { adapter: FhirAdapter; policy: TaskPolicyDeps } {
  const config = loadDefaults(ehrConnectorConfigSchema, env);
  const adapter = new FhirAdapter(ehr, { part2Programs: config.PART2_PROGRAMS });
  const stated = Object.create(adapter) as FhirAdapter;
  stated.relationshipsOf = () => Promise.resolve([...relationships]);
  const rollout = rolloutFromEnv(env);
  return {
    adapter: stated,
    policy: {
      adapter: stated,
      rollout: { current: () => rollout },
      consents: { consentsOf: (_t, clientId) => adapter.readConsents(clientId), invalidate: () => undefined },
      breakGlass: new InMemoryBreakGlassStore(),
      aiConsentRequired: config.AI_CONSENT_REQUIRED,
      consentRecipients: config.CONSENT_RECIPIENTS,
    },
  };
}

function flags(argv: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i] ?? '';
    if (!name.startsWith('--')) throw new CareRelayError('CLI_BAD_ARGUMENT', `unexpected argument '${name}'`);
    const value = argv[i + 1];
    if (value === undefined || value.startsWith('--'))
      throw new CareRelayError('CLI_BAD_ARGUMENT', `${name} needs a value`);
    out.set(name, value);
    i++;
  }
  return out;
}

async function check(args: Map<string, string>, env: NodeJS.ProcessEnv): Promise<PolicyDecision> {
  const role = args.get('--role');
  const useCase = args.get('--use-case');
  if (!role || !useCase)
    throw new CareRelayError('CLI_BAD_ARGUMENT', 'policy check needs --role and --use-case');
  const tenantId = args.get('--tenant') ?? 'local';
  const relationships = parseRelationship(args.get('--relationship'));
  const bundleFile = args.get('--bundle');
  const rollout = rolloutFromEnv(env);
  const facts = { tenantId, role, userId: 'cli', useCase, relationships, rollout };
  const first = decide(facts);
  if (!first.allowed || !bundleFile || !(USE_CASES as string[]).includes(useCase)) return first;
  // The data decide the rest, read exactly as the planner reads them for this use case.
  const ehr = new BundleEhr(readBundle(bundleFile));
  const subject = ehr.subject();
  const { adapter, policy } = bundlePolicy(ehr, relationships, env);
  const read = await adapter.readTaskContext({
    ...subject,
    reads: CATALOGUE[useCase as UseCase].reads,
  });
  return decide(await consentFacts(facts, read, subject.clientId, policy));
}

function show(args: Map<string, string>, env: NodeJS.ProcessEnv, out: Writable): void {
  const tenantId = args.get('--tenant') ?? 'local';
  const rollout = rolloutFromEnv(env);
  out.write(`Effective policy for tenant ${tenantId} (catalogue: packages/policy/src/catalogue.ts)\n\n`);
  for (const useCase of USE_CASES) {
    const spec = CATALOGUE[useCase];
    const state = rolloutFor(rollout, tenantId, useCase);
    const switchText = !state.enabled
      ? 'OFF'
      : state.pilotGroups
        ? `PILOT ${state.pilotGroups.join(',')}`
        : 'ON';
    const who = spec.access
      .map((a) => `${a.role}${a.relationships.length ? ` (${a.relationships.join(' or ')})` : ''}`)
      .join(', ');
    const reads = Object.entries(spec.reads as Record<string, true | { readonly max: number }>)
      .map(([field, limit]) => (limit === true ? field : `${field}<=${limit.max}`))
      .join(', ');
    out.write(
      `${useCase}  [phase ${spec.phase}: ${switchText}]  purpose ${spec.purposeOfUse}\n` +
        `  who:       ${who}\n` +
        `  triggers:  ${spec.triggers.join(', ') || '(on demand only)'}\n` +
        `  reads:     ${reads}\n` +
        `  consent:   ${spec.consent.join(', ') || 'none'}${spec.consent.length ? ' (when the practice requires it)' : ''}; Part 2: ${spec.part2 === 'with_consent' ? 'with a Part 2 consent covering the purpose' : 'never'}\n` +
        `  producer:  ${spec.producer.kind === 'model' ? 'model (prompt template)' : `rules (${spec.producer.service})`}\n` +
        `  writes:    ${spec.writeback.resourceType} ${spec.writeback.kind} (draft)\n\n`,
    );
  }
}

/** `carerelay policy show|check`. */
export async function runPolicy(
  argv: readonly string[],
  io: { env: NodeJS.ProcessEnv; stdout: Writable; stderr: Writable },
): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '--help' || sub === 'help' || rest.includes('--help')) {
    io.stdout.write(USAGE);
    return 0;
  }
  try {
    const args = flags(rest);
    if (sub === 'show') {
      show(args, io.env, io.stdout);
      return 0;
    }
    if (sub === 'check') {
      const d = await check(args, io.env);
      io.stdout.write(
        `${JSON.stringify({ allowed: d.allowed, reasonCode: d.reasonCode, rule: d.rule, purposeOfUse: d.purposeOfUse })}\n`,
      );
      return 0;
    }
    io.stderr.write(`carerelay: unknown policy command '${sub}'\n\n${USAGE}`);
    return 2;
  } catch (err) {
    const code = err instanceof CareRelayError ? err.code : 'CLI_FAILED';
    io.stderr.write(`carerelay: ${code}: ${(err as Error).message}\n`);
    return code === 'CLI_BAD_ARGUMENT' ? 2 : 1;
  }
}
