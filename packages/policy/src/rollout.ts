import type { UseCase } from '@carerelay/events';
import { CareRelayError } from '@carerelay/errors';
import { CATALOGUE, USE_CASES, type RolloutPhase } from './catalogue.js';

/**
 * Phased rollout: which use cases a tenant has turned on, and for whom. A tenant runs up to
 * a phase (default 2: triage and drafting; decision support is off until a tenant turns it
 * on); single use cases can be switched on or off against their phase; a use case may be
 * limited to pilot groups of users (group ids from configuration or FHIR `Group/<id>`).
 */
export interface TenantRollout {
  /** Highest phase enabled (default 2). */
  readonly phase?: RolloutPhase;
  /** Turned on whatever their phase. */
  readonly enable?: readonly UseCase[];
  /** Turned off whatever their phase (wins over `enable`). */
  readonly disable?: readonly UseCase[];
  /** Use case → the groups whose members alone may use it (absent: everyone the catalogue allows). */
  readonly pilots?: Readonly<Partial<Record<UseCase, readonly string[]>>>;
}

export interface RolloutConfig {
  /** Applies to tenants without an entry of their own. */
  readonly default?: TenantRollout;
  readonly tenants?: Readonly<Record<string, TenantRollout>>;
  /** Group id → user ids (`Practitioner/<id>` or bare ids, as the tokens carry them). */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
}

export const DEFAULT_PHASE: RolloutPhase = 2;

export interface RolloutState {
  readonly enabled: boolean;
  /** Set when the use case is limited to pilot groups. */
  readonly pilotGroups: readonly string[] | null;
}

export function tenantRollout(config: RolloutConfig, tenantId: string): TenantRollout {
  return config.tenants?.[tenantId] ?? config.default ?? {};
}

/** Whether a use case is on for a tenant, and which pilot groups (if any) it is limited to. */
export function rolloutFor(config: RolloutConfig, tenantId: string, useCase: UseCase): RolloutState {
  const tenant = tenantRollout(config, tenantId);
  const phase = tenant.phase ?? DEFAULT_PHASE;
  const enabled =
    !(tenant.disable ?? []).includes(useCase) &&
    (CATALOGUE[useCase].phase <= phase || (tenant.enable ?? []).includes(useCase));
  return { enabled, pilotGroups: tenant.pilots?.[useCase] ?? null };
}

/** Whether a user is a member of any of the groups (ids compared with and without the `Practitioner/` prefix). */
export function inPilotGroups(config: RolloutConfig, groups: readonly string[], userId: string): boolean {
  const bare = userId.replace(/^Practitioner\//, '');
  return groups.some((g) =>
    (config.groups?.[g] ?? []).some((member) => member.replace(/^Practitioner\//, '') === bare),
  );
}

const PHASES = new Set([1, 2, 3]);

function checkTenant(where: string, t: unknown, problems: string[]): void {
  if (typeof t !== 'object' || t === null || Array.isArray(t)) {
    problems.push(`${where} must be an object`);
    return;
  }
  const tenant = t as Record<string, unknown>;
  for (const key of Object.keys(tenant)) {
    if (!['phase', 'enable', 'disable', 'pilots'].includes(key))
      problems.push(`${where}.${key} is not a setting`);
  }
  if (tenant.phase !== undefined && !PHASES.has(tenant.phase as number))
    problems.push(`${where}.phase must be 1, 2 or 3`);
  for (const list of ['enable', 'disable'] as const) {
    const value = tenant[list];
    if (value === undefined) continue;
    if (!Array.isArray(value)) problems.push(`${where}.${list} must be a list of use cases`);
    else
      for (const u of value)
        if (!(USE_CASES as unknown[]).includes(u))
          problems.push(`${where}.${list}: unknown use case ${String(u)}`);
  }
  const pilots = tenant.pilots;
  if (pilots !== undefined) {
    if (typeof pilots !== 'object' || pilots === null) problems.push(`${where}.pilots must be an object`);
    else
      for (const [u, groups] of Object.entries(pilots)) {
        if (!(USE_CASES as string[]).includes(u)) problems.push(`${where}.pilots: unknown use case ${u}`);
        if (!Array.isArray(groups) || groups.some((g) => typeof g !== 'string'))
          problems.push(`${where}.pilots.${u} must be a list of group ids`);
      }
  }
}

/** Parses and validates rollout configuration (JSON text); every problem is listed in one error. */
export function parseRollout(text: string, source = 'rollout configuration'): RolloutConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new CareRelayError('CONFIG_INVALID', `${source} is not JSON: ${(err as Error).message}`);
  }
  const problems: string[] = [];
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CareRelayError('CONFIG_INVALID', `${source} must be a JSON object`);
  }
  const config: Record<string, unknown> = value as Record<string, unknown>;
  for (const key of Object.keys(config))
    if (!['default', 'tenants', 'groups'].includes(key)) problems.push(`${key} is not a setting`);
  if (config.default !== undefined) checkTenant('default', config.default, problems);
  if (config.tenants !== undefined) {
    if (typeof config.tenants !== 'object' || config.tenants === null)
      problems.push('tenants must be an object');
    else for (const [id, t] of Object.entries(config.tenants)) checkTenant(`tenants.${id}`, t, problems);
  }
  if (config.groups !== undefined) {
    if (typeof config.groups !== 'object' || config.groups === null)
      problems.push('groups must be an object');
    else
      for (const [id, members] of Object.entries(config.groups))
        if (!Array.isArray(members) || members.some((m) => typeof m !== 'string'))
          problems.push(`groups.${id} must be a list of user ids`);
  }
  if (problems.length > 0) throw new CareRelayError('CONFIG_INVALID', `${source}: ${problems.join('; ')}`);
  return value;
}
