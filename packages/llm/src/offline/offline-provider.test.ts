import type { DeidentifiedContext, UseCase } from '@carerelay/events';
import { describe, expect, it } from 'vitest';
import type { CompletionRequest } from '../provider.js';
import { EMPTY_CONTEXT, FULL_CONTEXT } from '../templates/fixtures.js';
import { templateFor } from '../templates/registry.js';
import { DRAFT_USE_CASES } from '../templates/types.js';
import { validateOutput } from '../templates/validate.js';
import { OfflineTemplateProvider } from './offline-provider.js';

const provider = new OfflineTemplateProvider();

function request(useCase: UseCase, context: DeidentifiedContext): CompletionRequest {
  const t = templateFor(useCase === 'coding' ? 'soap_note' : useCase);
  return { useCase, messages: t.render(context), outputSchema: t.outputSchema, context };
}

async function draft(useCase: UseCase, context: DeidentifiedContext): Promise<Record<string, unknown>> {
  const result = await provider.complete(request(useCase, context));
  return JSON.parse(result.content) as Record<string, unknown>;
}

/** Every string of a draft except the label, enum values and ids (P1). */
function sectionTexts(value: unknown, key = ''): string[] {
  if (typeof value === 'string')
    return ['draftLabel', 'category', 'urgency', 'status', 'id', 'problemIds'].includes(key) ? [] : [value];
  if (Array.isArray(value)) return value.flatMap((item) => sectionTexts(item, key));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => sectionTexts(v, k));
  return [];
}

