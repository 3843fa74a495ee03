import { describe, expect, it } from 'vitest';
import { detect } from '../detect.js';
import type { KnownIdentifiers } from '../types.js';

// Hard cases of the rules added for text outside the behavioural-health corpus: ICU nursing
// notes, clinical queries, portal messages, international contact details. Expected spans are
// written by hand.

function flagged(text: string, known?: KnownIdentifiers): string[] {
  return detect(text, known ? { known } : {}).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

/** Every letter and digit of `phrase` (first occurrence) is inside some span. */
function covered(text: string, phrase: string): boolean {
  const at = text.indexOf(phrase);
  if (at < 0) throw new Error(`"${phrase}" not in text`);
  const spans = detect(text);
  for (let i = at; i < at + phrase.length; i++) {
    if (/[\p{L}\p{N}]/u.test(text[i] as string) && !spans.some((s) => s.start <= i && s.end > i))
      return false;
  }
  return true;
}

describe('names in clinical shorthand', () => {
  it('flags a surname abbreviated to its initial after a title, not the potassium after it', () => {
    expect(flagged('Dr. K aware of K 3.1, repleted.')).toEqual(['NAME:K']);
  });

  it('flags the surname after a clinical role, and not the unit before a credential', () => {
    expect(flagged('Cardiology fellow Smith in to see pt.')).toContain('NAME:Smith');
    expect(flagged('SICU RN Pat gave report at 1900.')).toEqual(['NAME:Pat']);
  });

  it('flags self-introductions and quoted speakers, lowercase included', () => {
    expect(flagged('hi this is marcus, i missed my appt')).toContain('NAME:marcus');
    expect(flagged("What's your name? Jildau S Bouts")).toContain('NAME:Jildau S Bouts');
    expect(flagged('"It was moving in that direction," says Hartvigsson.')).toContain('NAME:Hartvigsson');
  });

  it('flags a name signed with a hyphen after the last sentence', () => {
    expect(flagged('He is worried. -June')).toContain('NAME:June');
  });

  it('joins a lowercase first name, middle initial and surname', () => {
    expect(flagged('follow up with benjamin a seiler in a couple of months.')).toContain(
      'NAME:benjamin a seiler',
    );
  });

  it('takes two unknown words around a middle initial, and a rare-word first name at a sentence start', () => {
    expect(
      covered('Hanne I. Kreutzmann from Can Capital is the keynote speaker.', 'Hanne I. Kreutzmann'),
    ).toBe(true);
    expect(flagged('Tilly Nicholson lives at home.')).toContain('NAME:Tilly Nicholson');
    expect(flagged("Per Maria's report she slept.")).toEqual(['NAME:Maria']);
  });

  it('takes an unknown word listed with names on a Title Case line', () => {
    expect(covered('They had 6: Gaetane, Hannah, Anthony, Derek, Anna', 'Gaetane')).toBe(true);
  });

  it('leaves clinical verbs after "to", a label followed by a question, and states alone', () => {
    expect(flagged('Plan to extubate in AM, pt to cath lab at 0930.')).toEqual([]);
    expect(flagged('Is she still the contact? Number on file is old.')).toEqual([]);
    expect(flagged('Lives at home with wife, moved to Florida in 2019.')).toEqual([]);
    expect(flagged('Called Pharmacy re: vanc level. I am belizian.')).toEqual([]);
    expect(flagged('Her daughter called Joy.')).toContain('NAME:Joy');
  });
});

describe('phone numbers beyond the NANP', () => {
  it('flags an internal extension but not a count', () => {
    expect(flagged('Page covering resident at x4521 if SBP < 90.')).toEqual(['PHONE:4521']);
    expect(flagged('Vanc 1 g iv q12h x 3 doses, x2 wks.')).toEqual([]);
  });

  it('flags national formats with a cue or a trunk zero', () => {
    expect(flagged("They're not answering at 079 2718 1155")).toEqual(['PHONE:079 2718 1155']);
    expect(flagged('Can someone call me on 01.84.17.61.18? I have questions.')).toEqual([
      'PHONE:01.84.17.61.18',
    ]);
    expect(covered('Hungary 34796\n(37) 788-063-Office', '(37) 788-063')).toBe(true);
  });

  it('leaves series of values alone', () => {
    expect(flagged('Glucose 110 120 135 140 over the day.')).toEqual([]);
    expect(flagged('Labs at 0600: Na 138 K 4.1 Cl 102 HCO3 24 BUN 18 Cr 1.1')).toEqual([]);
  });
});

describe('ages and dates', () => {
  it('flags an age over 89 said of a person, not a weight or a saturation', () => {
    expect(flagged('He is 94 and we are worried.')).toEqual(['AGE:94']);
    expect(flagged('He is 95 kg and 180 cm.')).toEqual([]);
    expect(flagged('She was 92% on 2L NC.')).toEqual([]);
  });

  it('flags a cued month/day followed by "on"', () => {
    expect(flagged('Discharged 9/7 on lasix 40 mg po daily.')).toContain('DATE:9/7');
  });
});

describe('addresses without a US street shape', () => {
  it('takes the town after a street and a comma', () => {
    expect(covered('Is Tom Becker still at 22 Elm St, Worcester?', '22 Elm St, Worcester')).toBe(true);
    expect(
      covered('Patient lives at Hauptstraße 12, 10115 Berlin; contact', 'Hauptstraße 12, 10115 Berlin'),
    ).toBe(true);
  });

  it('takes the clause after an address cue when it holds a number and a name', () => {
    expect(covered('Tosh Olsen lives at 172 Maneeži 75, Saareküla', '172 Maneeži 75, Saareküla')).toBe(true);
    expect(
      covered(
        'It is the corner of Dalbraut 99 and Frederikke Coves.',
        'corner of Dalbraut 99 and Frederikke Coves',
      ),
    ).toBe(true);
    expect(flagged('my zip code is 35350')).toEqual(['LOCATION:35350']);
  });

  it('leaves hospital units and rooms alone', () => {
    expect(flagged('Sent to 7 West for tele monitoring.')).toEqual([]);
    expect(flagged('sent to Radiology at 1300 for CT A/P.')).toEqual([]);
    expect(flagged('Pain is at 6 out of 10, repositioned at 0400.')).toEqual([]);
  });
});

describe('contact blocks', () => {
  it('reads the addressee over an address and the company between name and address', () => {
    const text =
      'Julcsa Kárpáthy\nMhealthcoach\n50668 Kiannonkatu 98 Apt. 105, ISHAM\nMobile: 03.93.92.16.85';
    const got = flagged(text);
    expect(got).toContain('NAME:Julcsa Kárpáthy');
    expect(got).toContain('ORGANIZATION:Mhealthcoach');
    expect(covered('Satu Elomo\n\n45818 P.O. Box 242\n Suite 787\n Kangerlussuaq', 'Satu Elomo')).toBe(true);
  });
});

describe('organisations without a suffix word', () => {
  it('flags a saint in the possessive, facilities, and the "of" phrase after a suffix', () => {
    expect(flagged("Pt transferred from St. Elizabeth's on 2/27 for cath.")).toContain(
      "ORGANIZATION:St. Elizabeth's",
    );
    expect(flagged('Discharged to: Brookside Skilled Nursing Facility')).toContain(
      'ORGANIZATION:Brookside Skilled Nursing Facility',
    );
    expect(flagged('Home services: Visiting Nurse Association of Cape Cod, contact Brenda.')).toContain(
      'ORGANIZATION:Visiting Nurse Association of Cape Cod',
    );
  });

  it('flags partner firms and pharmacy chains, not lists of drugs', () => {
    expect(flagged('Aristóteles spent a year at Jones, Mitchell and Williams as the assistant.')).toContain(
      'ORGANIZATION:Jones, Mitchell and Williams',
    );
    expect(flagged('Please send the refill to the Walgreens on Route 9.')).toContain(
      'ORGANIZATION:Walgreens',
    );
    expect(flagged('Home meds: Lasix, Coreg and Lisinopril.')).toEqual([]);
  });
});

describe('known identifiers', () => {
  const make = (): KnownIdentifiers => ({
    client: { given: 'Dana', family: 'Delgado' },
    dob: '1992-07-22',
    mrn: 'A1234567',
  });

  it('matches a family initial after a title, and not a lowercase "d/c"', () => {
    expect(flagged('Ms. D. called back.', make())).toContain('NAME:D');
    expect(flagged('plan d/c home tomorrow', make())).toEqual([]);
  });

  it('finds the date of birth in words and leaves other numbers', () => {
    expect(flagged('born on the 22nd of July 1992', make())).toContain('DATE:the 22nd of July 1992');
    expect(flagged('7 days of abx, 22 mg', make())).toEqual([]);
  });

  it('gives the same spans for a new object with the same fields (compiled once)', () => {
    const text = 'Dana Delgado, MRN A1234567, DOB 07/22/1992.';
    expect(flagged(text, make())).toEqual(flagged(text, make()));
    expect(flagged(text, make())).toEqual(['NAME:Dana Delgado', 'MRN:A1234567', 'DATE:07/22/1992']);
  });
});
