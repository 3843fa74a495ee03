import { describe, expect, it } from 'vitest';
import { scanRisk, type RiskLevel } from './index.js';

const level = (text: string): RiskLevel => scanRisk(text).level;
/** The evidence as "kind:phrase", so offsets are checked against the text they point at. */
const evidence = (text: string): string[] =>
  scanRisk(text).signals.map((s) => `${s.kind}:${text.slice(s.start, s.end)}`);

describe('scanRisk levels', () => {
  it.each<[string, RiskLevel]>([
    ['Pt reports passive death wish, no plan or intent.', 'LOW'],
    ["i don't want to be here anymore", 'LOW'],
    ['Reports urges to self-harm, has not acted on them.', 'LOW'],
    ['Client endorses SI.', 'MODERATE'],
    ['I cut myself on Tuesday.', 'MODERATE'],
    ['Endorses homicidal ideation.', 'MODERATE'],
    ['SI with plan to overdose.', 'HIGH'],
    ['He bought a gun so he could end it.', 'HIGH'],
    ['Pt states she wants to stab her stepfather.', 'HIGH'],
    ['Unable to contract for safety.', 'HIGH'],
    ["I'm going to kill myself tonight.", 'IMMINENT'],
    ['I just took all of my pills.', 'IMMINENT'],
  ])('%s → %s', (text, expected) => {
    expect(level(text)).toBe(expected);
  });
});

describe('scope modifiers keep a mention from being current risk', () => {
  it.each<[string, string]>([
    ['negation before', 'Denies SI/HI.'],
    ['negation of plan and intent', 'No plan or intent.'],
    ['negation in the client voice', 'I would never hurt myself.'],
    ['negation after (charting style)', 'SI: denied. HI - none.'],
    ['history by cue', 'History of overdose in 2015.'],
    ['history by resolution', 'SI resolved last year.'],
    ['history by age', 'She tried to kill herself when she was 15.'],
    ['other experiencer', 'Mother attempted suicide.'],
    ['other experiencer, reflexive', 'My friend killed himself last year.'],
    ['hypothetical', 'If SI returns, pt will call 988.'],
    ['educational', 'Reviewed warning signs of suicide with the family.'],
    ['screening question', 'Have you had thoughts that you would be better off dead?'],
    ['idiom', 'My boss will kill me if I am late again.'],
    ['idiom', "I'm dying to see the new movie."],
    ['idiom', 'She is killing it at work.'],
  ])('%s: %s', (_, text) => {
    expect(scanRisk(text)).toEqual({ level: 'NONE', signals: [] });
  });

  it('a negation ends at "but": denies HI, endorses SI', () => {
    expect(evidence('Denies HI but endorses SI.')).toEqual(['suicidal_ideation:SI']);
  });

  it('a current marker ends a history cue', () => {
    expect(level('History of SA, current SI without plan.')).toBe('MODERATE');
  });

  it('the client after another person is the experiencer again', () => {
    expect(level('Mother attempted suicide, and client now reports suicidal thoughts too.')).toBe('MODERATE');
  });

  it("a first-person phrase is the speaker's even after another person", () => {
    expect(level('Sometimes I think my family would be better off without me.')).toBe('LOW');
  });

  it('a threat after an if-clause counts, as ideation rather than intent', () => {
    expect(level('If my boyfriend leaves I will kill myself.')).toBe('MODERATE');
  });

  it('a negation after the trigger, with a copula, negates', () => {
    expect(level('Suicidal ideation was not present.')).toBe('NONE');
  });

  it('"past" before a risk word is history, "driving past" is not', () => {
    expect(level('Past suicide attempt.')).toBe('NONE');
    expect(level('He drives past the bridge thinking about where he would jump.')).toBe('MODERATE');
  });

  it('a pseudo-negation does not negate', () => {
    expect(level("I can't stop thinking about killing myself.")).toBe('MODERATE');
  });
});

