import { describe, expect, it } from 'vitest';
import { extractIntake } from './extract.js';
import type { IntakeAnswerInput, SocialField } from './types.js';

const LOINC = 'http://loinc.org';
const MARITAL = 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus';
const OWN = 'urn:carerelay:intake-category';

const factsOf = (answers: IntakeAnswerInput[]) => extractIntake(answers).socialFacts;
const one = (question: string, answer: string, extra: Partial<IntakeAnswerInput> = {}) =>
  factsOf([{ question, answer, ...extra }]);

/** [question, answer, field, LOINC code of the fact, value system|code or null]. */
const CASES: readonly (readonly [string, string, SocialField, string, string | null])[] = [
  // Marital status, in several wordings; v3 MaritalStatus codes.
  ['Marital status', 'Married', 'marital_status', '45404-1', `${MARITAL}|M`],
  ['What is your marital status?', 'Divorced', 'marital_status', '45404-1', `${MARITAL}|D`],
  ['MARITAL STATUS:', 'single, never married', 'marital_status', '45404-1', `${MARITAL}|S`],
  ['Relationship status', 'Widowed (2019)', 'marital_status', '45404-1', `${MARITAL}|W`],
  ['Current relationship status', 'Married but separated', 'marital_status', '45404-1', `${MARITAL}|L`],
  ['Marital status', 'living with my partner', 'marital_status', '45404-1', `${MARITAL}|T`],
  ['Marital status', 'Never been married', 'marital_status', '45404-1', `${MARITAL}|S`],
  ['Are you currently married?', 'No', 'marital_status', '45404-1', `${MARITAL}|U`],
  ['Are you married?', 'yes', 'marital_status', '45404-1', `${MARITAL}|M`],
  ['Marital status', "it's complicated", 'marital_status', '45404-1', null],
  // Employment.
  ['Employment status', 'Full-time', 'employment', '67875-5', `${OWN}|employed-full-time`],
  ['Are you currently employed?', 'no', 'employment', '67875-5', `${OWN}|unemployed`],
  ['Are you currently working?', 'Yes', 'employment', '67875-5', `${OWN}|employed`],
  ['Occupation', 'Unemployed since March, looking for work', 'employment', '67875-5', `${OWN}|unemployed`],
  [
    'Employment',
    'employed part time at [ORGANIZATION_1]',
    'employment',
    '67875-5',
    `${OWN}|employed-part-time`,
  ],
  ['Work status', 'Retired teacher', 'employment', '67875-5', `${OWN}|retired`],
  ['Employment status', 'On disability (SSDI)', 'employment', '67875-5', `${OWN}|disabled`],
  ['Occupation', 'nurse', 'employment', '67875-5', null],
  // Living situation.
  ['Who do you live with?', 'Alone', 'living_situation', '71802-3', `${OWN}|alone`],
  [
    'Current living situation',
    'With my husband and our kids',
    'living_situation',
    '71802-3',
    `${OWN}|with-partner`,
  ],
  ['Living arrangements', 'my mom and grandma', 'living_situation', '71802-3', `${OWN}|with-family`],
  ['Housing status', 'staying at a shelter right now', 'living_situation', '71802-3', `${OWN}|unhoused`],
  ['Who lives with you?', '2 roommates', 'living_situation', '71802-3', `${OWN}|with-others`],
  ['Do you live alone?', 'yes', 'living_situation', '71802-3', `${OWN}|alone`],
  // Education.
  [
    'Highest level of education completed',
    'Some college, no degree',
    'education',
    '82589-3',
    `${OWN}|some-college`,
  ],
  ['Education', "Bachelor's in accounting", 'education', '82589-3', `${OWN}|bachelors`],
  ['Highest grade completed', '10th grade', 'education', '82589-3', `${OWN}|less-than-high-school`],
  ['Educational background', 'GED', 'education', '82589-3', `${OWN}|high-school`],
  ['Education', "I'm a high school graduate", 'education', '82589-3', `${OWN}|high-school`],
  ['Highest degree', 'M.A. in counseling', 'education', '82589-3', `${OWN}|masters`],
  // Pronouns: one set gets its LOINC answer, anything else stays as written.
  ['Pronouns', 'she/her', 'pronouns', '90778-2', `${LOINC}|LA29519-8`],
  ['What pronouns do you use?', 'He/Him', 'pronouns', '90778-2', `${LOINC}|LA29518-0`],
  ['Preferred pronouns', 'they/them', 'pronouns', '90778-2', `${LOINC}|LA29520-6`],
  ['Pronouns', 'she/they', 'pronouns', '90778-2', null],
];

describe('social facts from intake answers', () => {
  it.each(CASES)('%s — %s → %s', (question, answer, field, code, value) => {
    const facts = one(question, answer);
    expect(facts).toHaveLength(1);
    const fact = facts[0]!;
    expect(fact.field).toBe(field);
    expect(`${fact.code.system}|${fact.code.code}`).toBe(`${LOINC}|${code}`);
    expect(fact.answer).toBe(answer);
    expect(fact.question).toBe(question);
    expect(fact.value ? `${fact.value.system}|${fact.value.code}` : null).toBe(value);
  });

  it('recognizes a fact by its LOINC item code or linkId, whatever the wording', () => {
    expect(one('Q7', 'Married', { code: '45404-1' })[0]?.field).toBe('marital_status');
    expect(one('Q8', 'Full time', { linkId: '/93041-2/67875-5' })[0]?.field).toBe('employment');
    expect(one('Please tell us', 'they/them', { linkId: 'pronouns' })[0]?.field).toBe('pronouns');
  });

  it('keeps no identifier and no question that only mentions a field', () => {
    const facts = factsOf([
      { question: 'Full name', answer: '[CLIENT]' },
      { question: 'Address', answer: '[LOCATION_1]' },
      { question: 'Date of birth', answer: '[DATE_1]' },
      { question: 'Employer name', answer: '[ORGANIZATION_1]' },
      { question: 'Any special education services as a child?', answer: 'yes' },
      { question: 'Are you worried about losing your housing?', answer: 'no' },
      { question: 'Marital status', answer: 'prefer not to say' },
    ]);
    expect(facts).toEqual([]);
  });

  it('takes the first answer of a field asked twice, and lists facts in a fixed order', () => {
    const facts = factsOf([
      { question: 'Pronouns', answer: 'he/him' },
      { question: 'Marital status', answer: 'Married' },
      { question: 'Are you married?', answer: 'no' },
    ]);
    expect(facts.map((f) => [f.field, f.value?.code])).toEqual([
      ['marital_status', 'M'],
      ['pronouns', 'LA29518-0'],
    ]);
  });
});
