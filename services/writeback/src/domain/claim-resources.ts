import type { CodingSuggestion } from '@carerelay/events';
import type { VaultEntry } from '@carerelay/phi';
import {
  AI_LABEL_EXTENSION,
  AI_LABEL_SYSTEM,
  RULE_SET_SYSTEM,
  TASK_IDENTIFIER_SYSTEM,
  unresolvedExtensions,
  writebackProvenance,
  type Claim,
  type Provenance,
} from './fhir-resources.js';
import { TokenResolver } from './token-resolver.js';
import { PART2_NOTICE, part2Security } from './part2.js';

export const CPT_SYSTEM = 'http://www.ama-assn.org/go/cpt';
export const ICD10CM_SYSTEM = 'http://hl7.org/fhir/sid/icd-10-cm';
export const CONFIDENCE_EXTENSION = 'urn:carerelay:fhir:extension:suggestion-confidence';
/** Provider, insurer and coverage are the biller's to choose: display-only references. */
export const TO_BE_DETERMINED = 'To be determined by the biller';
export const CODING_LABEL =
  'AI-Assisted coding suggestion: a draft for biller review, never submitted by CareRelay.';
/** The §2.32 notice on a Claim derived from 42 CFR Part 2 data, next to the AI label. */
export const DISCLOSURE_NOTICE_EXTENSION = 'urn:carerelay:fhir:extension:disclosure-notice';

const INFO_CATEGORY = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/claiminformationcategory',
      code: 'info',
      display: 'Information',
    },
  ],
};

type SuggestedCode = CodingSuggestion['codes'][number];

export interface ReidentifiedSuggestion {
  /** Per code, in the suggestion's order. */
  readonly rationales: readonly string[];
  readonly warnings: readonly string[];
  readonly unresolved: readonly string[];
  readonly replaced: number;
}

/** Rationales and warnings should carry no PHI, but any token in them is resolved inside the boundary. */
export function reidentifySuggestion(
  suggestion: CodingSuggestion,
  entry: VaultEntry,
): ReidentifiedSuggestion {
  const tokens = new TokenResolver(entry);
  const resolve = tokens.resolve;
  return {
    rationales: suggestion.codes.map((c) => resolve(c.rationale)),
    warnings: suggestion.warnings.map(resolve),
    unresolved: tokens.unresolved,
    replaced: tokens.replaced,
  };
}

/** "+90785" and "90785" are the same CPT code; add-on status is a flag, not part of the code. */
const cptCode = (code: string): string => code.trim().replace(/^\+/, '');

const concept = (system: string, c: SuggestedCode) => ({
  coding: [{ system, code: system === CPT_SYSTEM ? cptCode(c.code) : c.code.trim(), display: c.display }],
  text: c.display,
});

const confidence = (c: SuggestedCode) => [{ url: CONFIDENCE_EXTENSION, valueDecimal: c.confidence }];

export interface ClaimInput {
  readonly suggestion: CodingSuggestion;
  readonly clientId: string;
  readonly text: ReidentifiedSuggestion;
  /** Derived from 42 CFR Part 2 data: the Claim keeps the label and carries the notice. */
  readonly part2: boolean;
}

/**
 * A draft professional Claim: one item per CPT code, one diagnosis per ICD-10-CM
 * code (DOMAIN.md FHIR mapping: billing codes → Claim, suggestion only). Each
 * code's rationale, the documented minutes and every warning go to supportingInfo.
 */
export function codingClaim({ suggestion, clientId, text, part2 }: ClaimInput): Claim {
  const supportingInfo: NonNullable<Claim['supportingInfo']> = [];
  const info = (entry: Omit<(typeof supportingInfo)[number], 'sequence' | 'category'>): number => {
    supportingInfo.push({ sequence: supportingInfo.length + 1, category: INFO_CATEGORY, ...entry });
    return supportingInfo.length;
  };
  const indexed = suggestion.codes.map((code, i) => ({ code, rationale: text.rationales[i] ?? '' }));
  const diagnoses = indexed.filter((c) => c.code.system === 'ICD10CM');
  const procedures = indexed.filter((c) => c.code.system === 'CPT');

  const diagnosis = diagnoses.map(({ code, rationale }, i) => {
    info({ code: { text: `Rationale for ICD-10-CM ${code.code}` }, valueString: rationale });
    return {
      sequence: i + 1,
      extension: confidence(code),
      diagnosisCodeableConcept: concept(ICD10CM_SYSTEM, code),
    };
  });
  const diagnosisSequence = diagnosis.map((d) => d.sequence);
  const item = procedures.map(({ code, rationale }, i) => {
    const addOn = code.addOn ? ' (add-on code)' : '';
    const seq = info({
      code: { text: `Rationale for CPT ${cptCode(code.code)}${addOn}` },
      valueString: rationale,
    });
    return {
      sequence: i + 1,
      extension: confidence(code),
      productOrService: concept(CPT_SYSTEM, code),
      ...(diagnosisSequence.length > 0 ? { diagnosisSequence } : {}),
      informationSequence: [seq],
    };
  });
  if (suggestion.psychotherapyMinutes !== null) {
    info({
      code: { text: 'Documented face-to-face psychotherapy minutes' },
      valueQuantity: {
        value: suggestion.psychotherapyMinutes,
        unit: 'min',
        system: 'http://unitsofmeasure.org',
        code: 'min',
      },
    });
  }
  for (const warning of text.warnings)
    info({ code: { text: 'Coding compliance warning' }, valueString: warning });

  const tbd = { display: TO_BE_DETERMINED };
  return {
    resourceType: 'Claim',
    meta: {
      tag: [
        { system: AI_LABEL_SYSTEM, code: 'AI-ASSISTED', display: 'AI-Assisted' },
        { system: AI_LABEL_SYSTEM, code: 'NOT-SUBMITTED', display: 'Suggestion: never submitted' },
      ],
      ...part2Security(part2),
    },
    extension: [
      { url: AI_LABEL_EXTENSION, valueString: CODING_LABEL },
      ...(part2 ? [{ url: DISCLOSURE_NOTICE_EXTENSION, valueString: PART2_NOTICE }] : []),
      ...unresolvedExtensions(text.unresolved),
    ],
    identifier: [{ system: TASK_IDENTIFIER_SYSTEM, value: suggestion.taskId }],
    status: 'draft',
    type: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/claim-type',
          code: 'professional',
          display: 'Professional',
        },
      ],
    },
    use: 'claim',
    patient: { reference: `Patient/${clientId}` },
    created: new Date(suggestion.createdAt).toISOString(),
    insurer: tbd,
    provider: tbd,
    priority: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/processpriority', code: 'normal' }],
    },
    // FHIR JSON has no empty arrays: a suggestion without diagnoses omits the element.
    ...(supportingInfo.length > 0 ? { supportingInfo } : {}),
    ...(diagnosis.length > 0 ? { diagnosis } : {}),
    insurance: [{ sequence: 1, focal: true, coverage: tbd }],
    ...(item.length > 0 ? { item } : {}),
  };
}

/** Agent = the coding rule engine at its version; the rule set is what the suggestion derives from. */
export function codingProvenance(suggestion: CodingSuggestion, claimRef: string, now: number): Provenance {
  return writebackProvenance({
    tag: { system: TASK_IDENTIFIER_SYSTEM, code: suggestion.taskId },
    targets: [claimRef],
    agent: `CareRelay coding rules ${suggestion.ruleVersion}`,
    entity: {
      system: RULE_SET_SYSTEM,
      value: `coding@${suggestion.ruleVersion}`,
      display: `coding rule set ${suggestion.ruleVersion}`,
    },
    now,
  });
}
