import { LOINC_SYSTEM } from '../instruments/definitions.js';
import { isNegative, isNonAnswer, itemCodeOf, normalize, questionText } from './text.js';
import type { IntakeAnswerInput, IntakeCoding, IntakeSocialFact, SocialField } from './types.js';

/**
 * Social and demographic facts of an intake form, each recorded under the LOINC code US Core
 * and PRAPARE use for it: 45404-1 Marital status, 67875-5 Employment status current,
 * 71802-3 Housing status, 82589-3 Highest level of education, 90778-2 Personal pronouns –
 * Reported. Names, addresses, dates of birth and contacts are identifiers, never facts here.
 *
 * A question is recognized by its item's LOINC code, or by its wording or linkId; the answer
 * is kept as written, and mapped to a category only where the words are unambiguous. Answer
 * codes are given only where the code system is certain (HL7 v3 MaritalStatus, the LOINC
 * pronoun answers LA29518-0/LA29519-8/LA29520-6); other categories are CareRelay's own codes.
 */

export const INTAKE_CATEGORY_SYSTEM = 'urn:carerelay:intake-category';
const MARITAL_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-MaritalStatus';

interface Category {
  readonly pattern: RegExp;
  readonly value: IntakeCoding;
}

interface SocialDefinition {
  readonly field: SocialField;
  readonly code: IntakeCoding;
  /** Other LOINC codes the same fact is asked under. */
  readonly alsoCodes?: readonly string[];
  /** Matched against the normalized question (and linkId words). */
  readonly question: RegExp;
  /** First match wins: more specific categories first. */
  readonly categories: readonly Category[];
  /** A yes/no question of this field ("Are you married?") and what yes and no then mean. */
  readonly yesNo?: {
    readonly question: RegExp;
    readonly yes: IntakeCoding | null;
    readonly no: IntakeCoding | null;
  };
}

const loinc = (code: string, display: string): IntakeCoding => ({ system: LOINC_SYSTEM, code, display });
const own = (code: string, display: string): IntakeCoding => ({
  system: INTAKE_CATEGORY_SYSTEM,
  code,
  display,
});
const marital = (code: string, display: string): IntakeCoding => ({ system: MARITAL_SYSTEM, code, display });

/** "married" that is not "unmarried", "never married" or "not married". */
const MARRIED = /(?<!un)(?<!never )(?<!not )(?<!never been )\bmarried\b/;

