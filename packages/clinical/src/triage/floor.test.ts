import { describe, expect, it } from 'vitest';
import type { RiskLevel } from '../risk/index.js';
import {
  MINIMUM_TRIAGE,
  raiseTriage,
  triageFloor,
  type MinimumTriage,
  type Triage,
  type TriageUrgency,
} from './floor.js';

describe('minimum triage per risk level', () => {
  it.each<[RiskLevel, TriageUrgency, boolean]>([
    ['NONE', 'routine', false],
    ['LOW', 'same_day', false],
    ['MODERATE', 'same_day', true],
    ['HIGH', 'emergency', true],
    ['IMMINENT', 'emergency', true],
  ])('%s → at least %s, clinical_urgent required: %s', (level, urgency, clinicalUrgent) => {
    expect(MINIMUM_TRIAGE[level]).toEqual({ urgency, clinicalUrgent });
  });
});

describe('raiseTriage raises, never lowers', () => {
  const min = (urgency: TriageUrgency, clinicalUrgent = false): MinimumTriage => ({
    urgency,
    clinicalUrgent,
  });
  it.each<[string, Triage, MinimumTriage, Triage, boolean]>([
    [
      'routine to same_day, category kept',
      { category: 'other', urgency: 'routine' },
      min('same_day'),
      { category: 'other', urgency: 'same_day' },
      true,
    ],
    [
      'scheduling to clinical_urgent same_day',
      { category: 'scheduling', urgency: 'routine' },
      min('same_day', true),
      { category: 'clinical_urgent', urgency: 'same_day' },
      true,
    ],
    [
      'same_day to emergency',
      { category: 'clinical_urgent', urgency: 'same_day' },
      min('emergency', true),
      { category: 'clinical_urgent', urgency: 'emergency' },
      true,
    ],
    [
      'category alone',
      { category: 'clinical_routine', urgency: 'same_day' },
      min('same_day', true),
      { category: 'clinical_urgent', urgency: 'same_day' },
      true,
    ],
    [
      'an emergency stays an emergency under LOW',
      { category: 'clinical_urgent', urgency: 'emergency' },
      min('same_day'),
      { category: 'clinical_urgent', urgency: 'emergency' },
      false,
    ],
    [
      'clinical_urgent is kept when the floor is routine',
      { category: 'clinical_urgent', urgency: 'same_day' },
      min('routine'),
      { category: 'clinical_urgent', urgency: 'same_day' },
      false,
    ],
    [
      'a routine floor changes nothing',
      { category: 'billing', urgency: 'routine' },
      min('routine'),
      { category: 'billing', urgency: 'routine' },
      false,
    ],
  ])('%s', (_name, from, minimum, expected, raised) => {
    const result = raiseTriage(from, minimum);
    expect(result.triage).toEqual(expected);
    expect(result.raised).toBe(raised);
    expect(result.from).toEqual(from);
  });
});

