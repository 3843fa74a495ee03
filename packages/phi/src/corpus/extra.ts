import { phi } from './markup.js';
import { dateOf, nameOf, weekday } from './persona.js';
import type { Persona, Person } from './persona.js';
import * as P from './pools.js';
import type { Rng } from './rng.js';
import { fmtPhone } from './sentences.js';

// Harder material: names with no cue word around them, capitalised words that are not PHI,
// nursing-note shorthand, and short clinical questions with no PHI at all.

const someone = (r: Rng): Person => ({
  given: r.pick(r.chance(0.4) ? P.FIRST_COMMON : r.chance(0.5) ? P.FIRST_INTL : P.FIRST_WORDS),
  family: r.pick(r.chance(0.5) ? P.SURNAMES_COMMON : r.chance(0.5) ? P.SURNAMES_INTL : P.SURNAMES_WORDS),
});
const bare = (r: Rng) => nameOf(r, someone(r), r.chance(0.7) ? 'first' : 'full', false);

/** Names with no title, relation or label next to them. */
export const UNCUED: Array<(r: Rng, p: Persona) => string> = [
  (r) => `Went to the movies with ${bare(r)} on ${weekday(r)} and "actually had fun."`,
  (r) => `${bare(r)} and ${bare(r)} came by the apartment to check on her.`,
  (r) => `Spent the weekend at ${nameOf(r, someone(r), 'first', false)}'s place to avoid being alone.`,
  (r) => `texted ${nameOf(r, someone(r), 'lower', false)} about it but she never answered`,
  (r) =>
    `Ran into Dr. ${phi('NAME', someone(r).family)} at ${phi('ORGANIZATION', r.pick(P.EMPLOYERS_BARE))} and felt embarrassed.`,
  (r) => `She keeps comparing herself to ${bare(r)}, who "has it all together."`,
  (r) => `Reports ${bare(r)} from group has been a good influence.`,
  (r) =>
    `Plans to visit ${nameOf(r, someone(r), 'first', false)} in ${phi('LOCATION', r.pick(P.CITIES)[0])} over the holidays.`,
  (r) =>
    `Argued with ${bare(r)} over custody; mediation is scheduled for ${dateOf(r, { y: 2024, m: r.int(1, 12), d: r.int(1, 28) })}.`,
  (r, p) => `${nameOf(r, r.pick(p.relatives), 'first')} picked her up after session.`,
];

/** PHI-free sentences full of capitalised words and numbers that are not identifiers. */
export const TRAPS: Array<(r: Rng) => string> = [
  () => "Watches Grey's Anatomy reruns and plays Minecraft with her nephew to unwind.",
  () => 'Attends AA meetings twice weekly; has a Narcotics Anonymous key tag for 90 days.',
  () => 'Uses Instagram and TikTok late at night, which worsens sleep.',
  () => 'Has Medicaid; copay assistance discussed for Vraylar.',
  () => 'Went to the ER last year for chest pain that was anxiety-related.',
  () => 'Given the Crisis Text Line number and 988 Suicide & Crisis Lifeline information.',
  () => 'Switched from Zoloft to Lexapro 10 mg; Xanax discontinued, hydroxyzine as needed.',
  () => 'Wellbutrin XL 150 mg started for low energy and smoking cessation.',
  () => 'Reads the Bible daily and says God and prayer help her cope.',
  () => 'Born in Guatemala, moved to Ohio as a teenager; Spanish-speaking at home.',
  () => 'Identifies as Catholic and African American; culture discussed as a strength.',
  () => 'Drives for Uber and DoorDash between classes.',
  () => 'Father is a Vietnam veteran with PTSD; client worries about him.',
  () => 'Target symptoms: low mood, anhedonia, poor concentration.',
  () => 'Client is 89 years old and lives independently.',
  () => 'An 84-year-old grandfather helps with childcare.',
  () => 'Rated mood 3/10 at intake and 6/10 today; sleep 4/5 nights adequate.',
  () => 'Session began at 3:15 pm and ended at 4:08 pm (53 min), CPT 90837.',
  () => 'C-SSRS screen negative. PHQ-2 = 1. A&O x3.',
  () => "Huntington's disease was ruled out; Wernicke encephalopathy not suspected.",
  () => 'WAIS-IV and Conners 3 results reviewed with the family.',
  () => 'Discussed DBT skills: TIPP, ACCEPTS and the STOP skill.',
  () => 'Uses an Apple Watch to track sleep and heart rate.',
  () => 'Completed the Columbia Suicide Severity Rating Scale and the Edinburgh scale.',
  () => 'Prefers Zoom sessions on Teams when the clinic Wi-Fi is down.',
  () => 'Mood Disorder Questionnaire negative; Young Mania Rating Scale 4.',
  () => 'Sober since 2018 per report; relapse prevention plan updated.',
  () => 'Safety plan: call 911, go to nearest Emergency Department, or call 988.',
  () => 'Will schedule Psychological testing; Hope Scale and Grit Scale administered.',
  () => 'Faith-based coping noted; Joy and gratitude journaling assigned.',
];