describe('evidence offsets', () => {
  it('keep the stronger kind when two triggers cover the same words', () => {
    expect(evidence("I'm going to jump.")).toEqual(['intent:going to jump']);
  });

  it('point at each trigger phrase, in UTF-16 code units after astral characters', () => {
    const text = '😞 [CLIENT] endorses SI with plan and intent; she bought a gun.';
    expect(evidence(text)).toEqual([
      'suicidal_ideation:SI',
      'plan:plan',
      'intent:intent',
      'preparatory_act:bought a gun',
    ]);
    expect(scanRisk(text).signals[0]).toEqual({ start: 21, end: 23, kind: 'suicidal_ideation' });
  });

  it('span several sentences of one note', () => {
    const text = 'Denies HI. Reports she wishes she were dead.\nNo self-harm.';
    expect(evidence(text)).toEqual(['passive_death_wish:wishes she were dead']);
    expect(level(text)).toBe('LOW');
  });
});

describe('generalizing mechanisms', () => {
  it('informal spelling is normalized, evidence offsets stay on the original text', () => {
    const text = 'im gonna kms tn';
    expect(level(text)).toBe('IMMINENT');
    expect(evidence(text)).toEqual(['intent:gonna kms']);
    expect(level('i dont want to be here anymore')).toBe('LOW');
    expect(level('ill kill him if he shows up')).toBe('HIGH');
  });

  it('PHQ-9 item 9 with a positive answer is current risk, with 0 it is not', () => {
    expect(level('Pt endorsed item 9 "several days" on PHQ-9.')).toBe('LOW');
    expect(level('PHQ-9 item 9 = 2.')).toBe('LOW');
    expect(level('PHQ-9 item 9 = 0.')).toBe('NONE');
  });

  it('C-SSRS items answered yes are levelled by the highest item', () => {
    expect(level('C-SSRS: Q1 yes, Q2 yes, Q3 no.')).toBe('MODERATE');
    expect(level('C-SSRS Q1-3 yes, Q4 no, Q5 no.')).toBe('MODERATE');
    expect(level('C-SSRS: Q1 no, Q2 no.')).toBe('NONE');
  });

  it('a passive qualifier after SI makes it a death wish', () => {
    expect(level('SI: yes, passive.')).toBe('LOW');
    expect(level('SI endorsed, passive and active, no plan.')).toBe('MODERATE');
  });

  it('a question and its short answer are read together', () => {
    expect(level('Thoughts of harming others? No')).toBe('NONE');
    expect(level('Thoughts of suicide? Yes')).toBe('MODERATE');
  });

  it('a form label with a negative value negates', () => {
    expect(level('Suicidal thoughts in the past 2 weeks: no')).toBe('NONE');
    expect(level('Suicide risk screen: negative.')).toBe('NONE');
  });

  it('asked about, then a negative answer, asserts nothing; a positive answer counts', () => {
    expect(level('Asked directly about SI, pt said "no, nothing like that."')).toBe('NONE');
    expect(level('Asked about SI, pt endorsed passive thoughts.')).not.toBe('NONE');
  });

  it('an informant reporting about the client of the other gender is not the experiencer', () => {
    expect(level("Pt's wife called to report he's been giving away his belongings.")).toBe('HIGH');
    expect(level('My sister told me she wants to die.')).toBe('NONE');
  });

  it('"previously endorsed" is history', () => {
    expect(level('Previously endorsed passive SI in March; today denies.')).toBe('NONE');
  });

  it('a future change of state is hypothetical', () => {
    expect(level('Pt fears he might become suicidal if he relapses.')).toBe('NONE');
  });

  it('"Plan:" heading a plan section is not a suicide plan', () => {
    expect(level('Plan: reassess SI at each visit; if positive, complete full C-SSRS.')).toBe('NONE');
  });

  it('school years date an episode', () => {
    expect(level('In college pt overdosed on Tylenol.')).toBe('NONE');
  });

  it('another patient or a sponsor is someone else', () => {
    expect(level('Pt is a nurse who cared for a pt who attempted suicide.')).toBe('NONE');
    expect(level("Pt's AA sponsor relapsed and overdosed.")).toBe('NONE');
  });

  it('pills taken by count or by drug name are an attempt', () => {
    expect(level('Caller has swallowed approx 40 acetaminophen tabs in the last hour.')).toBe('IMMINENT');
    expect(level('Pt has been saving his clonazepam.')).toBe('HIGH');
  });

  it('self-harm by body part, by what it leaves, and by a bare "cut" with a time', () => {
    expect(level('Teen reports scratching arms w/ a paperclip until bleeding.')).toBe('MODERATE');
    expect(level('Staff observed pt banging head against wall.')).toBe('MODERATE');
    expect(level('i cut again last night')).toBe('MODERATE');
  });

  it('self-harm in progress is imminent; done wanting to die is an attempt', () => {
    expect(level('Pt actively cutting during telehealth session.')).toBe('IMMINENT');
    expect(level('Pt cut wrists deeply yesterday, states he wanted to die.')).toBe('HIGH');
  });

  it('preparatory acts: farewell posts, belongings, wills, ligatures, exhaust hoses', () => {
    expect(level('Pt posted a farewell message on social media last night.')).toBe('HIGH');
    expect(level('Pt updated will and gave dog to sister.')).toBe('HIGH');
    expect(level('Pt found with sheet tied around neck.')).toBe('HIGH');
    expect(level('Sleeping in his car with a hose in the trunk.')).toBe('HIGH');
  });

  it('veiled statements of not being around are ideation', () => {
    expect(level('Pt: "I won\'t be a problem for anyone much longer."')).toBe('MODERATE');
  });

  it('threats to others are targeted harm', () => {
    expect(level('Pt threatened front desk staff: "you\'re dead."')).toBe('HIGH');
    expect(level('Pt threatened to stab brother [PERSON_2].')).toBe('HIGH');
  });

  it('means at hand with ideation: weapons at home, within reach', () => {
    expect(level('Pt endorses SI, unwilling to remove firearms from home.')).toBe('HIGH');
  });

  it('idioms of another person threatening the client are not risk', () => {
    expect(level('Pt\'s boss "will kill him" if he\'s late again.')).toBe('NONE');
    expect(level('Pt is a police officer who responded to a suicide call.')).toBe('NONE');
  });
});

