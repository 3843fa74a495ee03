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

  it('a first-person phrase is the speaker\'s even after another person', () => {
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