/** A nursing note in ICU shorthand. */
export function nursingNote(r: Rng, p: Persona): string {
  const rel = r.pick(p.relatives);
  const age = p.age >= 90 ? phi('AGE', String(p.age)) : String(r.int(40, 88));
  return [
    `NPN ${r.pick(['0700-1900', '1900-0700'])}`,
    `Pt is a ${age} yo ${r.pick(['M', 'F'])} w/ hx CHF, COPD, admitted ${dateOf(r, p.sessionDate)} w/ SOB.`,
    `NEURO: A&Ox3, MAE, follows commands. Denies pain. Ativan 1mg IV x1 for anxiety.`,
    `CV: HR 88-104 ST, BP 132/78, no ectopy. K 3.4 repleted. Lasix 40mg IV given.`,
    `RESP: LS coarse bilat, O2 2L NC, SpO2 94-97%. RR 18-22.`,
    `GI/GU: abd soft, +BS. Foley draining clear yellow urine 40-60cc/hr.`,
    `SOCIAL: ${r.pick(['Wife', 'Husband', 'Daughter', 'Son'])} ${nameOf(r, rel, 'first')} at bedside, updated by Dr. ${phi('NAME', p.prescriber.family, true)}. Can be reached at ${phi('PHONE', fmtPhone(r, p.altPhone))}.`,
    `PLAN: cont diuresis, f/u AM labs, ?transfer to ${phi('ORGANIZATION', p.clinic)} ${weekday(r)}.`,
  ].join('\n');
}

/** A short clinical question, as sent to a model: no PHI. */
export const QUERIES: ReadonlyArray<string> = [
  'What is the maximum daily dose of sertraline for an adult with panic disorder?',
  'Can Wellbutrin be combined with Lexapro safely?',
  'PHQ-9 score of 14 with item 9 = 0: what severity and what follow-up?',
  'Is Abilify approved for irritability in autism for children over 6?',
  'How should lithium levels be monitored in a 70-year-old with CKD stage 3?',
  'Differential for new-onset psychosis at age 45 with headaches?',
  'What CPT code applies to a 55 minute psychotherapy session with an E/M visit?',
  'Does Medicaid cover esketamine (Spravato) for treatment-resistant depression?',
  'Which ICD-10 code fits PTSD, chronic, versus adjustment disorder with anxiety?',
  'Summarize CBT-I components for insomnia in bipolar II disorder.',
  "Is Parkinson's disease psychosis treated with pimavanserin or quetiapine first?",
  "What are the DSM-5 criteria for Tourette's disorder?",
  'How do I score the GAD-7 and what is the cutoff for referral?',
  "Explain the difference between Asperger's and autism spectrum disorder in DSM-5.",
  'Can Hope or Faith be used as therapeutic themes in ACT for grief?',
  'When should clozapine be considered and what ANC monitoring is needed?',
  'Will naltrexone interfere with opioid pain control after surgery?',
  'What is the Beck Depression Inventory cutoff for severe depression?',
  'Recommend a safety planning template for adolescents after a suicide attempt.',
  'Mark the differences between SSRIs and SNRIs for generalized anxiety.',
];
