import { describe, expect, it } from 'vitest';
import { detect } from '../detect.js';

function flagged(text: string): string[] {
  return detect(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('dates (every element but the year)', () => {
  it.each([
    ['Seen on 7/22 for follow-up.', '7/22'],
    ['DOS 07-22-2024.', '07-22-2024'],
    ['Admitted 2024-07-22 from the ED.', '2024-07-22'],
    ['Next appointment July 22nd.', 'July 22nd'],
    ['Returned 22 Jul with her mother.', '22 Jul'],
    ['Discharged on July 22, 2024.', 'July 22, 2024'],
    ['Labs drawn 07.22.2024.', '07.22.2024'],
    ['Birthday is on the 3rd of June.', 'the 3rd of June'],
    ['It happened last Tuesday the 3rd.', 'Tuesday'],
    ['It happened last Tuesday the 3rd.', 'the 3rd'],
    ['Quit her job in March 2021.', 'March 2021'],
    ['She has been sober since May.', 'May'],
    ["Born in the summer of '92.", '92'],
    ['DOB: 07221992', '07221992'],
    ['Family gathered for Thanksgiving.', 'Thanksgiving'],
  ])('flags the date in %j', (text, date) => {
    expect(flagged(text)).toContain(`DATE:${date}`);
  });

  it('does not flag a bare four-digit year (Safe Harbor keeps the year)', () => {
    expect(detect('Symptoms began in 2015 after a car accident.')).toEqual([]);
  });

  it('does not flag ratings, doses or ranges that look like dates', () => {
    expect(detect('Rated anxiety 7/10, strength 5/5, sertraline 50 mg, 3-4 panic attacks weekly.')).toEqual(
      [],
    );
  });

  it('does not flag the modal verb "may"', () => {
    expect(detect('Client may benefit from 2 more sessions.')).toEqual([]);
  });

  it('does not flag "the 3rd grade"', () => {
    expect(detect('She is in the 3rd grade.')).toEqual([]);
  });
});

describe('ages over 89', () => {
  it.each([
    ['Pt is a 92-year-old widow.', '92'],
    ['age 93, lives alone', '93'],
    ['94 yo F with CHF', '94'],
    ['He is 101 years old.', '101'],
    ['She is in her 90s.', '90s'],
  ])('flags the age in %j', (text, age) => {
    expect(flagged(text)).toContain(`AGE:${age}`);
  });

  it('leaves age 89 and younger alone', () => {
    expect(detect('An 89-year-old grandfather and a 34 yo client; age 45.')).toEqual([]);
  });

  it('flags 90 but not 89', () => {
    expect(flagged('age 90')).toEqual(['AGE:90']);
    expect(flagged('age 89')).toEqual([]);
  });
});