export const SOCIAL_DEFINITIONS: readonly SocialDefinition[] = [
  {
    field: 'marital_status',
    code: loinc('45404-1', 'Marital status'),
    alsoCodes: ['63503-7'],
    question: /\bmarital\b|\brelationship status\b|\bcivil status\b|\bare you (?:currently )?married\b/,
    categories: [
      { pattern: /\bdivorc/, value: marital('D', 'Divorced') },
      { pattern: /\bwidow/, value: marital('W', 'Widowed') },
      { pattern: /\bseparated\b/, value: marital('L', 'Legally Separated') },
      {
        pattern:
          /\bdomestic partner|\bcommon[- ]law\b|\bcivil union\b|\bpartnered\b|\bcohabit|\bliving with (?:my |a )?partner\b/,
        value: marital('T', 'Domestic partner'),
      },
      { pattern: /\bnever (?:been )?married\b|^single\b|\bsingle$/, value: marital('S', 'Never Married') },
      { pattern: /\bunmarried\b|\bnot married\b/, value: marital('U', 'unmarried') },
      { pattern: MARRIED, value: marital('M', 'Married') },
    ],
    yesNo: {
      question: /\bare you (?:currently )?married\b/,
      yes: marital('M', 'Married'),
      no: marital('U', 'unmarried'),
    },
  },
  {
    field: 'employment',
    code: loinc('67875-5', 'Employment status current'),
    question:
      /\bemployment\b|\bemployed\b|\boccupation\b|\bwork (?:status|situation)\b|\bdo you (?:currently )?work\b|\bare you (?:currently )?working\b|\bjob status\b/,
    categories: [
      {
        pattern:
          /\bunemployed\b|\bnot (?:currently )?(?:employed|working)\b|\blaid off\b|\bbetween jobs\b|\blooking for (?:work|a job)\b|\bno job\b|\bout of work\b/,
        value: own('unemployed', 'Unemployed'),
      },
      {
        pattern: /\bdisab|\bunable to work\b|\bssdi\b|\bcan't work\b/,
        value: own('disabled', 'Unable to work (disability)'),
      },
      { pattern: /\bretired\b/, value: own('retired', 'Retired') },
      {
        pattern: /\bself[- ]employed\b|\bown (?:my own )?business\b|\bfreelanc/,
        value: own('self-employed', 'Self-employed'),
      },
      {
        pattern: /\bpart[- ]?time\b|^pt\b|\bpt$/,
        value: own('employed-part-time', 'Employed part-time'),
      },
      {
        pattern: /\bfull[- ]?time\b|^ft\b|\bft$/,
        value: own('employed-full-time', 'Employed full-time'),
      },
      { pattern: /\bstudent\b|\bin school\b/, value: own('student', 'Student') },
      {
        pattern: /\bhomemaker\b|\bstay[- ]at[- ]home\b|\bhousewife\b|\bhousehusband\b/,
        value: own('homemaker', 'Homemaker'),
      },
      { pattern: /(?<!un)\bemployed\b|^working\b/, value: own('employed', 'Employed') },
    ],
    yesNo: {
      question: /\b(?:are|do) you (?:currently )?(?:employed|working|work|have a job)\b/,
      yes: own('employed', 'Employed'),
      no: own('unemployed', 'Unemployed'),
    },
  },
  {
    field: 'living_situation',
    code: loinc('71802-3', 'Housing status'),
    question:
      /\bliving (?:situation|arrangements?)\b|\bhousing (?:status|situation)\b|^housing$|\bwho do you live with\b|\bwho lives with you\b|\bdo you live alone\b/,
    categories: [
      {
        pattern:
          /\bhomeless\b|\bunhoused\b|\bshelter\b|\bon the street|\bin (?:my|a) car\b|\bcouch[- ]?surf|\bno (?:housing|home|place)\b|\bstaying with (?:friends|others|different people)\b/,
        value: own('unhoused', 'Without stable housing'),
      },
      {
        pattern:
          /\bgroup home\b|\bsober living\b|\bhalfway house\b|\bassisted living\b|\bresidential\b|\bnursing home\b/,
        value: own('group-setting', 'Group or supervised living'),
      },
      {
        pattern: /\balone\b|\bby myself\b|^myself$|^self$|^nobody\b|^no one\b|^none$/,
        value: own('alone', 'Lives alone'),
      },
      {
        pattern: /\b(?:partner|spouse|husband|wife|boyfriend|girlfriend|fianc[eé]+)\b/,
        value: own('with-partner', 'Lives with partner or spouse'),
      },
      {
        pattern:
          /\b(?:parents?|mom|mum|mother|dad|father|family|children|kids|son|daughter|grandparents?|grandma|grandmother|grandpa|grandfather|siblings?|brothers?|sisters?|aunt|uncle)\b/,
        value: own('with-family', 'Lives with family'),
      },
      {
        pattern: /\broommates?\b|\bhousemates?\b|\bfriends?\b/,
        value: own('with-others', 'Lives with roommates or friends'),
      },
    ],
    yesNo: { question: /\bdo you live alone\b/, yes: own('alone', 'Lives alone'), no: null },
  },
  {
    field: 'education',
    code: loinc('82589-3', 'Highest level of education'),
    question:
      /\bhighest (?:level of )?(?:education|grade|degree|school)|\beducation(?:al)?\b|\blast grade (?:completed|finished)\b|\byears of (?:school|education)\b/,
    categories: [
      {
        pattern:
          /\bdoctor|(?:^|\s)(?:phd|ph d|psyd|psy d|md|m d|jd|j d|edd|ed d|pharmd|dds|dmd)(?:$|\s)|\bprofessional degree\b/,
        value: own('doctorate', 'Doctoral or professional degree'),
      },
      {
        pattern: /\bmaster|(?:^|\s)(?:ma|m a|ms|m s|msw|mba|med|m ed|msn)(?:$|\s)|\bgraduate degree\b/,
        value: own('masters', "Master's degree"),
      },
      {
        pattern:
          /\bbachelor|(?:^|\s)(?:ba|b a|bs|b s|bsn)(?:$|\s)|\bcollege (?:degree|graduate|grad)\b|\b4[- ]year degree\b/,
        value: own('bachelors', "Bachelor's degree"),
      },
      { pattern: /\bassociate|\b2[- ]year degree\b/, value: own('associate', "Associate's degree") },
      {
        pattern:
          /\bsome college\b|\bcollege,? (?:no|without|did not finish|didn't finish)|\bsome university\b/,
        value: own('some-college', 'Some college, no degree'),
      },
      {
        pattern: /\btrade school\b|\bvocational\b|\bcertificate\b|\btechnical school\b/,
        value: own('vocational', 'Vocational or technical training'),
      },
      {
        pattern:
          /\bsome high school\b|\bdid not (?:finish|graduate|complete) high school\b|\bdidn't (?:finish|graduate) high school\b|\b(?:[1-9]|1[01])(?:st|nd|rd|th) grade\b|\bless than high school\b|\bmiddle school\b/,
        value: own('less-than-high-school', 'Less than high school'),
      },
      {
        pattern: /\bhigh school\b|\bged\b|\bhs diploma\b|\b12th grade\b|^hs$/,
        value: own('high-school', 'High school diploma or GED'),
      },
    ],
  },
  {
    field: 'pronouns',
    code: loinc('90778-2', 'Personal pronouns - Reported'),
    question: /\bpronouns?\b/,
    categories: [],
  },
];

const PRONOUNS: readonly { readonly pattern: RegExp; readonly value: IntakeCoding }[] = [
  { pattern: /\b(?:she|her|hers)\b/, value: loinc('LA29519-8', 'she/her/her/hers/herself') },
  { pattern: /\b(?:he|him|his)\b/, value: loinc('LA29518-0', 'he/him/his/his/himself') },
  { pattern: /\b(?:they|them|theirs)\b/, value: loinc('LA29520-6', 'they/them/their/theirs/themselves') },
];

/** One pronoun set named alone gets its LOINC answer; "she/they" or anything else stays as written. */
function pronounValue(answer: string): IntakeCoding | null {
  const found = PRONOUNS.filter((p) => p.pattern.test(answer));
  return found.length === 1 ? found[0]!.value : null;
}

function definitionOf(answer: IntakeAnswerInput): SocialDefinition | undefined {
  const code = itemCodeOf(answer);
  if (code) {
    const byCode = SOCIAL_DEFINITIONS.find((d) => d.code.code === code || d.alsoCodes?.includes(code));
    if (byCode) return byCode;
  }
  const question = questionText(answer);
  return SOCIAL_DEFINITIONS.find((d) => d.question.test(question));
}

const YES = /^(?:yes|y|yeah|yep|true)\b/;

/**
 * The category an answer names, or null: an answer nothing maps is kept as written. A yes or
 * no means something only to the field's yes/no question ("Are you married?" — "no").
 */
export function categoryOf(field: SocialField, answer: string, question = ''): IntakeCoding | null {
  const text = normalize(answer);
  if (field === 'pronouns') return pronounValue(text);
  const def = SOCIAL_DEFINITIONS.find((d) => d.field === field);
  if (!def) return null;
  if (def.yesNo?.question.test(normalize(question))) {
    if (YES.test(text)) return def.yesNo.yes;
    if (isNegative(text)) return def.yesNo.no;
  }
  return def.categories.find((c) => c.pattern.test(text))?.value ?? null;
}

const isYesOrNo = (answer: string): boolean => YES.test(normalize(answer)) || isNegative(answer);

/**
 * The social facts of a form: the first answer to each field (a form that asks twice keeps
 * the first), skipping blank and declined answers, and a bare yes or no that nothing maps
 * (a question that only mentions the field, "Any special education services?", is not it).
 */
export function extractSocialFacts(answers: readonly IntakeAnswerInput[]): IntakeSocialFact[] {
  const facts = new Map<SocialField, IntakeSocialFact>();
  for (const answer of answers) {
    if (isNonAnswer(answer.answer)) continue;
    const def = definitionOf(answer);
    if (!def || facts.has(def.field)) continue;
    const value = categoryOf(def.field, answer.answer, answer.question);
    if (value === null && isYesOrNo(answer.answer)) continue;
    facts.set(def.field, {
      field: def.field,
      code: def.code,
      question: answer.question,
      answer: answer.answer,
      value,
    });
  }
  return SOCIAL_DEFINITIONS.flatMap((d) => {
    const fact = facts.get(d.field);
    return fact ? [fact] : [];
  });
}
