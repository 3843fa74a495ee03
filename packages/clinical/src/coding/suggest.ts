import { cptFor } from './cpt.js';
import { crisisNoteWarnings, timeWarnings } from './documentation.js';
import { checkDiagnoses } from './icd10.js';
import type { CodingInput, CodingSuggestion } from './types.js';

/**
 * Suggests CPT and ICD-10-CM codes for one signed, de-identified session note. Pure and
 * deterministic: the same input gives the same suggestion, every emitted code has a
 * rationale, and anything doubtful is a warning rather than an exception, since the
 * clinician reviews every suggestion before a claim is made.
 */
export function suggestCodes(input: CodingInput): CodingSuggestion {
  const cpt = cptFor(input.encounter);
  const icd = checkDiagnoses(input.diagnoses);
  return {
    cpt: cpt.cpt,
    icd10: icd.icd10,
    labels: icd.labels,
    warnings: [
      ...cpt.warnings,
      ...timeWarnings(input.encounter),
      ...crisisNoteWarnings(cpt.cpt, input.note),
      ...icd.warnings,
    ],
    rationale: [...cpt.rationale, ...icd.rationale],
  };
}