describe('triageFloor over one client message', () => {
  it.each<[string, RiskLevel, TriageUrgency, boolean]>([
    ["I don't want to be here anymore", 'LOW', 'same_day', false],
    ['i dont want to be here anymore. can someone call me', 'LOW', 'same_day', false],
    ['I have been thinking about killing myself.', 'MODERATE', 'same_day', true],
    ['I want to hurt myself again.', 'MODERATE', 'same_day', true],
    ['I have pills saved and I want to die.', 'HIGH', 'emergency', true],
    ["I'm going to kill myself tonight.", 'IMMINENT', 'emergency', true],
    // Idioms, negation, history, other people, hypotheticals: not current risk of the client.
    ["my boss will kill me if I'm late", 'NONE', 'routine', false],
    ['My boss will kill me if I am late again. Can I move my appointment?', 'NONE', 'routine', false],
    ["I'm not suicidal, just tired of the commute.", 'NONE', 'routine', false],
    ['I have no thoughts of hurting myself or anyone else.', 'NONE', 'routine', false],
    ["I tried to kill myself in 2015 but I'm fine now.", 'NONE', 'routine', false],
    ['Years ago I used to cut myself, not anymore.', 'NONE', 'routine', false],
    ['My mother attempted suicide last year and I am worried about her.', 'NONE', 'routine', false],
    ['Can I get a copy of my records for my new insurance?', 'NONE', 'routine', false],
  ])('%s → %s, at least %s, clinical_urgent: %s', (text, level, urgency, clinicalUrgent) => {
    const floor = triageFloor({ messages: [text] });
    expect(floor.level).toBe(level);
    expect(floor.minimum).toEqual({ urgency, clinicalUrgent });
    expect(floor.reasons).toEqual(level === 'NONE' ? [] : [`RISK_${level}`]);
  });

  it('points its evidence at the trigger phrase of the message', () => {
    const text = "Hi, it's [CLIENT]. I don't want to be here anymore.";
    const floor = triageFloor({ messages: [text] });
    expect(floor.evidence).toHaveLength(1);
    const [e] = floor.evidence;
    expect(e).toMatchObject({ message: 0, kind: 'passive_death_wish' });
    expect(text.slice(e!.start, e!.end)).toBe("don't want to be here");
  });

  it('an idiom does not make an emergency: a model that said routine stays routine', () => {
    const floor = triageFloor({ messages: ["my boss will kill me if I'm late, can we move Thursday?"] });
    const result = raiseTriage({ category: 'scheduling', urgency: 'routine' }, floor.minimum);
    expect(result).toMatchObject({ raised: false, triage: { category: 'scheduling', urgency: 'routine' } });
    expect(floor.evidence).toEqual([]);
  });
});

describe('triageFloor over the messages of a triage (newest first)', () => {
  it('an earlier message with risk raises the floor, and its evidence names that message', () => {
    const messages = ['Never mind, can we just reschedule?', 'Honestly I want to die.'];
    const floor = triageFloor({ messages });
    expect(floor.level).toBe('LOW');
    expect(floor.minimum.urgency).toBe('same_day');
    expect(floor.evidence.map((e) => [e.message, messages[e.message]!.slice(e.start, e.end)])).toEqual([
      [1, 'want to die'],
    ]);
  });

  it('the highest level over the messages sets the floor', () => {
    const floor = triageFloor({
      messages: ["I don't want to be here anymore.", 'I bought a gun so I can end it.'],
    });
    expect(floor.level).toBe('HIGH');
    expect(floor.minimum).toEqual({ urgency: 'emergency', clinicalUrgent: true });
    expect(floor.evidence.map((e) => e.message)).toEqual(expect.arrayContaining([0, 1]));
  });

  it('no messages and no scores: routine, no reason', () => {
    expect(triageFloor({ messages: [] })).toEqual({
      level: 'NONE',
      phq9Item9Positive: false,
      minimum: { urgency: 'routine', clinicalUrgent: false },
      reasons: [],
      evidence: [],
    });
  });
});

describe('PHQ-9 item 9 under the floor', () => {
  it.each<[string, string[], number[], TriageUrgency, boolean]>([
    ['item 9 = 1, no risk language', ['Can we talk about my medication?'], [1], 'same_day', true],
    ['item 9 = 0', ['Can we talk about my medication?'], [0], 'routine', false],
    ['item 9 = 0 in one score, 2 in another', [], [0, 2], 'same_day', true],
    [
      'item 9 with LOW language: clinical_urgent too',
      ["I don't want to be here anymore"],
      [1],
      'same_day',
      true,
    ],
    [
      'item 9 with HIGH language: still an emergency',
      ['I have the pills ready and I want to die.'],
      [1],
      'emergency',
      true,
    ],
  ])('%s', (_name, messages, phq9Item9Scores, urgency, clinicalUrgent) => {
    const floor = triageFloor({ messages, phq9Item9Scores });
    expect(floor.minimum).toEqual({ urgency, clinicalUrgent });
    expect(floor.phq9Item9Positive).toBe(phq9Item9Scores.some((s) => s > 0));
    expect(floor.reasons.includes('PHQ9_ITEM9_POSITIVE')).toBe(floor.phq9Item9Positive);
  });
});
