import { describe, expect, it } from 'vitest';
import { detect } from '../detect.js';

/** The flagged substrings of `text`, as "TYPE:text". */
function flagged(text: string): string[] {
  return detect(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

/** Every letter of `phrase` (first occurrence) is inside some span. */
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

describe('person names', () => {
  it('flags a first and last name from the lexicons as one span', () => {
    expect(flagged('Maria Lopez reports feeling better this week.')).toContain('NAME:Maria Lopez');
  });

  it('flags the name after a title, excluding the title', () => {
    expect(flagged('Seen with Dr. Okonkwo today.')).toContain('NAME:Okonkwo');
  });

  it('flags a name after a relation word: "her husband Will"', () => {
    expect(flagged('She says her husband Will was arrested.')).toContain('NAME:Will');
  });

  it('leaves "will" the verb alone', () => {
    expect(flagged('Will continue CBT. Therapist will send the letter.')).toEqual([]);
  });

  it('leaves hope, faith and joy alone as ordinary words', () => {
    expect(flagged('She has hope for the future and her faith brings joy.')).toEqual([]);
  });

  it('flags Grace after "with" but not grace toward herself', () => {
    expect(covered('She argued with Grace about the rent.', 'Grace')).toBe(true);
    expect(flagged('She shows grace toward herself.')).toEqual([]);
  });

  it('flags a capitalised word-name paired with a surname: "Grace Baker"', () => {
    expect(covered('Spoke to Grace Baker on the phone.', 'Grace Baker')).toBe(true);
  });

  it('reads Baker, Green and Stone as words when they are words', () => {
    expect(flagged('Green zone most days; stone-faced affect; a baker by trade.')).toEqual([]);
  });

  it('flags lowercase names in patient messages', () => {
    expect(covered('i talked to jessica and she said to call', 'jessica')).toBe(true);
  });

  it('flags an ALL-CAPS name in a header', () => {
    expect(covered('PATIENT: MARIA LOPEZ   DOB 07/22/1992', 'MARIA LOPEZ')).toBe(true);
  });

  it('flags a misspelt name before a reporting verb', () => {
    expect(covered('Jesicca said she would come back.', 'Jesicca')).toBe(true);
  });

  it('flags a signature after a dash', () => {
    expect(covered('see you tuesday\n—Jane', 'Jane')).toBe(true);
  });

  it('flags a clinician before a credential', () => {
    expect(covered('Signed: Oluwaseun Adeyemi, LCSW', 'Oluwaseun Adeyemi')).toBe(true);
  });

  it("does not flag eponyms: Parkinson's, Alzheimer's, Asperger's, Tourette's, Lewy body", () => {
    const text =
      "Family history of Parkinson's disease and Alzheimer's; screened for Asperger's; uncle with Tourette's; Lewy body dementia.";
    expect(detect(text)).toEqual([]);
  });

  it('does not flag instrument names: Beck Depression Inventory, Columbia scale', () => {
    expect(
      detect('Beck Depression Inventory 21. Completed the Columbia Suicide Severity Rating Scale.'),
    ).toEqual([]);
  });

  it('still flags an eponym surname used for a person: "Dr. Parkinson"', () => {
    expect(flagged('Referred to Dr. Parkinson for follow-up.')).toContain('NAME:Parkinson');
  });

  it('keeps "mother" unflagged in "mother attempted suicide"', () => {
    expect(detect('Mother attempted suicide in 2009; client denies attempts.')).toEqual([]);
  });

  it('does not flag medications or acronyms', () => {
    expect(detect('Switched from Zoloft to Lexapro; PHQ-9 and GAD-7 reviewed; ROI faxed.')).toEqual([]);
  });

  it('flags names listed with an accepted name: "Maria and Ximena"', () => {
    expect(covered('Maria and Ximena came by the apartment.', 'Ximena')).toBe(true);
  });

  it('flags every later mention of a name confirmed once, in any case', () => {
    expect(covered('Her sister Thandiwe visited. later thandiwe called again.', 'thandiwe')).toBe(true);
  });

  it('does not read the possessive as part of the name', () => {
    expect(flagged("Per Maria's report, sleep improved.")).toContain('NAME:Maria');
  });
});
