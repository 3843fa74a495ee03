import { ACT_CODE_SYSTEM, PART2_LABEL, PART2_NOTICE } from '@carerelay/policy';

/**
 * 42 CFR Part 2 on what writeback writes. The planner decided the data are Part 2 and which
 * consent the disclosure rests on; the events carry that (`securityLabels`, `consentRef`) and
 * here it becomes what the EHR and the accounting of disclosures keep: the label on the record
 * (so the EHR goes on enforcing the limits), the §2.32 notice a reader sees, and the consent's id.
 */

export { PART2_NOTICE };

/** The v3-ActCode privacy-law label records derived from Part 2 data keep in `meta.security`. */
export const PART2_SECURITY = {
  system: ACT_CODE_SYSTEM,
  code: PART2_LABEL,
  display: '42 CFR Part2',
} as const;

/** Whether an event's data are 42 CFR Part 2 (the planner's label, carried from the task). */
export const isPart2 = (securityLabels: readonly string[]): boolean => securityLabels.includes(PART2_LABEL);

/** `meta.security` of a record derived from Part 2 data; nothing for any other record. */
export const part2Security = (part2: boolean): { security: Array<typeof PART2_SECURITY> } | undefined =>
  part2 ? { security: [{ ...PART2_SECURITY }] } : undefined;

/**
 * The end of a disclosure's description: the accounting of disclosures (§2.25) lists the
 * description, and that is where the consent a Part 2 disclosure rests on is named.
 */
export const underConsent = (consentRef: string | null): string =>
  consentRef ? ` under consent ${consentRef}` : '';