describe('context for ambiguous acts', () => {
  it('a weak preparatory act alone is not risk; two together, or with a death word, are', () => {
    expect(level('I wrote a letter to my grandma.')).toBe('NONE');
    expect(level('I gave away my old clothes.')).toBe('NONE');
    expect(level('She wrote a note to her kids and gave away her jewelry.')).toBe('HIGH');
    expect(level('Saying goodbye to friends "in case I don\'t see them again."')).toBe('HIGH');
  });

  it('a therapeutic dose is not an overdose; a large amount is', () => {
    expect(level('i took 2 tylenol for my headache')).toBe('NONE');
    expect(level('i took 15 tylenol an hour ago')).not.toBe('NONE');
  });

  it('an accidental knock to the head is not self-harm; against the wall is', () => {
    expect(level('i hit my head on the cabinet')).toBe('NONE');
    expect(level('Pt hitting his head against the wall.')).toBe('MODERATE');
  });
});

describe('more concept shapes', () => {
  it('a negation governing a reporting verb stays a negation', () => {
    expect(level('i never said i wanted to die, i said i was tired')).toBe('NONE');
  });

  it('a group or session on a risk topic is educational', () => {
    expect(level('Pt attended group on coping with suicidal thoughts.')).toBe('NONE');
  });

  it('a joke marker takes a threat to others as banter, not a threat to self', () => {
    expect(level('im gonna kill my brother if he eats my fries again lol')).toBe('NONE');
    expect(level('i want to kill myself lol')).toBe('MODERATE');
  });

  it('strangling or choking oneself is a method', () => {
    expect(level('Pt attempted to strangle self with bedsheet.')).toBe('HIGH');
  });

  it("relief at one's death and one's funeral are a death wish", () => {
    expect(level('i think my family would be relieved if i died')).toBe('LOW');
    expect(level('i keep imagining my funeral')).toBe('LOW');
  });

  it('saving pills up by pronoun, with pills in the sentence', () => {
    expect(level('i stopped taking my meds so i can save them up')).toBe('HIGH');
  });

  it('visiting a height and looking down is rehearsal', () => {
    expect(level('i went to the bridge last night and looked down for a long time')).toBe('HIGH');
  });

  it('mass violence and harm until death are harm to others', () => {
    expect(level('i fantasize about shooting up my old school')).not.toBe('NONE');
  });

  it('a licence or a call is not means or an overdose', () => {
    expect(level('i have a gun license for work as a security guard')).toBe('NONE');
    expect(level('Pt works as an EMT and responded to an overdose call.')).toBe('NONE');
  });
});

