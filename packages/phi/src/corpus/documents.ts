import { phi } from './markup.js';
import { clinicianOf, dateOf, misspell, nameOf, weekday } from './persona.js';
import type { Persona } from './persona.js';
import * as P from './pools.js';
import type { Rng } from './rng.js';
import { QUERIES, TRAPS, UNCUED, nursingNote } from './extra.js';
import { FILLER, LIFE, client, fmtPhone, signature } from './sentences.js';

export type DocKind =
  | 'soap'
  | 'dap'
  | 'birp'
  | 'intake'
  | 'message'
  | 'phone-log'
  | 'discharge'
  | 'nursing'
  | 'query'
  | 'phi-free';

function some<T>(rng: Rng, items: readonly T[], n: number): T[] {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(items));
  return out;
}

const life = (r: Rng, p: Persona, n: number) =>
  some(r, r.chance(0.35) ? UNCUED : LIFE, n)
    .map((f) => f(r, p))
    .join(' ');
const filler = (r: Rng, n: number) =>
  some(r, r.chance(0.4) ? TRAPS : FILLER, n)
    .map((f) => f(r))
    .join(' ');

function header(r: Rng, p: Persona): string {
  const name = nameOf(r, p.client, r.chance(0.7) ? 'full' : r.pick(['upper', 'lower']));
  const dob = dateOf(r, p.dob, true);
  const mrn = phi('MRN', p.mrn, true);
  return r.pick([
    `Client: ${name}    DOB: ${dob}    MRN: ${mrn}\nDate of service: ${dateOf(r, p.sessionDate)}`,
    `Patient Name: ${name}\nDOB ${dob} | MRN# ${mrn}\nDOS: ${dateOf(r, p.sessionDate)}`,
    `${name} (MRN ${mrn}), seen ${dateOf(r, p.sessionDate)}`,
    `RE: ${name}, DOB ${dob}\nSession date: ${dateOf(r, p.sessionDate)}`,
  ]);
}

function plan(r: Rng, p: Persona): string {
  return r.pick([
    `Next session ${weekday(r)} ${dateOf(r, p.nextDate)} at 3pm.`,
    `Return in 2 weeks (${dateOf(r, p.nextDate)}). Referral to ${phi('ORGANIZATION', p.clinic)} for IOP.`,
    `Follow up with ${clinicianOf(r, p.prescriber)} on ${dateOf(r, p.nextDate)} for medication review.`,
    `Will see client next ${weekday(r)}; coordinate with ${phi('ORGANIZATION', p.school)} counselor.`,
  ]);
}

