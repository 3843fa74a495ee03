import { describe, expect, it } from 'vitest';
import { detect } from '../detect.js';

function flagged(text: string): string[] {
  return detect(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('geography smaller than a state', () => {
  it('flags a full street address as one span', () => {
    expect(flagged('Lives at 123 Maple St, Springfield, IL 62704 with her son.')).toContain(
      'LOCATION:123 Maple St, Springfield, IL 62704',
    );
  });

  it('flags a street named without a number', () => {
    expect(flagged('She grew up on Whitfield Street.')).toContain('LOCATION:Whitfield Street');
  });

  it('flags a city before a state and the ZIP after it, not the state', () => {
    expect(flagged('Moved to Dayton, OH 45402 last year.')).toEqual(['LOCATION:Dayton', 'LOCATION:45402']);
  });

  it('flags a city after "in" and a county', () => {
    expect(flagged('Her family lives in Chattanooga; court is in Hamilton County.')).toEqual([
      'LOCATION:Chattanooga',
      'LOCATION:Hamilton County',
    ]);
  });

  it('does not flag states or countries', () => {
    expect(detect('Born in Guatemala, moved to Ohio as a teenager.')).toEqual([]);
  });

  it('flags an apartment number and a ZIP after a label', () => {
    expect(flagged('Apt 4B, zip code 02139')).toEqual(['LOCATION:Apt 4B', 'LOCATION:02139']);
  });

  it('does not read "Dr. Smith" as a street', () => {
    expect(flagged('Met 2 times with Dr. Smith.')).toEqual(['NAME:Smith']);
  });
});

describe('organisations', () => {
  it.each([
    ['Works part-time at Acme Corp on weekends.', 'Acme Corp'],
    ["Attends St. Mark's Church on Sundays.", "St. Mark's Church"],
    ['Her son goes to Roosevelt Elementary.', 'Roosevelt Elementary'],
    ['Referred to Riverside Behavioral Health for IOP.', 'Riverside Behavioral Health'],
    ['She works at Kroger as a cashier.', 'Kroger'],
    ['Employer: Evergreen Senior Living', 'Evergreen Senior Living'],
    ['Student at the University of Dayton.', 'University of Dayton'],
  ])('flags the organisation in %j', (text, org) => {
    expect(flagged(text)).toContain(`ORGANIZATION:${org}`);
  });

  it('does not flag generic service names', () => {
    expect(detect('Referred to mental health services and the behavioral health center.')).toEqual([]);
  });
});
