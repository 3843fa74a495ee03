import type { DeidentifiedContext } from '@carerelay/events';
import { describe, expect, it } from 'vitest';
import { OfflineTemplateProvider } from './offline/offline-provider.js';
import { EMPTY_CONTEXT } from './templates/fixtures.js';
import { templateFor } from './templates/registry.js';
import { placeholdersIn, validateOutput } from './templates/validate.js';
import { applyTriageFloor } from './triage-floor.js';

const withMessages = (...texts: string[]): DeidentifiedContext => ({
  ...EMPTY_CONTEXT,
  messages: texts.map((text, i) => ({ sentAt: `[DATE_${i + 1}]`, text })),
});

/** What a model that reads the message as harmless would answer. */
const modelSaid = (urgency: string, category = 'other'): Record<string, unknown> => ({
  draftLabel: 'AI-Assisted Draft',
  category,
  urgency,
  rationale: '[CLIENT] sent a general message.',
  suggestedReply: 'Thank you for your message, [CLIENT].',
});

const template = templateFor('message_triage');

describe('applyTriageFloor on a model triage', () => {
  it('"I don\'t want to be here anymore" answered routine is raised to same_day, and says why', () => {
    const message = "Hi it's [CLIENT]. I don't want to be here anymore.";
    const { draft, decision } = applyTriageFloor(modelSaid('routine'), withMessages(message));
    expect(draft).toMatchObject({ category: 'other', urgency: 'same_day' });
    expect(decision).toMatchObject({ raised: true, urgencyRaised: true, categoryRaised: false });
    const [line, modelLine] = String(draft.rationale).split('\n');
    expect(line).toBe(
      'Raised by CareRelay risk rules from routine (other) to same_day (other): risk language LOW. ' +
        `Evidence: message 1 (newest) [20,41) passive death wish "don't want to be here".`,
    );
    expect(message.slice(20, 41)).toBe("don't want to be here");
    expect(modelLine).toBe('[CLIENT] sent a general message.');
    expect(draft.suggestedReply).toBe('Thank you for your message, [CLIENT].\n[CRISIS_RESOURCES]');
  });

  it('the raised draft still matches the template schema, and its placeholders are listed', () => {
    const { draft } = applyTriageFloor(
      modelSaid('routine', 'scheduling'),
      withMessages("I'm going to kill myself tonight."),
    );
    expect(draft).toMatchObject({ category: 'clinical_urgent', urgency: 'emergency' });
    expect(validateOutput(template, JSON.stringify(draft))).toMatchObject({ ok: true });
    expect(placeholdersIn(draft)).toEqual(['[CRISIS_RESOURCES]']);
  });

  it.each<[string, string, string]>([
    ['an idiom', "My boss will kill me if I'm late again, can we move Thursday?", 'routine'],
    [
      'an idiom, model said same_day',
      "My boss will kill me if I'm late again, can we move Thursday?",
      'same_day',
    ],
    ['a negation', "I'm not suicidal, I just need my refill.", 'routine'],
    ['a remote history', "I tried to kill myself years ago but I'm doing fine now.", 'routine'],
    ['another person', 'My brother attempted suicide last week and I am worried about him.', 'routine'],
  ])('%s is left as the model drafted it', (_name, message, urgency) => {
    const answer = modelSaid(urgency);
    const { draft, decision } = applyTriageFloor(answer, withMessages(message));
    expect(decision.raised).toBe(false);
    expect(draft).toEqual(answer);
  });

  it('never lowers: an emergency over LOW language stays an emergency, rationale untouched', () => {
    const answer = modelSaid('emergency', 'clinical_urgent');
    const { draft, decision } = applyTriageFloor(answer, withMessages("I don't want to be here anymore"));
    expect(decision.raised).toBe(false);
    expect(draft).toEqual(answer);
  });

  it('a positive PHQ-9 item 9 makes a routine scheduling triage clinical_urgent, same day', () => {
    const context: DeidentifiedContext = {
      ...withMessages('Can we move my appointment?'),
      assessments: [
        {
          instrument: 'PHQ-9',
          loinc: '44261-6',
          date: '[DATE_9]',
          total: 8,
          items: { '44260-8': 1 },
          subject: false,
        },
      ],
    };
    const { draft } = applyTriageFloor(modelSaid('routine', 'scheduling'), context);
    expect(draft).toMatchObject({ category: 'clinical_urgent', urgency: 'same_day' });
    expect(String(draft.rationale)).toMatch(
      /^Raised by CareRelay risk rules from routine \(scheduling\) .*: PHQ-9 item 9 above 0\.$/m,
    );
  });
});

describe('the offline drafter under the same floor (npm start)', () => {
  const provider = new OfflineTemplateProvider();
  async function offlineTriage(context: DeidentifiedContext): Promise<Record<string, unknown>> {
    const result = await provider.complete({
      useCase: 'message_triage',
      messages: template.render(context),
      outputSchema: template.outputSchema,
      context,
    });
    return JSON.parse(result.content) as Record<string, unknown>;
  }

  it('"I don\'t want to be here anymore" is same-day, and the rationale names the evidence', async () => {
    const draft = await offlineTriage(withMessages("I don't want to be here anymore"));
    expect(draft).toMatchObject({ urgency: 'same_day' });
    expect(String(draft.rationale)).toContain(
      'CareRelay risk rules: risk language LOW. Evidence: message 1 (newest) [2,23)',
    );
  });

  it('an imminent message is an emergency, clinical_urgent, with crisis resources', async () => {
    const draft = await offlineTriage(
      withMessages('I have the pills ready and I am going to do it tonight.'),
    );
    expect(draft).toMatchObject({ category: 'clinical_urgent', urgency: 'emergency' });
    expect(String(draft.suggestedReply)).toContain('[CRISIS_RESOURCES]');
    expect(validateOutput(template, JSON.stringify(draft))).toMatchObject({ ok: true });
  });

  it('an idiom stays a same-day look at most, never an emergency, with no rules line', async () => {
    const draft = await offlineTriage(
      withMessages("My boss will kill me if I'm late, can we move Thursday?"),
    );
    expect(draft).toMatchObject({ category: 'other', urgency: 'same_day', rationale: '[TRIAGE_RATIONALE]' });
  });
});
