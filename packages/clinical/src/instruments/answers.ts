import { CareRelayError } from '@carerelay/errors';
import type { Coding, Quantity } from '@medplum/fhirtypes';
import { FREQUENCY_ANSWERS, LOINC_SYSTEM } from './definitions.js';
import { YES_NO_ANSWERS } from './cssrs.js';

/**
 * The value shapes an answer (QuestionnaireResponse.item.answer) or an Observation (value[x],
 * component.value[x]) can carry that CareRelay reads as a score. Text answers are never read: they
 * may hold what the client wrote, and a score is a number or a coded answer.
 */
export interface AnswerValue {
  readonly valueInteger?: number;
  readonly valueDecimal?: number;
  readonly valueBoolean?: boolean;
  readonly valueCoding?: Coding;
  readonly valueQuantity?: Quantity;
  readonly valueCodeableConcept?: { readonly coding?: readonly Coding[] };
}

const ANSWER_CODES: Readonly<Record<string, number>> = { ...FREQUENCY_ANSWERS, ...YES_NO_ANSWERS };

/**
 * The number an answer stands for, or undefined when it carries none of the shapes above.
 * Non-integer numbers are returned as they are; range checks belong to the instrument.
 */
export function answerNumber(value: AnswerValue, itemCode: string): number | undefined {
  if (typeof value.valueInteger === 'number') return value.valueInteger;
  if (typeof value.valueDecimal === 'number') return value.valueDecimal;
  if (typeof value.valueBoolean === 'boolean') return value.valueBoolean ? 1 : 0;
  if (typeof value.valueQuantity?.value === 'number') return value.valueQuantity.value;
  const codings = value.valueCoding ? [value.valueCoding] : (value.valueCodeableConcept?.coding ?? []);
  if (codings.length === 0) return undefined;
  for (const coding of codings) {
    if (coding.system !== undefined && coding.system !== LOINC_SYSTEM) continue;
    const n = coding.code === undefined ? undefined : ANSWER_CODES[coding.code];
    if (n !== undefined) return n;
  }
  // The answer code is a code, not the client's words, so naming it is safe and helps mapping.
  const codes = codings.map((c) => `${c.system ?? '(no system)'}|${c.code ?? '(no code)'}`).join(', ');
  throw new CareRelayError(
    'INSTRUMENT_ANSWER_UNRECOGNIZED',
    `item ${itemCode}: answer coding ${codes} is not a known LOINC answer code (LA6568-5…LA6571-9 = 0–3, LA33-6 yes, LA32-8 no)`,
    { httpStatus: 422, details: { itemCode } },
  );
}

/** Rejects a value outside [min, max] or not an integer, naming the code and the range only. */
export function checkRange(label: string, code: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new CareRelayError(
      'INSTRUMENT_ANSWER_OUT_OF_RANGE',
      `${label} ${code}: value ${value} is outside the allowed range ${min}–${max} (whole numbers)`,
      { httpStatus: 422, details: { code, min, max } },
    );
  }
  return value;
}