describe('OfflineTemplateProvider', () => {
  it('is the offline template kind and sends nothing anywhere', () => {
    expect(provider.kind).toBe('OFFLINE_TEMPLATE');
    expect(provider.recipient('soap_note')).toBe('offline-template');
  });

  it.each(DRAFT_USE_CASES)(
    'drafts %s that validates against the template schema, labeled not AI',
    async (useCase) => {
      for (const context of [FULL_CONTEXT, EMPTY_CONTEXT]) {
        const result = await provider.complete(request(useCase, context));
        const validation = validateOutput(templateFor(useCase), result.content);
        expect(validation.ok).toBe(true);
        expect(JSON.parse(result.content)).toHaveProperty('draftLabel', 'Template draft: not AI-generated');
      }
    },
  );

  it('reports no tokens, a stop, its own version and a measured latency', async () => {
    const result = await provider.complete(request('soap_note', FULL_CONTEXT));
    expect(result).toMatchObject({
      finishReason: 'stop',
      promptTokens: 0,
      completionTokens: 0,
      modelVersion: 'offline-template@1.0.0',
      deployment: null,
    });
    expect(Number.isInteger(result.latencyMs) && result.latencyMs >= 0).toBe(true);
  });

  it('drafts the same content for the same inputs', async () => {
    const first = await provider.complete(request('treatment_plan', FULL_CONTEXT));
    const second = await provider.complete(request('treatment_plan', FULL_CONTEXT));
    expect(second.content).toBe(first.content);
  });

  it.each(DRAFT_USE_CASES)(
    'never invents: with an empty context every %s section is a placeholder or null',
    async (useCase) => {
      const texts = sectionTexts(await draft(useCase, EMPTY_CONTEXT));
      for (const text of texts) expect(text.replace(/\[[A-Z][A-Z0-9_]*\]/g, '').trim()).toBe('');
    },
  );

  it('never copies free text: session notes, prior notes and messages stay out of the draft', async () => {
    for (const useCase of DRAFT_USE_CASES) {
      const { content } = await provider.complete(request(useCase, FULL_CONTEXT));
      expect(content).not.toContain('panic attacks twice');
      expect(content).not.toContain('thought record');
      expect(content).not.toContain('move my appointment');
    }
  });

  it('writes the SOAP objective from the session and scores, with published severity bands', async () => {
    const soap = await draft('soap_note', FULL_CONTEXT);
    expect(soap.objective).toBe(
      [
        'Individual session on [DATE_1], telehealth, 53 minutes.',
        'PHQ-9 total 12 (moderate) on [DATE_1].',
        'GAD-7 total 16 (severe) on [DATE_1].',
        '[MENTAL_STATUS_DETAIL]',
      ].join('\n'),
    );
    expect(soap.subjective).toBe('[SUBJECTIVE_DETAIL]');
    expect(soap.assessment).toBe(
      'F41.0 Panic disorder\nF33.1 Major depressive disorder, recurrent, moderate\n[CLINICAL_ASSESSMENT]',
    );
    expect(soap.goalsAddressed).toEqual(['G1', 'G2']);
  });

  it('leaves the duration a placeholder when the session has none', async () => {
    const encounter = { ...FULL_CONTEXT.encounter!, durationMinutes: null };
    const soap = await draft('soap_note', { ...EMPTY_CONTEXT, encounter });
    expect(soap.objective).toBe(
      'Individual session on [DATE_1], telehealth, duration [SESSION_DURATION].\n[MENTAL_STATUS_DETAIL]',
    );
  });

  it('states risk only from PHQ-9 item 9 above 0, and null otherwise', async () => {
    expect((await draft('birp_note', FULL_CONTEXT)).riskStatement).toBe(
      'PHQ-9 item 9 scored 1 on [DATE_1]: any score above 0 needs same-day follow-up. [RISK_FOLLOW_UP]',
    );
    const noItem9 = FULL_CONTEXT.assessments.map((a) => ({ ...a, items: { '9': 0 } }));
    expect((await draft('birp_note', { ...FULL_CONTEXT, assessments: noItem9 })).riskStatement).toBeNull();
  });

  it('never triages a message it cannot read as routine', async () => {
    const context = { ...EMPTY_CONTEXT, messages: FULL_CONTEXT.messages };
    expect(await draft('message_triage', context)).toMatchObject({ category: 'other', urgency: 'same_day' });
  });

  it('triages as clinical_urgent, same day, when PHQ-9 item 9 is above 0', async () => {
    const triage = await draft('message_triage', FULL_CONTEXT);
    expect(triage).toMatchObject({ category: 'clinical_urgent', urgency: 'same_day' });
    expect(triage.suggestedReply).toContain('[CRISIS_RESOURCES]');
  });

  it('extracts intake answers verbatim by question, placeholders where no question maps', async () => {
    expect(await draft('intake_extraction', FULL_CONTEXT)).toEqual({
      draftLabel: 'Template draft: not AI-generated',
      presentingProblem: 'What brings you in today? — I keep having panic attacks at work.',
      history: '[HISTORY_DETAIL]',
      substanceUse: 'How often do you drink alcohol? — A glass of wine on weekends.',
      riskFactorsMentioned: '[RISK_FACTORS_DETAIL]',
      supports: '[SUPPORTS_DETAIL]',
      clientGoals: 'What would you like to be different? — I want to feel calm enough to drive again.',
    });
  });

  it('reports every goal as insufficient data, since progress is a clinical judgment', async () => {
    const progress = await draft('goal_progress', FULL_CONTEXT);
    expect(progress.goals).toEqual([
      { ref: 'G1', status: 'insufficient_data', evidence: '[GOAL_EVIDENCE]' },
      { ref: 'G2', status: 'insufficient_data', evidence: '[GOAL_EVIDENCE]' },
    ]);
  });

  it('builds treatment-plan problems from the diagnoses and keeps the active goals', async () => {
    const plan = await draft('treatment_plan', FULL_CONTEXT);
    expect(plan.problems).toEqual([
      { id: 'P1', statement: 'F41.0 Panic disorder', diagnosisCodes: ['F41.0'] },
      {
        id: 'P2',
        statement: 'F33.1 Major depressive disorder, recurrent, moderate',
        diagnosisCodes: ['F33.1'],
      },
    ]);
    expect(plan.goals).toMatchObject([
      {
        goalRef: 'G1',
        statement: 'Reduce panic attacks to fewer than one per week',
        objectives: [{ targetDate: '[DATE_4]' }],
      },
      {
        goalRef: 'G2',
        objectives: [{ targetDate: null }],
        interventions: [{ description: '[INTERVENTION_DETAIL]' }],
      },
    ]);
  });

  it('rejects coding, which has no draft', async () => {
    await expect(provider.complete(request('coding', FULL_CONTEXT))).rejects.toMatchObject({
      code: 'OFFLINE_UNSUPPORTED_USE_CASE',
    });
  });

  it('fails instead of returning a draft that does not match the requested schema', async () => {
    const soap = templateFor('soap_note');
    const { properties, required } = soap.outputSchema.schema as { properties: object; required: string[] };
    const schema = {
      ...soap.outputSchema.schema,
      properties: { ...properties, signature: { type: 'string' } },
      required: [...required, 'signature'],
    };
    const drifted = {
      ...request('soap_note', FULL_CONTEXT),
      outputSchema: { name: 'soap_note_2_0_0', schema },
    };
    await expect(provider.complete(drifted)).rejects.toMatchObject({ code: 'OFFLINE_DRAFT_INVALID' });
  });
});
