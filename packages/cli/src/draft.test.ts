import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CLIENTS, sandboxSeedResources } from '@carerelay/ehr/sandbox';
import { startAzureRecorder } from '@carerelay/llm/testing';
import { draftFromBundle } from './draft.js';

/** A one-client Bundle from the sandbox's synthetic seed (Avery, who has the 53-minute session). */
function averyBundle(): string {
  const avery = SANDBOX_CLIENTS.avery;
  const mine = (r: { resourceType: string; id?: string }): boolean => {
    const text = JSON.stringify(r);
    return (
      r.id === avery.patientId ||
      text.includes(`Patient/${avery.patientId}`) ||
      r.resourceType === 'Practitioner'
    );
  };
  const entry = (sandboxSeedResources() as Array<{ resourceType: string; id?: string }>)
    .filter(mine)
    .map((resource) => ({ resource }));
  const file = join(mkdtempSync(join(tmpdir(), 'bundle-')), 'avery.json');
  writeFileSync(file, JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry }));
  return file;
}

async function run(useCase: string, env: NodeJS.ProcessEnv): Promise<{ code: number; text: string }> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString()));
  const code = await draftFromBundle({ bundle: averyBundle(), useCase }, out, env);
  return { code, text: chunks.join('') };
}

describe('carerelay draft --bundle', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  it('drafts through Azure (AZURE_OPENAI_*): the endpoint sees tokens only, the printed draft is re-identified', async () => {
    const avery = SANDBOX_CLIENTS.avery;
    const recorder = await startAzureRecorder(() => ({
      status: 200,
      content: JSON.stringify({
        draftLabel: 'AI-Assisted Draft',
        subjective: '[CLIENT] reports better sleep.',
        objective: '[OBJECTIVE_DETAIL]',
        assessment: 'Improving.',
        plan: 'Continue CBT.',
        riskStatement: null,
        goalsAddressed: ['G1'],
      }),
    }));
    closers.push(recorder.close);
    const { code, text } = await run('soap_note', {
      AZURE_OPENAI_ENDPOINT: recorder.url,
      AZURE_OPENAI_API_KEY: 'k',
      AZURE_OPENAI_DEPLOYMENT: 'notes',
      OPENAI_API_VERSION: '2024-10-21',
    });
    const sent = recorder.requests.map((r) => r.body).join('\n');
    if (code !== 0) console.log(text);
    expect(code).toBe(0);
    expect(recorder.requests).toHaveLength(1);
    expect(recorder.requests[0]!.path).toBe('/openai/deployments/notes/chat/completions');
    for (const id of [avery.family, avery.given, avery.mrn, avery.birthDate, avery.phone])
      expect(sent).not.toContain(id);
    expect(text).toContain(`${avery.given} Lindqvist reports better sleep.`);
    expect(text).toMatch(/AI-Assisted Draft — review and sign/);
    const trail = text
      .split('--- audit trail ---\n')[1]!
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string });
    expect(trail.map((e) => e.action)).toEqual([
      'POLICY_DECISION',
      'PHI_ACCESS',
      'DEID',
      'LLM_CALL',
      'DRAFT_WRITTEN',
      'PHI_DISCLOSURE',
    ]);
    expect(text.split('--- audit trail ---')[1]).not.toContain(avery.family);
  });

  it('without a model configured, drafts offline and says so; rejects an unknown use case', async () => {
    const { code, text } = await run('dap_note', {});
    expect(code).toBe(0);
    expect(text.startsWith('Template draft: not AI-generated')).toBe(true);
    await expect(run('poem', {})).rejects.toMatchObject({ code: 'CLI_BAD_USE_CASE' });
  });
});