describe('client-voice shapes', () => {
  it('abbreviated durations are read as words: "2 yrs ago" is history', () => {
    expect(level("2 yrs ago i od'd on my moms pills")).toBe('NONE');
  });

  it('an information-seeking question without "you" is educational', () => {
    expect(level('what are the signs someone is suicidal')).toBe('NONE');
    expect(level('is it normal to think about death sometimes')).toBe('NONE');
  });

  it('harm by accident is not harm intended', () => {
    expect(level('Pt worried she might hurt her baby by accident.')).toBe('NONE');
  });

  it('what one might do to oneself, and picturing oneself dead, are ideation', () => {
    expect(level('im scared of what i might do to myself tonight')).not.toBe('NONE');
    expect(level('i cant stop picturing myself dead')).not.toBe('NONE');
  });

  it('a method looked at and thought about is ideation; buying blades is preparation', () => {
    expect(level('i looked at the knives in the kitchen and thought about it')).not.toBe('NONE');
    expect(level('i bought razor blades')).toBe('HIGH');
  });

  it('a decision to do it is a plan', () => {
    expect(level('ive decided im going to do it on friday')).toBe('HIGH');
  });
});

describe('time, worry and hypothetical frames', () => {
  it('remission phrasing dates an episode: "since I last cut", "clean from self harm"', () => {
    expect(level('its been a year since i last cut')).toBe('NONE');
    expect(level('i have been clean from self harm for 6 months')).toBe('NONE');
  });

  it('"the last time ... was before" dates an episode', () => {
    expect(level('the last time i felt suicidal was before i started meds')).toBe('NONE');
  });

  it('"what would happen if" makes the sentence hypothetical', () => {
    expect(level('what would happen if i told you i was having thoughts of suicide')).toBe('NONE');
  });

  it('a worry about going back to self-harm, with an if-clause, is hypothetical', () => {
    expect(level('sometimes i worry ill go back to cutting if things get bad')).toBe('NONE');
  });

  it('a risk topic talked about in class is educational', () => {
    expect(level('we talked about suicide in health class today')).toBe('NONE');
  });

  it('negated frames that are the wish itself count', () => {
    expect(level('i dont think i want to be here anymore')).toBe('LOW');
    expect(level('i dont know why im still here')).toBe('LOW');
  });
});

describe('screens, weapons to the body, threats', () => {
  it('a screen reported positive is current risk; a risk rated low is not', () => {
    expect(level('ASQ screen positive.')).toBe('MODERATE');
    expect(level('PHQ-9 total 18 with positive item 9.')).toBe('LOW');
    expect(level('Suicide risk assessed: low; no SI.')).toBe('NONE');
  });

  it('a weapon held to the body is preparation', () => {
    expect(level('Pt reports he held a knife to his wrist but stopped.')).toBe('HIGH');
  });

  it('threats made toward someone are harm to others', () => {
    expect(level('Pt has been making threats toward his ex-girlfriend.')).not.toBe('NONE');
  });

  it('"wanting to die" is the same wish as "wants to die"', () => {
    expect(level('Pt has been talking about wanting to die.')).toBe('LOW');
  });
});

