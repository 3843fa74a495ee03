import { phi } from './markup.js';
import { clinicianOf, dateOf, misspell, monthName, nameOf, weekday } from './persona.js';
import type { NameStyle, Persona, Person } from './persona.js';
import * as P from './pools.js';
import type { Rng } from './rng.js';

const STYLES: NameStyle[] = [
  'full',
  'first',
  'first',
  'first',
  'last',
  'title',
  'lower',
  'upper',
  'possessive',
  'initials',
  'typo',
];

/** A name for the client, in a random shape. */
export const client = (rng: Rng, p: Persona): string => nameOf(rng, p.client, rng.pick(STYLES));
const firstOf = (rng: Rng, x: Person): string =>
  nameOf(rng, x, rng.chance(0.8) ? 'first' : rng.pick(['full', 'lower', 'typo', 'possessive']));
const relOf = (rng: Rng, p: Persona): Person => rng.pick(p.relatives);
const L = (v: string, known = false) => phi('LOCATION', v, known);
const O = (v: string) => phi('ORGANIZATION', v);
const stranger = (rng: Rng): Person => ({
  given: rng.pick(rng.chance(0.5) ? P.FIRST_COMMON : rng.chance(0.5) ? P.FIRST_INTL : P.FIRST_WORDS),
  family: rng.pick(rng.chance(0.5) ? P.SURNAMES_COMMON : P.SURNAMES_INTL),
});

/** Sentences about the client's life: dense with identifiers, as behavioural-health notes are. */
export const LIFE: Array<(rng: Rng, p: Persona) => string> = [
  (r, p) => {
    const x = relOf(r, p);
    return `${client(r, p)} reports that her ${x.relation} ${firstOf(r, x)} has been more supportive since ${weekday(r)}.`;
  },
  (r, p) => {
    const x = relOf(r, p);
    return `Client states "my ${x.relation} ${firstOf(r, x)} keeps telling me to calm down."`;
  },
  (r, p) =>
    `${client(r, p)} continues to work part-time at ${O(p.employer)} and reports conflict with a supervisor.`,
  (r, p) => `Pt works at ${O(p.employerBare)} on weekends and was written up on ${dateOf(r, p.sessionDate)}.`,
  (_r, p) => `Her son attends ${O(p.school)}, where he was suspended last month.`,
  (_r, p) => `Client attends ${O(p.church)} and finds the community helpful.`,
  (r, p) =>
    `${client(r, p)} lives with ${r.chance(0.5) ? 'her' : 'his'} dog ${phi('NAME', p.pet)} in an apartment on ${L(p.address.line1.replace(/^\d+ /, ''), true)}.`,
  (r, p) =>
    `Client moved to ${L(p.address.city, true)} from ${L(r.pick(P.CITIES)[0])} in 2019 after losing housing.`,
  (r, p) =>
    `Family lives in ${L(p.address.county, true)}; maternal aunt lives near ${L(r.pick(P.NEIGHBORHOODS))}.`,
  (r, p) =>
    `${client(r, p)} was hospitalized at ${O(p.clinic)} from ${dateOf(r, p.sessionDate)} to ${dateOf(r, p.nextDate)}.`,
  (r, p) =>
    `Prescriber ${clinicianOf(r, p.prescriber)} increased sertraline to 100 mg on ${dateOf(r, p.sessionDate)}.`,
  (r) => {
    const s = stranger(r);
    return `She has been spending time with a friend named ${nameOf(r, s, 'first', false)} from her AA group.`;
  },
  (r, p) => {
    const s = stranger(r);
    return `${client(r, p)} reports her coworker ${nameOf(r, s, r.chance(0.5) ? 'full' : 'first', false)} has been "checking in on me every day."`;
  },
  (r) => {
    const s = stranger(r);
    return `Sponsor ${nameOf(r, s, 'first', false)} encouraged her to attend meetings at ${O(r.pick(P.CHURCHES))}.`;
  },
  (r, p) =>
    `Grandmother (${nameOf(r, { given: r.pick(P.FIRST_COMMON), family: p.client.family }, 'full', false)}) turned ${phi('AGE', String(r.int(90, 101)))} in ${phi('DATE', monthName(r.int(1, 12)))} and needs more care.`,
  (r) => `Pt's mother, age ${r.int(45, 79)}, lives in ${L(r.pick(P.CITIES)[0])} and calls daily.`,
  (r, p) =>
    `${client(r, p)} is a ${p.age >= 90 ? phi('AGE', String(p.age)) : p.age}-year-old client seen for follow-up of depression.`,
  (r) => `Pt was born in ${L(r.pick(P.CITIES)[0])} and grew up on ${L(`${r.pick(P.STREET_NAMES)} Street`)}.`,
  (r, p) =>
    `${client(r, p)} describes an argument with ${firstOf(r, relOf(r, p))} about money last ${weekday(r)}.`,
  (r, p) =>
    `Since ${phi('DATE', monthName(p.sessionDate.m))} she has been sleeping on her cousin's couch at ${L(`${r.int(10, 999)} ${r.pick(P.STREET_NAMES)} ${r.pick(P.STREET_TYPES)}`)}.`,
  (r) =>
    `Discussed her daughter's birthday on the ${phi('DATE', r.pick(['3rd', '14th', '21st', '9th']))} and plans for the party.`,
  (r) =>
    `Client quit her job at ${O(r.pick(P.EMPLOYERS))} in ${phi('DATE', `${monthName(r.int(1, 12))} '${String(r.int(10, 24)).padStart(2, '0')}`)}.`,
  (r, p) => `${client(r, p)} said ${firstOf(r, relOf(r, p))} drove her to ${O(p.clinic)} for labs.`,
  (r) => `Husband ${nameOf(r, stranger(r), 'full', false)} called the front desk requesting an update.`,
  (r, p) =>
    `Emergency contact: ${nameOf(r, relOf(r, p), 'full')} (${relOf(r, p).relation}), ${phi('PHONE', fmtPhone(r, p.altPhone))}.`,
];

