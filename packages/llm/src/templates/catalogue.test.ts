import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE, USE_CASES } from '@carerelay/policy';
import { templateFor } from './registry.js';
import { DRAFT_USE_CASES, isModelDrafted } from './types.js';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const templateFolders = (): string[] =>
  readdirSync(TEMPLATES, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();

const modelUseCases = USE_CASES.filter((u) => CATALOGUE[u].producer.kind === 'model');
const rulesUseCases = USE_CASES.filter((u) => CATALOGUE[u].producer.kind === 'rules');

describe('prompt templates follow the use-case catalogue', () => {
  it.each(modelUseCases)('the model use case %s has a prompt template', (useCase) => {
    expect(templateFor(useCase).useCase).toBe(useCase);
  });

  it.each(rulesUseCases)('the rules use case %s has no prompt template', (useCase) => {
    expect(() => templateFor(useCase)).toThrow(expect.objectContaining({ code: 'TEMPLATE_NOT_FOUND' }));
    expect(templateFolders()).not.toContain(useCase);
    expect(isModelDrafted(useCase)).toBe(false);
  });

  it('drafts exactly the eight model use cases; coding and outcome review are rules', () => {
    expect([...DRAFT_USE_CASES].sort()).toEqual([
      'birp_note',
      'chart_summary',
      'dap_note',
      'goal_progress',
      'intake_extraction',
      'message_triage',
      'soap_note',
      'treatment_plan',
    ]);
    expect(rulesUseCases).toEqual(['coding', 'outcome_review']);
  });

  it('has a template folder for every drafted use case and for nothing else', () => {
    expect(templateFolders()).toEqual([...DRAFT_USE_CASES].sort());
  });
});
