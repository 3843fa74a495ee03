import type { AuditTrail } from '@carerelay/audit';
import type { Delivery } from '@carerelay/bus';
import { keyedHash, openEnvelope, type KeyProvider } from '@carerelay/crypto';
import { CareRelayError, toCareRelayError } from '@carerelay/errors';
import { PayloadCodec, taskContextPayload, type AiRequest, type AiTask } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import { deidentifyContext, issuedTokensOf, knownFingerprintValues, type TokenVault } from '@carerelay/phi';
import { applyMinimumNecessary, PART2_LABEL } from '@carerelay/policy';
import { scanDeidentified } from './outbound-scan.js';

export interface DeidentifyDeps {
  readonly keys: KeyProvider;
  readonly vault: TokenVault;
  readonly audit: AuditTrail;
  readonly logger: Logger;
  readonly publish: (request: AiRequest) => Promise<void>;
  readonly vaultTtlSeconds: number;
  readonly dateShift: boolean;
}

const contextCodec = new PayloadCodec(taskContextPayload);

/** Per-client offset in [-180, -1] ∪ [1, 180] days, stable for a client, unguessable without the key. */
async function dateShiftDays(keys: KeyProvider, tenantId: string, clientId: string): Promise<number> {
  const digest = Buffer.from(keyedHash(await keys.deriveKey(tenantId, 'date-shift'), clientId), 'base64url');
  const n = digest.readUInt32BE(0) % 360;
  return n < 180 ? -(n + 1) : n - 179;
}

async function keyStep<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (cause) {
    const error = toCareRelayError(cause);
    // Final: tampered, wrong tenant, or sealed by a key that has since been retired.
    if (['CRYPTO_DECRYPT_FAILED', 'CRYPTO_UNWRAP_FAILED', 'CRYPTO_KEY_RETIRED'].includes(error.code))
      throw error;
    throw new CareRelayError('DEID_KEY_UNAVAILABLE', 'key provider failed', { retryable: true, cause });
  }
}

/**
 * ai.task.v1 → ai.request.v1. Decrypts the context, keeps the use case's
 * minimum-necessary fields, de-identifies, scans the result (fail closed),
 * writes the token vault, then publishes. Nothing is published unless the vault
 * write succeeded: a request whose tokens cannot be resolved must not exist.
 */
export async function deidentifyTask(delivery: Delivery<AiTask>, deps: DeidentifyDeps): Promise<void> {
  const task = delivery.value;
  const base = {
    tenantId: task.tenantId,
    taskId: task.taskId,
    clientId: task.clientId,
    purposeOfUse: task.purposeOfUse,
    useCase: task.useCase,
  };
  const part2 = task.securityLabels.includes(PART2_LABEL);
  try {
    const plaintext = await keyStep(() =>
      openEnvelope(task.context, {
        tenantId: task.tenantId,
        aad: `${task.tenantId}:${task.taskId}`,
        keys: deps.keys,
      }),
    );
    // The read's window is the task's (when the connector read the EHR), not this retry's.
    const context = applyMinimumNecessary(
      contextCodec.decode(plaintext),
      task.useCase,
      new Date(task.createdAt),
    );
    const shift = deps.dateShift
      ? await keyStep(() => dateShiftDays(deps.keys, task.tenantId, task.clientId))
      : null;
    const deid = deidentifyContext(context, { dateShiftDays: shift });
    const deidentifiedContext = JSON.stringify(deid.context);

    const scan = scanDeidentified(task.useCase, deid);
    if (scan.blocked) {
      await deps.audit.record({
        ...base,
        action: 'LEAK_BLOCKED',
        outcome: 'BLOCKED',
        part2,
        reasonCode: 'DEID_LEAK_BLOCKED',
        counts: Object.fromEntries(
          scan.findings.map((f) => [f.type, scan.findings.filter((x) => x.type === f.type).length]),
        ),
      });
      throw new CareRelayError(
        'DEID_LEAK_BLOCKED',
        `identifiers remained after de-identification (${scan.findings.length})`,
        {
          retryable: false,
        },
      );
    }

    const vaultKey = await deps.vault.put(
      {
        tenantId: task.tenantId,
        taskId: task.taskId,
        clientId: task.clientId,
        tokens: deid.tokens,
        dateShiftDays: shift,
        createdAt: Date.now(),
        sourceRefs: task.sourceRefs,
      },
      deps.vaultTtlSeconds,
    );
    const [pseudonymKey, fingerprintKey] = await keyStep(() =>
      Promise.all([
        deps.keys.deriveKey(task.tenantId, 'pseudonym'),
        deps.keys.deriveKey(task.tenantId, 'fingerprint'),
      ]),
    );
    const subjectRef = keyedHash(pseudonymKey, task.clientId);
    await deps.publish({
      taskId: task.taskId,
      tenantId: task.tenantId,
      subjectRef,
      useCase: task.useCase,
      purposeOfUse: task.purposeOfUse,
      deidentifiedContext,
      vaultKey,
      deidCounts: deid.counts,
      dateShifted: shift !== null,
      securityLabels: task.securityLabels,
      // The consent a Part 2 disclosure rests on travels to writeback, which names it in the accounting.
      consentRef: task.consentRef,
      createdAt: Date.now(),
      knownFingerprints: knownFingerprintValues(deid.known).map((v) => keyedHash(fingerprintKey, v)),
      issuedTokens: issuedTokensOf(deid),
    });
    await deps.audit.record({ ...base, action: 'DEID', outcome: 'SUCCESS', part2, counts: deid.counts });
    deps.logger.info(
      { taskId: task.taskId, replaced: Object.values(deid.counts).reduce((a, b) => a + b, 0) },
      'task de-identified',
    );
  } catch (err) {
    const error = toCareRelayError(err);
    if (error.retryable) {
      // Fail closed and say so: nothing was published; the bus retries, then dead-letters.
      await deps.audit.record({
        ...base,
        action: 'DEPENDENCY_UNAVAILABLE',
        outcome: 'FAILURE',
        part2,
        reasonCode: error.code,
        counts: { attempt: delivery.attempt },
      });
    }
    throw error;
  }
}