/** PHI-free clinical sentences, many of them traps: eponyms, word-names as words, years, scores. */
export const FILLER: Array<(rng: Rng) => string> = [
  () => 'Mood was described as "up and down" with passive hopelessness at times but no active SI.',
  () => 'Denies SI/HI, no plan or intent. Safety plan reviewed and updated.',
  () => 'She has hope that things will improve and reports faith is a source of strength.',
  () => 'Will continue CBT focused on cognitive restructuring and behavioral activation.',
  () => 'Mother attempted suicide in 2009; client denies any personal history of attempts.',
  () => "Family history significant for Parkinson's disease and Alzheimer's dementia in grandparents.",
  () => "Screened for Asperger's traits in childhood; no formal diagnosis was made.",
  () => 'Beck Depression Inventory score 21, down from 27 at intake.',
  () => 'PHQ-9 total 14 (moderate); item 9 scored 0. GAD-7 = 11.',
  () => 'Rated anxiety 7/10 before the exercise and 4/10 after.',
  () => 'Client may benefit from a referral for medication management.',
  () => "Uncle with Tourette's syndrome; father with possible Lewy body dementia.",
  () => 'Mark progress toward goal 2 as partially met.',
  () => 'Reports joy in gardening and grace toward herself when she makes mistakes.',
  () => 'Bill for 90834 with +90785 interactive complexity. Diagnosis F33.1, Z63.0.',
  () => 'Sertraline 50 mg daily, hydroxyzine 25 mg PRN for anxiety.',
  () => 'MSE: alert and oriented x3, mood "tired", affect constricted, thought process linear, insight fair.',
  () => 'Sleep 5-6 hours per night with early waking; appetite decreased.',
  () => 'She is a 34-year-old woman; symptoms began in 2015 after a car accident.',
  () => 'Practiced grounding (5-4-3-2-1) and paced breathing in session.',
  () => 'April showers were mentioned as a metaphor for her grief process.',
  () => 'No access to firearms per client report; means restriction discussed.',
  () => 'Client rich in supports but struggles to ask for help.',
  () => "The client was tearful when discussing her father's death in 2012.",
  () => 'Stone-faced affect noted early in session, brightened toward the end.',
  () => 'Young adult group is recommended; she expressed interest.',
  () => 'Green zone on her safety plan most days this week.',
  () => "Grades improved from D's to B's this semester per client.",
  () => 'Discussed the Hamilton Anxiety Rating Scale results and the Yale-Brown scale.',
  () => 'Client reports 3-4 panic attacks weekly, lasting 10-15 minutes.',
  () => 'Drinks 2-3 beers on weekends; AUDIT-C score 4.',
  () => 'Agreed to call 988 or go to the nearest ER if thoughts of self-harm return.',
  () => 'Therapist will send the release of information to the school counselor.',
  () => 'Homework: thought record three times this week and one pleasant activity daily.',
  () => 'Behavior: client arrived on time, casually dressed, cooperative.',
];

export function fmtPhone(rng: Rng, d: string): string {
  const a = d.slice(0, 3);
  const b = d.slice(3, 6);
  const c = d.slice(6);
  return rng.pick([
    `(${a}) ${b}-${c}`,
    `${a}-${b}-${c}`,
    `${a}.${b}.${c}`,
    `+1 ${a} ${b} ${c}`,
    `${a} ${b} ${c}`,
  ]);
}

export function signature(rng: Rng, p: Persona): string {
  const c = p.clinician;
  return rng.pick([
    `Electronically signed by ${phi('NAME', `${c.given} ${c.family}`, true)}, ${c.credential ?? 'LCSW'} on ${dateOf(rng, p.sessionDate)}`,
    `${phi('NAME', `${c.given} ${c.family}`, true)}, ${c.credential ?? 'LPC'}`,
    `Clinician: ${phi('NAME', `${c.given} ${c.family}`, true)} ${c.credential ?? ''}`.trimEnd(),
    `-- ${phi('NAME', c.given, true)}`,
  ]);
}

export { misspell };
