import type { KnownIdentifiers } from '../types.js';
import { phi } from './markup.js';
import * as P from './pools.js';
import type { Rng } from './rng.js';

export interface Person {
  given: string;
  family: string;
  middle?: string;
  preferred?: string;
  relation?: string;
  credential?: string;
}

/** Everything one synthetic document may mention about one client. */
export interface Persona {
  client: Person;
  dob: { y: number; m: number; d: number };
  age: number;
  address: { line1: string; city: string; state: string; zip: string; county: string };
  mrn: string;
  phone: string;
  altPhone: string;
  fax: string;
  email: string;
  relatives: Person[];
  clinician: Person;
  prescriber: Person;
  employer: string;
  employerBare: string;
  school: string;
  church: string;
  clinic: string;
  pet: string;
  memberId: string;
  plan: string;
  ssn: string;
  sessionDate: { y: number; m: number; d: number };
  nextDate: { y: number; m: number; d: number };
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function firstName(rng: Rng): string {
  const r = rng.next();
  return rng.pick(r < 0.5 ? P.FIRST_COMMON : r < 0.82 ? P.FIRST_INTL : P.FIRST_WORDS);
}

function surname(rng: Rng): string {
  const r = rng.next();
  return rng.pick(r < 0.45 ? P.SURNAMES_COMMON : r < 0.8 ? P.SURNAMES_INTL : P.SURNAMES_WORDS);
}

function digits(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String(rng.int(0, 9));
  return s;
}

function phone(rng: Rng): string {
  return `${rng.int(2, 9)}${digits(rng, 2)}${rng.int(2, 9)}${digits(rng, 6)}`;
}

function validSsn(rng: Rng): string {
  let area = rng.int(1, 899);
  if (area === 666) area = 667;
  return `${String(area).padStart(3, '0')}-${String(rng.int(1, 99)).padStart(2, '0')}-${String(rng.int(1, 9999)).padStart(4, '0')}`;
}

export function makePersona(rng: Rng): Persona {
  const given = firstName(rng);
  const family = surname(rng);
  const client: Person = { given, family };
  if (rng.chance(0.2)) client.middle = firstName(rng);
  if (rng.chance(0.2))
    client.preferred = rng.pick([
      'Mimi',
      'Jojo',
      'Bea',
      'Sasha',
      'Kiki',
      'Tito',
      'Nena',
      'Dre',
      'Lulu',
      'Benny',
    ]);
  const [city, state, zip] = rng.pick(P.CITIES);
  const nRel = rng.int(1, 3);
  const relatives: Person[] = [];
  for (let i = 0; i < nRel; i++) {
    const rel: Person = {
      given: firstName(rng),
      family: rng.chance(0.5) ? family : surname(rng),
      relation: rng.pick(P.RELATIONS),
    };
    relatives.push(rel);
  }
  const year = rng.chance(0.08) ? rng.int(1925, 1934) : rng.int(1950, 2010);
  const session = { y: rng.int(2021, 2025), m: rng.int(1, 12), d: rng.int(1, 28) };
  return {
    client,
    dob: { y: year, m: rng.int(1, 12), d: rng.int(1, 28) },
    age: session.y - year,
    address: {
      line1: `${rng.int(2, 9899)} ${rng.pick(P.STREET_NAMES)} ${rng.pick(P.STREET_TYPES)}`,
      city,
      state,
      zip,
      county: rng.pick(P.COUNTIES),
    },
    mrn: rng.chance(0.5) ? digits(rng, 8) : `${rng.pick(['A', 'MR', 'CR', 'H'])}${digits(rng, 7)}`,
    phone: phone(rng),
    altPhone: phone(rng),
    fax: phone(rng),
    email: `${given
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z]/g, '')}.${family
      .toLowerCase()
      .normalize('NFD')
      .replace(
        /[^a-z]/g,
        '',
      )}${rng.int(1, 99)}@${rng.pick(['gmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'proton.me'])}`,
    relatives,
    clinician: { given: firstName(rng), family: surname(rng), credential: rng.pick(P.CLINICIAN_CREDENTIALS) },
    prescriber: {
      given: firstName(rng),
      family: surname(rng),
      credential: rng.pick(['MD', 'DO', 'PMHNP-BC', 'NP']),
    },
    employer: rng.pick(P.EMPLOYERS),
    employerBare: rng.pick(P.EMPLOYERS_BARE),
    school: rng.pick(P.SCHOOLS),
    church: rng.pick(P.CHURCHES),
    clinic: rng.pick(P.CLINICS),
    pet: rng.pick(P.PETS),
    memberId: `${rng.pick(['XQK', 'MBR', 'W', 'ZGP', 'H'])}${digits(rng, 9)}`,
    plan: rng.pick(P.PLANS),
    ssn: validSsn(rng),
    sessionDate: session,
    nextDate: { y: session.y, m: Math.min(12, session.m + rng.int(0, 1)), d: rng.int(1, 28) },
  };
}

export function knownOf(p: Persona): KnownIdentifiers {
  const person = (x: Person) => ({
    given: x.given,
    family: x.family,
    ...(x.middle ? { middle: x.middle } : {}),
    ...(x.preferred ? { preferred: x.preferred } : {}),
  });
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    client: person(p.client),
    dob: `${p.dob.y}-${pad(p.dob.m)}-${pad(p.dob.d)}`,
    address: {
      line1: p.address.line1,
      city: p.address.city,
      state: p.address.state,
      zip: p.address.zip,
      county: p.address.county,
    },
    mrn: p.mrn,
    phones: [p.phone],
    emails: [p.email],
    relatives: p.relatives.map(person),
    careTeam: [person(p.clinician), person(p.prescriber)],
  };
}

