import { describe, expect, it } from 'vitest';
import { detect } from '../detect.js';

/** The flagged substrings of `text`, in order. */
function flagged(text: string): string[] {
  return detect(text).map((s) => text.slice(s.start, s.end));
}

describe('clinical shorthand and capitals are not names', () => {
  it('leaves an all-caps nursing note untouched', () => {
    const note =
      'NEURO: AOX3, MAE. PT REMAINS INTUBATED WITH NEO GTT AT 2MCG/KG/MIN.\nRESP: CRACKLES 1/2 UP BILATERALLY, SATS 95% ON PSV 10/5.\nGI: ABD SOFT, HYPOACTIVE BS. CONT LASIX AND VANCO.';
    expect(flagged(note)).toEqual([]);
  });

  it('leaves mixed-case shorthand untouched', () => {
    const note =
      'Neuro: alert. Resp: sats 92-94% on 5L NC, desats with turning. Levo weaned to 0.5, Dopa off. SaO2 98. D5 1/2 NS at 75/hr. Hickman line intact.';
    expect(flagged(note)).toEqual([]);
  });

  it('still finds the clinician and family in the same all-caps note', () => {
    const note = 'K 5.9, DR BAKAITIS AWARE. DAUGHTER LISA IN TO VISIT. JON DEVAUX RRT';
    expect(flagged(note)).toEqual(['BAKAITIS', 'LISA', 'JON DEVAUX']);
  });

  it('reads a lowercase surname that is a word after dr., and a first name after a relation', () => {
    expect(flagged('d/w dr. murphy, son bill called for update.')).toEqual(['murphy', 'bill']);
  });
});

describe('facilities, employers and towns in any case', () => {
  it.each([
    ['Pt transferred to GH for cath.', ['GH']],
    ['TRANSFERRED TO QUARTERMAIN 4 TO BE REINTUBATED.', ['QUARTERMAIN 4']],
    ['presented to holy cross hospital from rehab', ['holy cross']],
    ['LIVES AT KEELEY HOUSE. NO ETOH.', ['KEELEY']],
    ['PT RECENTLY ADM TO THE GH FOR CHRONIC VENOUS STASIS ULCERS.', ['GH']],
    ['Three nights in the Mercy ICU after the overdose.', ['Mercy']],
    ['He picks up shifts at starbucks on weekends.', ['starbucks']],
    ['lives with her sister in catonsville.', ['catonsville']],
  ])('%s', (text, expected) => {
    expect(flagged(text)).toEqual(expected);
  });

  it.each([
    ['She has worked as a tester at Green Mountain Digital since 2019.', ['Green Mountain Digital']],
    ['Drinks on weekends with coworkers from Chisholm Trail Feed Mill.', ['Chisholm Trail Feed Mill']],
    ['Referral to Catholic Charities senior services.', ['Catholic Charities']],
  ])('names a business after a preposition of place or work: %s', (text, expected) => {
    expect(flagged(text)).toEqual(expected);
  });

  it('does not take a weekday, a scale or a brand after "at" for a business', () => {
    expect(
      flagged('Completed the Beck Depression Inventory at intake. Drives for Uber and DoorDash.'),
    ).toEqual([]);
  });

  it('does not take a clinical service or a care setting for a place', () => {
    expect(flagged('Resp Care to see. Transferred to MICU, then sent to rehab.')).toEqual([]);
  });
});

describe('numbers', () => {
  it.each([
    ['Pager #54321 for questions.', ['54321']],
    ['PMH: CAD W AMI 7/81, AVR 8/88.', ['7/81', '8/88']],
    ['Social: 123.45.6789', ['123.45.6789']],
    ['Her grandmother, 97, moved in with them.', ['97']],
    ['The client is 93 and lives alone.', ['93']],
    ['DOS 11.04.24, started sertraline in 12/2023.', ['11.04.24', '12/2023']],
    ['last Tuesday the 3rd she called the crisis line', ['Tuesday', 'the 3rd']],
    ['Insurance: BadgerCare Plus (member 4456-8821-09)', ['4456-8821-09']],
    ['Supervisor: J. Amankwah, PhD', ['J. Amankwah']],
    ['Reported to D. Phyl. Coags ok, 2L. Contd on RA.', ['D. Phyl']],
    ['all is well at this time. q. lander rrt', ['q. lander']],
    ['Pt transferred to GH for cath. Seen by the CHF team at GH before.', ['GH', 'GH']],
  ])('%s', (text, expected) => {
    expect(flagged(text)).toEqual(expected);
  });

  it('keeps ventilator settings', () => {
    expect(flagged('Pt. on AC 700x12/10/40% overnight; PSV 10/5/50%, flowby 6/3.')).toEqual([]);
  });

  it('keeps doses, ratios and versions', () => {
    expect(flagged('Dopa decreased from 12.5 to 7.5mcg; 5/5 strength; v1.2.3456 installed.')).toEqual([]);
  });
});
