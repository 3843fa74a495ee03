import type { DeidentifiedAssessment, DeidentifiedContext } from '@carerelay/events';
import { describe, expect, it } from 'vitest';
import { EMPTY_CONTEXT, FULL_CONTEXT } from './fixtures.js';
import { draftMeasures } from './measures.js';
import { TemplateRegistry } from './registry.js';
import { DRAFT_USE_CASES } from './types.js';

const BOUNDARY = '0123456789abcdef0123456789abcdef';
const fixed = TemplateRegistry.load({ newBoundary: () => BOUNDARY });

/** A window of scores as the adapter lists them: newest first, dates as tokens. */
const series = (instrument: 'PHQ-9' | 'GAD-7', totalsNewestFirst: number[], firstToken = 1) =>
  totalsNewestFirst.map((total, i): DeidentifiedAssessment => ({
    instrument,
    loinc: instrument === 'PHQ-9' ? '44261-6' : '70274-6',
    date: `[DATE_${firstToken + i}]`,
    total,
    items: {},
    subject: false,
  }));

const WITH_SERIES: DeidentifiedContext = {
  ...FULL_CONTEXT,
  assessments: [...series('PHQ-9', [14, 15, 13, 14, 16]), ...series('GAD-7', [6, 9, 13], 10)],
};

const userMessage = (useCase: 'goal_progress' | 'treatment_plan', context: DeidentifiedContext): string =>
  fixed.templateFor(useCase).render(context)[1]!.content;

describe('measurement-based care in the prompt', () => {
  it('is declared by goal progress and treatment plan only', () => {
    const measured = DRAFT_USE_CASES.filter((u) => fixed.templateFor(u).measurementBasedCare);
    expect([...measured].sort()).toEqual(['goal_progress', 'treatment_plan']);
  });

  it.each(['goal_progress', 'treatment_plan'] as const)(
    '%s gives the model the findings computed by rules, inside a data block',
    (useCase) => {
      const user = userMessage(useCase, WITH_SERIES);
      const section = user.split(
        'Measurement-based care findings (computed by rules from the scores):\n',
      )[1]!;
      const block = section.slice(0, section.indexOf(`<<<END ${BOUNDARY}>>>`));
      expect(block.startsWith(`<<<DATA ${BOUNDARY}>>>\n`)).toBe(true);
      expect(block).toContain(
        'PHQ-9 stagnation (no change of 6 points or more over the last 4 or more scores): met over the last 5 scores since [DATE_5]',
      );
      expect(block).toContain(
        'GAD-7 response (a drop of 50% or more from baseline, to 6 or less): met since [DATE_10] (6 on [DATE_10]).',
      );
    },
  );

  it('writes "(none)" when there are no scores', () => {
    expect(userMessage('goal_progress', EMPTY_CONTEXT)).toContain(
      'Measurement-based care findings (computed by rules from the scores):\n(none)',
    );
  });

  it('carries to the draft the same sentences the prompt gave, and the points oldest first', () => {
    const template = fixed.templateFor('goal_progress');
    const measures = draftMeasures(template, WITH_SERIES);
    expect(measures.map((m) => m.instrument)).toEqual(['PHQ-9', 'GAD-7']);
    expect(measures[1]!.points).toEqual([
      { date: '[DATE_12]', total: 13 },
      { date: '[DATE_11]', total: 9 },
      { date: '[DATE_10]', total: 6 },
    ]);
    const user = userMessage('goal_progress', WITH_SERIES);
    for (const sentence of measures.flatMap((m) => m.findings)) expect(user).toContain(sentence);
  });

  it('carries nothing for a draft whose template is not measurement-based', () => {
    expect(draftMeasures(fixed.templateFor('soap_note'), WITH_SERIES)).toEqual([]);
    expect(draftMeasures(fixed.templateFor('goal_progress'), EMPTY_CONTEXT)).toEqual([]);
  });
});
