/**
 * The notice every output derived from 42 CFR Part 2 data carries (§2.32, the 2024 rule's
 * short form), written into the draft's text and shown by the CLI.
 */
export const PART2_NOTICE = '42 CFR part 2 prohibits unauthorized use or disclosure of these records.';

/** The label written records derived from Part 2 data keep (v3-ActCode, meta.security). */
export const PART2_LABEL = '42CFRPart2';
