import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AuditTrail } from '@carerelay/audit';
import type { Logger } from '@carerelay/logger';
import { parseRollout, rolloutFor, USE_CASES, type RolloutConfig } from '@carerelay/policy';

/**
 * The rollout switches in force. From a JSON file (POLICY_ROLLOUT_FILE) that operators edit:
 * re-read every `reloadMs`, and every change that takes effect is audited as CONFIG_CHANGE
 * with what changed (tenant, use case, on/off, pilot groups) and the hashes of both versions.
 * A file that fails validation is refused and audited; the switches in force stay.
 */
export class RolloutSource {
  private config: RolloutConfig;
  private hash: string;
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly options: {
      readonly file?: string;
      readonly audit: AuditTrail;
      readonly tenantId: string;
      readonly logger: Logger;
      readonly reloadMs: number;
    },
    initial: RolloutConfig,
    text: string,
  ) {
    this.config = initial;
    this.hash = sha256(text);
  }

  /** Fixed switches (the embedded default, tests): never reloaded. */
  static fixed(config: RolloutConfig, audit: AuditTrail, tenantId: string, logger: Logger): RolloutSource {
    return new RolloutSource({ audit, tenantId, logger, reloadMs: 0 }, config, JSON.stringify(config));
  }

  /** Reads and validates the file once (a bad file fails the start, listing every problem). */
  static fromFile(options: {
    readonly file: string;
    readonly audit: AuditTrail;
    readonly tenantId: string;
    readonly logger: Logger;
    readonly reloadMs: number;
  }): RolloutSource {
    const text = readFileSync(options.file, 'utf8');
    return new RolloutSource(options, parseRollout(text, options.file), text);
  }

  current(): RolloutConfig {
    return this.config;
  }

  /**
   * Audits the switches a file put in force at start, then watches the file. Fixed switches
   * are part of the service's configuration, which the runtime audits at start already.
   */
  async start(): Promise<void> {
    if (!this.options.file) return;
    await this.options.audit.record({
      tenantId: this.options.tenantId,
      action: 'CONFIG_CHANGE',
      outcome: 'SUCCESS',
      reasonCode: 'ROLLOUT_LOADED',
      description: describe(this.config, this.options.tenantId),
      hashes: { rollout: this.hash },
    });
    if (this.options.file && this.options.reloadMs > 0) this.schedule();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      void this.reload().finally(() => {
        if (this.timer) this.schedule();
      });
    }, this.options.reloadMs);
    this.timer.unref();
  }

  /** One reload (exposed for tests): true when new switches took effect. */
  async reload(): Promise<boolean> {
    const { file, audit, tenantId, logger } = this.options;
    if (!file) return false;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      logger.warn(
        { errorCode: (err as NodeJS.ErrnoException).code },
        'rollout file unreadable; switches unchanged',
      );
      return false;
    }
    const hash = sha256(text);
    if (hash === this.hash) return false;
    let next: RolloutConfig;
    try {
      next = parseRollout(text, 'rollout file');
    } catch (err) {
      await audit.record({
        tenantId,
        action: 'CONFIG_CHANGE',
        outcome: 'FAILURE',
        reasonCode: 'ROLLOUT_INVALID',
        description: (err as Error).message.slice(0, 500),
        hashes: { rollout: hash, inForce: this.hash },
      });
      this.hash = hash;
      return false;
    }
    const changes = diff(this.config, next, tenantId);
    await audit.record({
      tenantId,
      action: 'CONFIG_CHANGE',
      outcome: 'SUCCESS',
      reasonCode: 'ROLLOUT_CHANGED',
      description: changes.length > 0 ? changes.join('; ') : 'no effective change',
      hashes: { rollout: hash, previous: this.hash },
    });
    this.config = next;
    this.hash = hash;
    logger.info({ changes: changes.length }, 'rollout switches reloaded');
    return true;
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function state(config: RolloutConfig, tenantId: string, useCase: (typeof USE_CASES)[number]): string {
  const r = rolloutFor(config, tenantId, useCase);
  if (!r.enabled) return 'off';
  return r.pilotGroups ? `pilot ${r.pilotGroups.join(',')}` : 'on';
}

/** `use_case on|off|pilot groups` for this tenant: ids and codes only. */
function describe(config: RolloutConfig, tenantId: string): string {
  return USE_CASES.map((u) => `${u} ${state(config, tenantId, u)}`).join('; ');
}

function diff(before: RolloutConfig, after: RolloutConfig, tenantId: string): string[] {
  const changes: string[] = [];
  for (const u of USE_CASES) {
    const was = state(before, tenantId, u);
    const now = state(after, tenantId, u);
    if (was !== now) changes.push(`${u}: ${was} -> ${now}`);
  }
  // Who is in a pilot group decides as much as the switch: membership changes are counted.
  const groups = new Set([...Object.keys(before.groups ?? {}), ...Object.keys(after.groups ?? {})]);
  for (const g of [...groups].sort()) {
    const was = [...(before.groups?.[g] ?? [])].sort().join(',');
    const now = [...(after.groups?.[g] ?? [])].sort().join(',');
    if (was !== now)
      changes.push(
        `group ${g}: ${before.groups?.[g]?.length ?? 0} -> ${after.groups?.[g]?.length ?? 0} members`,
      );
  }
  return changes;
}
