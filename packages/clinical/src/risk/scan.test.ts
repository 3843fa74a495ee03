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
    ['Pt states she wants to stab her stepfather.', 'MODERATE'],
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

  it('a threat after an if-clause counts, and keeps its intent (see the level rules below)', () => {
    expect(level('If my boyfriend leaves I will kill myself.')).toBe('HIGH');
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

// Mechanisms generalized from client-voice text (portal messages, intake answers, MSE, nursing
// notes). Each test states the rule; its sentences are paraphrases, not the data set's rows.
describe('client-voice mechanisms', () => {
  it('rule: saying one would already have used a lethal means if one had it is ideation', () => {
    expect(level('if i had access to a gun i would use it')).not.toBe('NONE');
    expect(level('if i had pills i would take them all')).not.toBe('NONE');
    expect(level('if i had a gun i would go to the range more')).toBe('NONE');
  });

  it('rule: two indirect farewells in one message are a goodbye, unless an ordinary reason is given', () => {
    expect(level('thank you for trying. i will be gone by morning')).toBe('IMMINENT');
    expect(level('i wont need my winter coat anymore. you can give it to someone')).toBe('HIGH');
    expect(level('dont bother scheduling me next month')).toBe('NONE');
    expect(
      level(
        'this is my last session bc im moving to denver. thank you for everything and take care of yourself',
      ),
    ).toBe('NONE');
    expect(
      level(
        "I won't be needing the appointment next week since I'm feeling much better. Thanks for everything!",
      ),
    ).toBe('NONE');
  });

  it('rule: swallowing whatever was to hand is an overdose', () => {
    expect(level('i took everything in the medicine cabinet')).not.toBe('NONE');
  });

  it('rule: "im done" after a statement of hopelessness is giving up; alone it is not', () => {
    expect(level('its over. im done')).toBe('LOW');
    expect(level('ok im done. see you thursday')).toBe('NONE');
    expect(level("i'm done with my homework.")).toBe('NONE');
  });

  it('rule: an urge to crash the car is ideation', () => {
    expect(level('i keep thinking about crashing my car into a wall')).not.toBe('NONE');
    expect(level('i want to crash the party')).toBe('NONE');
  });

  it('rule: not trusting oneself, or "i am not safe", is a failure to keep oneself safe (intent)', () => {
    expect(level('Pt states "I don\'t trust myself right now."')).toBe('HIGH');
    expect(level('i am not safe. please call')).toBe('HIGH');
    expect(level("i don't trust myself with money")).toBe('NONE');
    expect(level("i'm not safe to drive after taking my meds")).toBe('NONE');
    expect(level('Pt is not safe at home with her partner.')).toBe('NONE');
  });

  it('rule: feeling already dead or gone is a death wish', () => {
    expect(level('i feel like im already dead')).toBe('LOW');
  });

  it('rule: preoccupation with a named means (thinking about it again and again, counting it) is ideation with means', () => {
    expect(level('my dads rifle is in the basement. i keep thinking about it')).toBe('HIGH');
    expect(level('i cant stop thinking about the bottle of pills in my nightstand')).not.toBe('NONE');
    expect(level('i keep thinking about the concert')).toBe('NONE');
  });

  it('rule: means in the client words (a large number of pills, a ligature kept, a gun whose code one knows) are access; disposed means are not', () => {
    expect(evidence('i have 90 of my klonopin in a drawer')).toEqual(['means:have 90 of my klonopin']);
    expect(level('i still have the rope')).toBe('LOW');
    expect(level('the gun is in a lockbox but i know the combination')).toBe('LOW');
    expect(level('my dad had a gun but he sold it')).toBe('NONE');
    expect(level('i have 30 days of my meds left')).toBe('NONE');
  });

  it('rule: checking whether a height or a method would be lethal is preparation', () => {
    expect(level('checked how high the bridge is')).toBe('HIGH');
    expect(level('the balcony is high enough to see the lake')).toBe('NONE');
  });

  it('rule: hoping one body gives out, or not caring if one dies, is a death wish', () => {
    expect(level('i hope the drinking kills me')).toBe('MODERATE'); // acted on through danger: see the level rules
    expect(level('I don’t care if I die anymore.')).toBe('LOW');
  });

  it('rule: an injury to any part of one own body done on purpose is self-harm; an accident is not', () => {
    expect(level('i slashed my arm on purpose last night')).toBe('MODERATE');
    expect(level("I've been burning my hand on the stove on purpose.")).toBe('MODERATE');
    expect(level('Resident banging head against the wall during a meltdown.')).toBe('MODERATE');
    expect(level('i cut my finger chopping onions')).toBe('NONE');
    expect(level('i hit my leg on the table')).toBe('NONE');
    expect(level('Pt hit her head on the cabinet door.')).toBe('NONE');
  });

  it('rule: risk taken hoping to be harmed is a death wish (a participle ends a "without" negation)', () => {
    expect(level('i drive without a seatbelt hoping i crash')).toBe('LOW');
  });

  it('rule: death as relief, and rumination on death, are a death wish', () => {
    expect(level('it would be a relief to just die')).toBe('LOW');
    expect(level('MSE: ruminating about death.')).toBe('LOW');
  });

  it('rule: a plan with no object in the client words is a plan, unless its coping steps follow', () => {
    expect(level("i've got a plan now")).toBe('HIGH');
    expect(level('i have a plan and the means')).toBe('HIGH');
    expect(level("I have a plan. I'm going to call my sponsor when I get cravings.")).toBe('NONE');
    expect(level('I have a plan for the weekend.')).toBe('NONE');
  });

  it('rule: finding a way to die, and voices urging it, are ideation', () => {
    expect(level('the voice keeps telling me to kill myself')).not.toBe('NONE');
    expect(level('im going to find a way to die in here')).not.toBe('NONE');
  });

  it('rule: a permanent fix for being a burden is ideation; "a burden" alone is not a trigger', () => {
    expect(level('i am such a burden to everyone. i want to fix it for good')).toBe('MODERATE');
    expect(level('sorry to be a burden but can you resend the form')).toBe('NONE');
  });

  it('rule: a weapon held to one own body, referred to by a pronoun, is preparation', () => {
    expect(level('took a razor out and pressed it against my wrist')).toBe('HIGH');
  });

  it('rule: "take out" a person and threats to the listener are harm to others', () => {
    expect(level('i want to take him out. he deserves it')).not.toBe('NONE');
    expect(level('ill kill all of you')).not.toBe('NONE');
    expect(level('i want to take out my sister for her birthday')).toBe('NONE');
    expect(level('the staff took him out for a walk')).toBe('NONE');
  });

  it('rule: on a ledge or railing of any kind is preparation; a ligature tied to a fixture is an attempt', () => {
    expect(level('Pt was found standing on the window ledge.')).not.toBe('NONE');
    expect(level('Pt tried to tie a belt to the closet rod; staff intervened.')).not.toBe('NONE');
    expect(level('Pt attempted to tie his shoes; staff assisted.')).toBe('NONE');
  });

  it('rule: not knowing how much longer one can keep going is a death wish; going to a place is not', () => {
    expect(level('not sure how much longer i can keep going like this')).toBe('NONE');
    expect(level('i dont know how much longer i can go on')).toBe('LOW');
    expect(level('I dont know how much longer i can keep going to this gym')).toBe('NONE');
  });

  it('rule: the only thing keeping one alive, and "i would already be dead/gone", are ideation', () => {
    expect(level('the only thing keeping me alive is my dog')).toBe('MODERATE');
    expect(level('if it werent for my kids id be gone')).toBe('MODERATE');
    expect(level('the only thing stopping me from moving is the rent')).toBe('NONE');
    expect(level("i'd be dead without my therapist lol")).toBe('NONE');
  });

  it('rule: no way out but death is ideation', () => {
    expect(level('there is no way out but to die')).toBe('MODERATE');
    expect(level("there's no way out of this lease")).toBe('NONE');
  });

  it('rule: fearing what one will do to oneself is ideation', () => {
    expect(level("i'm scared i'll do something to myself tonight")).not.toBe('NONE');
  });

  it('rule: a negated frame that is the wish itself ("dont see the point in living") counts', () => {
    expect(level('i dont see the point in living since she left')).toBe('LOW');
    expect(level("I don't want to do this whole life thing anymore.")).toBe('LOW');
  });

  it('rule: a rating of zero on a scale negates the rated item', () => {
    expect(level('Pt rated anxiety 8/10 and suicidal urges 0 out of 10.')).toBe('NONE');
  });

  it('rule: a generic group (people who, patients who) or "the man/woman in ..." is another experiencer', () => {
    expect(level('Pt asks what happens to people who say they are suicidal.')).toBe('NONE');
    expect(level('The woman next door yells that she will kill herself; it upsets me.')).toBe('NONE');
  });

  it('rule: a teaching label heads its whole sentence as education', () => {
    expect(
      level('Discharge teaching: store meds safely; an overdose of acetaminophen can damage the liver.'),
    ).toBe('NONE');
  });

  it('rule: an episode dated by a spelled age, or that has lifted, is history', () => {
    expect(level('Overdose at sixteen after a breakup; nothing since.')).toBe('NONE');
    expect(level('The suicidal thoughts he had during chemo have completely subsided.')).toBe('NONE');
    expect(level('During my separation I had a plan to overdose but I got through it.')).toBe('NONE');
  });

  it('rule: a form answer after "A:" belongs to its question (negative and positive)', () => {
    expect(level('Q: Any thoughts of hurting yourself? A: nope')).toBe('NONE');
    expect(level('Q: Any thoughts of killing yourself? A: Only at night.')).not.toBe('NONE');
    expect(level('Q: Has anyone in your family died by suicide? A: Not that I know of.')).toBe('NONE');
  });

  it('rule: a safety-plan step ("my plan is to call my sister") is not a suicide plan', () => {
    expect(level('if i feel that way again my plan is to call my sister and go to the ER')).toBe('NONE');
  });

  it('rule: a project on a risk topic (podcast, episode, book one is reading) is education; "rejects" negates', () => {
    expect(level('I am making a podcast episode about suicide stigma.')).toBe('NONE');
    expect(level('Pt rejects thoughts of self-harm.')).toBe('NONE');
  });

  it('rule: someone "trying to kill me" with work is an idiom, not a suicide attempt', () => {
    expect(level('my coach is trying to kill me with these sprints')).toBe('NONE');
  });

  it('rule: a feared trajectory ("worry i will end up like my dad") is not a present wish', () => {
    expect(level("I worry I'll turn out like my mom and end up killing myself someday.")).toBe('NONE');
  });
});

describe('ward and message mechanisms', () => {
  it('rule: swallowing non-food objects is self-harm', () => {
    expect(level('Pt swallowed a pen cap and two paper clips.')).toBe('MODERATE');
  });

  it('rule: telling someone they will not see you again is ideation', () => {
    expect(level('Pt stated to staff, "you won\'t see me tomorrow."')).toBe('MODERATE');
  });

  it('rule: a ligature in hand while standing on something is preparation in progress (IMMINENT)', () => {
    expect(level('RN found pt standing on chair with belt in hand.')).toBe('IMMINENT');
  });

  it('rule: refusing a safety contract is a failure to commit to safety', () => {
    expect(level('Pt refused safety contract.')).toBe('HIGH');
  });

  it('rule: prolonged attention to a means (staring at the pills for an hour) is ideation', () => {
    expect(level('i looked at the pills for an hour last night')).toBe('MODERATE');
    expect(level('i looked at the menu for a while')).toBe('NONE');
  });

  it('rule: a self-harm site still bleeding is self-harm', () => {
    expect(level('my wrist is still bleeding from earlier')).toBe('MODERATE');
  });

  it('rule: not promising to be safe is a safety statement (HIGH, not IMMINENT)', () => {
    expect(level('i cant promise ill be safe tonight')).toBe('HIGH');
  });

  it('rule: asking forgiveness ahead for what one is about to do is intent', () => {
    expect(level('please dont be mad at me for what im about to do')).toBe('IMMINENT');
  });

  it('rule: pills next to the client are set out to use; with "right now" imminent', () => {
    expect(level("there's a bottle of vodka and my pills next to me rn")).toBe('IMMINENT');
  });

  it('rule: means locked away by someone else who holds the code is not access', () => {
    expect(level('the gun is in the safe and locked, my husband has the code')).toBe('NONE');
  });
});

describe('more client phrasings', () => {
  it('rule: wanting out, not lasting much longer, and being ready to die are a death wish', () => {
    expect(level('im so tired of everything i just want out')).toBe('LOW');
    expect(level('i want out of this group chat')).toBe('NONE');
    expect(level('i dont think i can do this much longer')).toBe('LOW');
    expect(level("i'm ready to go. i'm at peace with it")).toBe('LOW');
    expect(level("i'm ready to go. let's leave at 5")).toBe('NONE');
  });

  it('rule: jumping from any height (balcony, window, a floor) is a method', () => {
    expect(level('i want to jump off my balcony')).toBe('MODERATE');
    expect(level('my cat jumped off the couch')).toBe('NONE');
  });

  it('rule: bringing a weapon to a public place is preparation', () => {
    expect(level("i'm going to bring my dads gun to school")).toBe('HIGH');
  });

  it('rule: "nothing left to live for" is a death wish', () => {
    expect(level('Pt states he has "nothing left to live for."')).toBe('LOW');
  });

  it('rule: a fixation on "it" needs the means before it, not after', () => {
    expect(level('i keep thinking about the exam. my pills are helping')).toBe('NONE');
  });
});

describe('precision mechanisms', () => {
  it('rule: a bare "plans to <ordinary verb>" is a life plan, not a suicide plan', () => {
    expect(level('Pt denies SI/HI; future oriented; plans to return to school.')).toBe('NONE');
    expect(level('SI with a plan to do it this weekend.')).not.toBe('NONE');
  });

  it('rule: "none currently" after a risk word dates it to the past', () => {
    expect(level('Pt reports passive SI last month, none currently.')).toBe('NONE');
  });

  it('rule: "not safe driving" is about driving, not about the client\'s safety', () => {
    expect(level("i'm not safe driving at night because of my eyes")).toBe('NONE');
  });
});

describe('everyday words', () => {
  it('rule: an injury during an everyday task is an accident', () => {
    expect(level('i cut myself shaving')).toBe('NONE');
    expect(level('i cut myself again last night')).toBe('MODERATE');
  });

  it('rule: "die" before hair or clothes is "dye"', () => {
    expect(level('i want to die my hair blue')).toBe('NONE');
  });

  it('rule: stockpiling food or supplies is not preparation', () => {
    expect(level('i stockpiled snacks for the storm')).toBe('NONE');
    expect(level('she has been stockpiling her oxycodone')).toBe('HIGH');
  });
});

describe('clinical shorthand and formulations', () => {
  it('rule: S/I and H/I are SI and HI', () => {
    expect(level('S/I present, passive.')).toBe('LOW');
    expect(level('H/I denied.')).toBe('NONE');
  });

  it('rule: being unable to name reasons for living is a death wish', () => {
    expect(level('Safety: pt unable to identify reasons for living.')).toBe('LOW');
  });

  it('rule: a rated risk ("high risk for self-harm") is a formulation, not education; "given" there means "because of"', () => {
    expect(level('A: high risk for self-harm given recent attempt and ongoing SI.')).not.toBe('NONE');
    expect(level('Reviewed risk factors for suicide with the family.')).toBe('NONE');
    expect(level('Pt was given a handout on self-harm.')).toBe('NONE');
  });

  it('rule: behavior most recently within 3 months is current, despite a history cue (C-SSRS)', () => {
    expect(level('Pt w/ hx of SA x3, most recent 1 month ago.')).toBe('HIGH');
    expect(level('Pt w/ hx of SA x3, most recent 2015.')).toBe('NONE');
  });

  it('rule: "going to do something bad/stupid" said of oneself is ideation', () => {
    expect(level("i feel like i'm going to do something bad tonight")).not.toBe('NONE');
    expect(level('i did something stupid at work today')).toBe('NONE');
  });

  it('rule: "took too many" is an overdose; "goodbye everyone" with "i love you" is a farewell', () => {
    expect(level('plz help i took too many')).toBe('IMMINENT');
    expect(level('goodbye everyone. i love you')).toBe('HIGH');
    expect(level('goodbye everyone, off on vacation! i love you')).toBe('NONE');
  });
});

describe('level rules decided by DOMAIN.md', () => {
  it('rule: an overdose reported with present symptoms or while seeking help is IMMINENT', () => {
    expect(level('i took a bunch of my xanax and now im dizzy and throwing up')).toBe('IMMINENT');
    expect(level('i took a bunch of pills last year')).toBe('NONE');
  });

  it('rule: an attempt interrupted by staff, or a threat for when one gets home, is IMMINENT', () => {
    expect(level('Pt tried to hang herself with a towel; staff intervened.')).toBe('IMMINENT');
    expect(level('Pt states he will shoot himself as soon as he gets home.')).toBe('IMMINENT');
  });

  it('rule: harm to others with a weapon at hand is HIGH (ideation with means)', () => {
    expect(level('Pt has homicidal thoughts and owns a shotgun.')).toBe('HIGH');
  });

  it('rule: a death wish acted on through danger (skipping insulin, drinking, speeding) is MODERATE', () => {
    expect(level('stopped taking my insulin because i dont care if i die')).toBe('MODERATE');
    expect(level('i dont care if i die')).toBe('LOW');
  });

  it('rule: command hallucinations hard to resist, "i mean it" after a death wish, and a resolve to find a way are intent', () => {
    expect(level('Command AH telling her to cut her throat; she has trouble resisting them.')).toBe('HIGH');
    expect(level('i want to die. i really mean it')).toBe('HIGH');
    expect(level('i am going to find a way to do it in here')).not.toBe('NONE');
    expect(level('i mean it, the food here is terrible')).toBe('NONE');
  });

  it('rule: being scared of oneself is ideation', () => {
    expect(level("I'm afraid of what I might do.")).toBe('MODERATE');
  });

  it('rule: a conditional self-threat ("if X, I will end it") keeps its intent → HIGH (C-SSRS Q4)', () => {
    expect(level('If my boyfriend leaves I will kill myself.')).toBe('HIGH');
    expect(level('if they send me home i will walk into the lake')).toBe('HIGH');
    // Hyperbole marked as a joke stays a non-interrupting flag.
    expect(level('if i fail this test im gonna kill myself lol')).toBe('MODERATE');
  });

  it('rule: thoughts of harming a named person without intent, plan, threat or act → MODERATE; with one → HIGH', () => {
    expect(level('Pt reports thoughts of hurting her sister, no plan.')).toBe('MODERATE');
    expect(level('I want to hurt my stepdad.')).toBe('MODERATE');
    expect(level('Pt wants to hurt his neighbor and knows where he works.')).toBe('HIGH');
    expect(level('Pt threatened to stab his roommate.')).toBe('HIGH');
    expect(level('HI toward [PERSON_1] with intent.')).toBe('HIGH');
  });
});