export const DOCUMENTS: Record<DocKind, (r: Rng, p: Persona) => string> = {
  soap: (r, p) =>
    `${header(r, p)}\n\nS: ${life(r, p, 3)} ${filler(r, 2)}\nO: ${filler(r, 2)}\nA: ${filler(r, 1)} ${life(r, p, 1)}\nP: ${plan(r, p)} ${filler(r, 1)}\n\n${signature(r, p)}`,
  dap: (r, p) =>
    `${header(r, p)}\nDATA: ${life(r, p, 3)} ${filler(r, 2)}\nASSESSMENT: ${filler(r, 2)}\nPLAN: ${plan(r, p)}\n${signature(r, p)}`,
  birp: (r, p) =>
    `${header(r, p)}\nBehavior: ${life(r, p, 2)} ${filler(r, 1)}\nIntervention: ${filler(r, 2)}\nResponse: ${life(r, p, 1)} ${filler(r, 1)}\nPlan: ${plan(r, p)}\n${signature(r, p)}`,
  intake: (r, p) => {
    const rel = r.pick(p.relatives);
    const lines = [
      'INTAKE ASSESSMENT',
      `Name: ${nameOf(r, p.client, 'full')}`,
      p.client.preferred
        ? `Preferred name: ${phi('NAME', p.client.preferred, true)}`
        : 'Preferred name: none',
      `Date of birth: ${dateOf(r, p.dob, true)}    Age: ${p.age >= 90 ? phi('AGE', String(p.age)) : p.age}`,
      `Address: ${phi('LOCATION', `${p.address.line1}, ${p.address.city}, ${p.address.state} ${p.address.zip}`, true)}`,
      `Phone: ${phi('PHONE', fmtPhone(r, p.phone), true)}    Email: ${phi('EMAIL', p.email, true)}`,
      `SSN: ${phi('SSN', p.ssn)}`,
      `Insurance: ${p.plan}, Member ID ${phi('HEALTH_PLAN', p.memberId)}`,
      `Emergency contact: ${nameOf(r, rel, 'full')} (${rel.relation}) ${phi('PHONE', fmtPhone(r, p.altPhone))}`,
      `Employer: ${phi('ORGANIZATION', p.employer)}`,
      `Referral source: ${clinicianOf(r, p.prescriber)}, fax ${phi('FAX', fmtPhone(r, p.fax))}`,
      r.chance(0.3)
        ? `Driver's license: ${phi('LICENSE', `${String.fromCharCode(65 + r.int(0, 25))}${r.int(1000000, 9999999)}`)}`
        : 'Vehicle: none',
      '',
      `History: ${life(r, p, 4)} ${filler(r, 3)}`,
      '',
      `Clinician: ${clinicianOf(r, p.clinician)}`,
    ];
    return lines.join('\n');
  },
  message: (r, p) => {
    const rel = r.pick(p.relatives);
    const me = r.chance(0.5) ? p.client.given : p.client.given.toLowerCase();
    const greeting = r.pick([
      `Hi ${nameOf(r, p.clinician, 'first')},`,
      `hey dr ${phi('NAME', p.clinician.family.toLowerCase(), true)}`,
      'Hello,',
    ]);
    const body = r.pick([
      `i cant make it ${weekday(r)} bc my ${rel.relation} ${nameOf(r, rel, r.pick(['lower', 'first', 'typo']))} has court. can we do ${dateOf(r, p.nextDate)} instead?`,
      `my new number is ${phi('PHONE', fmtPhone(r, p.altPhone), false)} please update it. also ${nameOf(r, rel, 'lower')} says hi lol`,
      `I had a rough night. ${nameOf(r, rel, 'first')} and I fought again about ${phi('NAME', p.pet)} and the rent. I'm safe tho.`,
      `can u send the letter for my job at ${phi('ORGANIZATION', p.employer)}? they need it by ${dateOf(r, p.nextDate)}`,
      `Just wanted to say thanks. Things are better since I started at ${phi('ORGANIZATION', p.school)}. my email is ${phi('EMAIL', p.email, true)}`,
    ]);
    const sign = r.pick([
      `\n\n-${phi('NAME', me, true)}`,
      `\nthanks, ${phi('NAME', me, true)}`,
      `\n— ${phi('NAME', misspell(r, p.client.given), true)}`,
      '',
    ]);
    return `${greeting}\n${body}${sign}`;
  },
  'phone-log': (r, p) => {
    const rel = r.pick(p.relatives);
    return [
      `Phone contact ${dateOf(r, p.sessionDate)}, 10 min.`,
      `Writer spoke with ${nameOf(r, rel, 'full')} (${rel.relation}) at ${phi('PHONE', fmtPhone(r, p.altPhone))} regarding ${client(r, p)}.`,
      `${nameOf(r, rel, 'first')} reports ${client(r, p)} "hasn't left the house since ${weekday(r)}."`,
      `Faxed ROI to ${phi('ORGANIZATION', p.clinic)} at ${phi('FAX', fmtPhone(r, p.fax))} (fax). ${filler(r, 1)}`,
      `Portal message sent to ${phi('EMAIL', p.email, true)}; callback number ${phi('PHONE', fmtPhone(r, p.phone), true)}.`,
      signature(r, p),
    ].join('\n');
  },
  discharge: (r, p) => {
    const age = r.chance(0.4) ? phi('AGE', String(r.int(90, 99))) : String(r.int(20, 85));
    return [
      `DISCHARGE SUMMARY - ${phi('ORGANIZATION', p.clinic)}`,
      `${nameOf(r, p.client, 'upper')}  MRN ${phi('MRN', p.mrn, true)}  DOB ${dateOf(r, p.dob, true)}`,
      `Admitted ${dateOf(r, p.sessionDate)}; discharged ${dateOf(r, p.nextDate)}.`,
      `${client(r, p)} is a ${age} yo ${r.pick(['woman', 'man', 'person'])} admitted for worsening depression with SI. ${filler(r, 3)}`,
      `Discharged to home at ${phi('LOCATION', `${p.address.line1}, ${p.address.city}, ${p.address.state}`, true)} with ${nameOf(r, r.pick(p.relatives), 'full')}.`,
      `Aftercare: ${clinicianOf(r, p.clinician)} at ${phi('ORGANIZATION', r.pick(P.CLINICS))}, first visit ${dateOf(r, p.nextDate)}.`,
      `Attending: ${clinicianOf(r, p.prescriber)}`,
    ].join('\n');
  },
  nursing: (r, p) => nursingNote(r, p),
  query: (r) => r.pick(QUERIES),
  'phi-free': (r) => {
    const heads = r.pick([
      ['S:', 'O:', 'A:', 'P:'],
      ['Data:', 'Assessment:', 'Plan:'],
      ['Behavior:', 'Intervention:', 'Response:', 'Plan:'],
    ]);
    return heads.map((h) => `${h} ${filler(r, r.int(1, 3))}`).join('\n');
  },
};