describe('charting signs and shorthand', () => {
  it('a minus sign before the trigger negates; a dash separator does not', () => {
    expect(level('TC: (-) SI, (-) HI')).toBe('NONE');
    expect(level('-SI/-HI')).toBe('NONE');
    expect(level('Assessment - SI present')).toBe('MODERATE');
  });

  it('a negated reporting verb in the progressive stays negated', () => {
    expect(level('pt not endorsing SI')).toBe('NONE');
  });

  it('danger to self / DTS is current risk', () => {
    expect(level('Pt is a danger to self.')).toBe('MODERATE');
    expect(level('Pt is not a danger to self or others.')).toBe('NONE');
  });
});

describe('client voice: who is who, and everyday words', () => {
  it("in a client's own message, he/she/they as subject are other people", () => {
    expect(level('he told me he took a bunch of pills last night')).toBe('NONE');
    expect(level('she makes me want to die')).toBe('LOW');
    expect(level('i want to punch him until he stops breathing')).not.toBe('NONE');
  });

  it('"asked if" is a question about the client, not a condition', () => {
    expect(level('my therapist asked if i was suicidal and i said yes')).not.toBe('NONE');
    expect(level('my therapist asked if i was suicidal and i said no')).toBe('NONE');
  });

  it('a kitchen knife is not means; a razor hidden is', () => {
    expect(level('i have a knife for cooking')).toBe('NONE');
    expect(level('i have a razor hidden in my room')).toBe('LOW');
  });

  it('"feel like dying" is a wish, "feel like dying my hair" is not', () => {
    expect(level('i feel like dying most days')).toBe('LOW');
    expect(level('i feel like dying my hair purple')).toBe('NONE');
  });

  it('informal negations and "not anymore" remove current risk', () => {
    expect(level('nah im not going to hurt myself')).toBe('NONE');
    expect(level('i have zero thoughts of suicide')).toBe('NONE');
    expect(level('i used to want to die but not anymore')).toBe('NONE');
  });

  it('pills taken in order to die are an attempt', () => {
    expect(level('i took some of my xanax so i wouldnt wake up')).not.toBe('NONE');
  });
});

describe('instrument items answered in a form', () => {
  it('a PHQ-9 item 9 wording with a frequency answer is current risk; "not at all" is not', () => {
    expect(
      level(
        'Thoughts that you would be better off dead or of hurting yourself in some way? Nearly every day',
      ),
    ).not.toBe('NONE');
    expect(
      level('Thoughts that you would be better off dead, or of hurting yourself in some way: not at all'),
    ).toBe('NONE');
  });

  it('an ASQ item in the second person answered yes is current risk', () => {
    expect(level('Have you felt that you or your family would be better off if you were dead? yes')).not.toBe(
      'NONE',
    );
  });
});

describe('informal spellings of the risk words', () => {
  it('a split reflexive, slang and misspellings map to the lexicon, offsets on the original', () => {
    const text = 'i want to kill my self';
    expect(evidence(text)).toEqual(['suicidal_ideation:kill my self']);
    expect(level('i want to unalive')).toBe('MODERATE');
    expect(level('been thinking abt sewerslide')).toBe('MODERATE');
    expect(level('i dont want to kill my self')).toBe('NONE');
  });
});

describe('futility and physical harm to others', () => {
  it('a bare "what\'s the point" is futility; "the point of this assignment" is not', () => {
    expect(level('whats the point')).toBe('LOW');
    expect(level('whats the point of this assignment')).toBe('NONE');
  });

  it('hitting or punching a person is harm to others; beating them at a game is not', () => {
    expect(level('i want to punch my brother in the face')).not.toBe('NONE');
    expect(level('i beat my brother at mario kart')).toBe('NONE');
    expect(level('i hit the snooze button 5 times')).toBe('NONE');
  });
});
