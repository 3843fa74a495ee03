import type { AuditTrail } from '@carerelay/audit';
import type { Delivery } from '@carerelay/bus';
import { suggestCodes, type CodingInput } from '@carerelay/clinical';
import type { AiRequest, CodingSuggestion, DeidentifiedContext } from '@carerelay/events';
import type { Logger } from '@carerelay/logger';
import { isProducedBy, PART2_LABEL } from '@carerelay/policy';

/** Version of the rule set, recorded on every suggestion and its Provenance. */
export const RULE_VERSION = 'carerelay-coding-rules@1';

export interface CoderDeps {
  readonly audit: AuditTrail;
  readonly logger: Logger;
  readonly publish: (suggestion: CodingSuggestion) => Promise<void>;
  readonly now?: () => number;
}

/** The session as the rules engine reads it, from the de-identified encounter (no text needed). */
export function codingInputOf(context: DeidentifiedContext): CodingInput {
  const encounter = context.encounter;
  const serviceType = encounter?.serviceType ?? 'individual';
  const service: CodingInput['encounter']['service'] =
    serviceType === 'intake'
      ? 'diagnostic_evaluation'
      : serviceType === 'family'
        ? encounter?.clientPresent === false
          ? 'family_without_client'
          : 'family_with_client'
        : serviceType === 'group'
          ? 'group'
          : serviceType === 'crisis'
            ? 'crisis'
            : 'psychotherapy';
  return {
    encounter: {
      service,
      psychotherapyMinutes: encounter?.durationMinutes ?? 0,
      emVisit: encounter?.withMedicalEvaluation ?? false,
      // Not recorded in the EHR's structured data: the clinician adds 90785 when it applies.
      interactiveComplexity: false,
      medicalServices: service === 'diagnostic_evaluation' && (encounter?.withMedicalEvaluation ?? false),
    },
    diagnoses: context.diagnoses.map((d) => d.code),
    ...(context.sessionNotes ? { note: context.sessionNotes } : {}),
  };
}

/**
 * ai.request.v1 (the `coding` use case, de-identified) → coding.suggestion.v1: the
 * deterministic rules of packages/clinical, a rationale per code, no model. Other use cases
 * are another producer's (the llm-worker's, the risk-scanner's) and are skipped here.
 */
export async function suggestForRequest(delivery: Delivery<AiRequest>, deps: CoderDeps): Promise<void> {
  const request = delivery.value;
  if (!isProducedBy(request.useCase, 'coder')) return;
  const context = JSON.parse(request.deidentifiedContext) as DeidentifiedContext;
  const input = codingInputOf(context);
  const result = suggestCodes(input);
  const rationale = (code: string): string =>
    result.rationale.find((r) => r.code === code)?.reason ?? 'rule applied';
  const labels = [...new Set([...request.securityLabels, ...result.labels])].sort();
  const suggestion: CodingSuggestion = {
    taskId: request.taskId,
    tenantId: request.tenantId,
    subjectRef: request.subjectRef,
    codes: [
      ...result.cpt.map((code) => ({
        system: 'CPT' as const,
        code,
        display: code,
        addOn: ADD_ON_CODES.has(code),
        rationale: rationale(code),
        confidence: 1,
      })),
      ...result.icd10.map((code) => ({
        system: 'ICD10CM' as const,
        code,
        display: context.diagnoses.find((d) => d.code === code)?.display ?? code,
        addOn: false,
        rationale: rationale(code),
        confidence: 1,
      })),
    ],
    psychotherapyMinutes: input.encounter.psychotherapyMinutes,
    warnings: result.warnings.map((w) => `${w.code}: ${w.message}`),
    ruleVersion: RULE_VERSION,
    createdAt: (deps.now ?? Date.now)(),
    securityLabels: labels,
    consentRef: request.consentRef,
  };
  await deps.publish(suggestion);
  await deps.audit.record({
    tenantId: request.tenantId,
    taskId: request.taskId,
    useCase: request.useCase,
    action: 'OTHER',
    outcome: 'SUCCESS',
    reasonCode: 'CODING_RULES_APPLIED',
    templateVersion: RULE_VERSION,
    part2: labels.includes(PART2_LABEL),
    counts: { cpt: result.cpt.length, icd10cm: result.icd10.length, warnings: result.warnings.length },
  });
  deps.logger.info(
    { taskId: request.taskId, cpt: result.cpt.length, warnings: result.warnings.length },
    'coding suggested',
  );
}

/** CPT add-on codes (written without the plus sign). */
const ADD_ON_CODES = new Set(['90785', '90833', '90836', '90838', '90840']);
