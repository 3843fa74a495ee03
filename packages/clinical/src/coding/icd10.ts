import { isSudIcd10, PART2_LABEL } from '@carerelay/policy';
import type { CodingRationale, CodingWarning } from './types.js';

/**
 * ICD-10-CM shape: a letter, two digits, then optionally up to four more characters
 * (letters or digits) after a dot. Only the shape is checked, not the code set.
 */
const ICD10_SHAPE = /^([A-Z]\d{2})(?:\.?([A-Z0-9]{1,4}))?$/;

/** "f32.1", "F321" → "F32.1"; undefined when the text is not shaped like a code. */
export function normalizeIcd10(raw: string): string | undefined {
  const match = ICD10_SHAPE.exec(raw.trim().toUpperCase());
  if (match === null) return undefined;
  const [, category, rest] = match;
  return rest === undefined ? category : `${category}.${rest}`;
}

/** Part 2 is the policy's to recognize (F10–F16, F18, F19; never F17): one rule, asked here. */
export const isPart2Diagnosis = isSudIcd10;

export interface Icd10Findings {
  icd10: string[];
  labels: string[];
  warnings: CodingWarning[];
  rationale: CodingRationale[];
}

/** Validates and normalizes the diagnoses; the primary is the first valid one. */
export function checkDiagnoses(diagnoses: readonly string[]): Icd10Findings {
  const found: Icd10Findings = { icd10: [], labels: [], warnings: [], rationale: [] };
  for (const raw of diagnoses) {
    const code = normalizeIcd10(raw);
    if (code === undefined) {
      found.warnings.push({
        code: 'ICD10_INVALID_FORMAT',
        message: `${JSON.stringify(raw.slice(0, 16))} is not an ICD-10-CM code (letter, 2 digits, optional dot and up to 4 characters): dropped`,
      });
      continue;
    }
    if (found.icd10.includes(code)) {
      found.warnings.push({
        code: 'ICD10_DUPLICATE',
        message: `${code} is listed more than once: kept once`,
      });
      continue;
    }
    const primary = found.icd10.length === 0;
    found.icd10.push(code);
    const part2 = isPart2Diagnosis(code);
    if (part2 && !found.labels.includes(PART2_LABEL)) found.labels.push(PART2_LABEL);
    found.rationale.push({
      code,
      reason: `${primary ? 'primary' : 'secondary'} diagnosis, valid ICD-10-CM format${
        part2 ? '; substance use disorder (F10–F19 except F17): 42 CFR Part 2 label' : ''
      }`,
    });
  }
  const [primary] = found.icd10;
  if (primary === undefined) {
    found.warnings.push({
      code: 'ICD10_MISSING',
      message: 'no valid ICD-10-CM diagnosis: a claim needs one',
    });
  } else if (found.icd10.every((c) => c.startsWith('Z'))) {
    found.warnings.push({
      code: 'ICD10_Z_CODE_ONLY',
      message:
        'only Z codes are listed: Z codes are secondary; a mental or behavioral (F) diagnosis should be primary',
    });
  } else if (!primary.startsWith('F')) {
    found.warnings.push({
      code: 'ICD10_PRIMARY_NOT_F',
      message: `primary diagnosis ${primary} is not a mental or behavioral (F01–F99) code`,
    });
  }
  return found;
}