/** One edit (swap, drop, double or substitute a letter): a realistic typo. */
export function misspell(rng: Rng, s: string): string {
  if (s.length < 5) return s;
  let i = rng.int(1, s.length - 2);
  // Edit letters only: "O'Sullivan" stays one word.
  while (i < s.length - 2 && !/\p{L}/u.test((s[i] as string) + (s[i + 1] as string))) i++;
  if (!/^\p{L}\p{L}$/u.test((s[i] as string) + (s[i + 1] as string))) return s;
  const op = rng.int(0, 3);
  if (op === 0) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  if (op === 1) return s.slice(0, i) + s.slice(i + 1);
  if (op === 2) return s.slice(0, i) + s[i] + s.slice(i);
  const vowels = 'aeiou';
  const c = s[i] as string;
  return (
    s.slice(0, i) +
    (vowels.includes(c) ? rng.pick([...vowels].filter((v) => v !== c)) : c === 'n' ? 'm' : 'n') +
    s.slice(i + 1)
  );
}

export type NameStyle =
  'full' | 'first' | 'last' | 'title' | 'lower' | 'upper' | 'possessive' | 'initials' | 'typo';

/** A name mention in one of many shapes; `known` marks it as coming from structured fields. */
export function nameOf(rng: Rng, x: Person, style: NameStyle, known = true): string {
  const N = (v: string) => phi('NAME', v, known);
  switch (style) {
    case 'full':
      return x.middle && rng.chance(0.3)
        ? N(`${x.given} ${x.middle[0]}. ${x.family}`)
        : N(`${x.given} ${x.family}`);
    case 'first':
      return N(x.preferred && rng.chance(0.4) ? x.preferred : x.given);
    case 'last':
      return N(x.family);
    case 'title':
      return `${rng.pick(['Mr.', 'Ms.', 'Mrs.', 'Mx.'])} ${N(x.family)}`;
    case 'lower':
      return N(rng.chance(0.5) ? x.given.toLowerCase() : `${x.given} ${x.family}`.toLowerCase());
    case 'upper':
      return N(`${x.given} ${x.family}`.toUpperCase());
    case 'possessive':
      return `${N(x.given)}'s`;
    case 'initials':
      return N(rng.chance(0.5) ? `${x.given[0]}.${x.family[0]}.` : `${x.given[0]}${x.family[0]}`);
    case 'typo':
      return N(misspell(rng, x.given.length >= 5 ? x.given : x.family));
  }
}

export function clinicianOf(rng: Rng, x: Person): string {
  const N = (v: string) => phi('NAME', v, true);
  const r = rng.int(0, 3);
  if (r === 0) return `Dr. ${N(x.family)}`;
  if (r === 1) return `${N(`${x.given} ${x.family}`)}, ${x.credential ?? 'LCSW'}`;
  if (r === 2) return N(`${x.given} ${x.family}`);
  return `${N(x.given)} (${x.credential ?? 'therapist'})`;
}

type Ymd = { y: number; m: number; d: number };

/** A date mention in one of many shapes (all flagged: every date element but the year). */
export function dateOf(rng: Rng, t: Ymd, known = false): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  const month = MONTHS[t.m - 1] as string;
  const ord = (d: number) =>
    `${d}${d % 10 === 1 && d !== 11 ? 'st' : d % 10 === 2 && d !== 12 ? 'nd' : d % 10 === 3 && d !== 13 ? 'rd' : 'th'}`;
  const shapes = [
    `${pad(t.m)}/${pad(t.d)}/${t.y}`,
    `${t.m}/${t.d}/${t.y}`,
    `${t.m}/${t.d}/${String(t.y).slice(2)}`,
    `${pad(t.m)}-${pad(t.d)}-${t.y}`,
    `${t.y}-${pad(t.m)}-${pad(t.d)}`,
    `${t.m}/${t.d}`,
    `${month} ${t.d}, ${t.y}`,
    `${month} ${ord(t.d)}`,
    `${month.slice(0, 3)}. ${t.d}`,
    `${t.d} ${month.slice(0, 3)}`,
    `${t.d} ${month} ${t.y}`,
    `${ord(t.d)} of ${month}`,
    `${pad(t.m)}.${pad(t.d)}.${t.y}`,
  ];
  return phi('DATE', rng.pick(shapes), known);
}

export function weekday(rng: Rng): string {
  return phi('DATE', rng.pick(WEEKDAYS));
}

export function monthName(m: number): string {
  return MONTHS[m - 1] as string;
}
