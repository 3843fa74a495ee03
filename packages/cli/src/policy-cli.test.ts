import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { SANDBOX_CLIENTS, sandboxSeedResources } from '@carerelay/ehr/sandbox';
import { startAzureRecorder } from '@carerelay/llm/testing';
import { draftFromBundle } from './draft.js';
import { runPolicy } from './policy.js';

type Res = { resourceType: string; id?: string; [k: string]: unknown };

/** One client's resources from the sandbox seed, as a Bundle file; `edit` may change them. */
function bundleOf(client: keyof typeof SANDBOX_CLIENTS, edit: (r: Res[]) => Res[] = (r) => r): string {
  const c = SANDBOX_CLIENTS[client];
  const mine = (r: Res): boolean =>
    r.id === c.patientId ||
    JSON.stringify(r).includes(`Patient/${c.patientId}`) ||
    r.resourceType === 'Practitioner';
  const entry = edit((sandboxSeedResources() as Res[]).filter(mine)).map((resource) => ({ resource }));
  const file = join(mkdtempSync(join(tmpdir(), 'bundle-')), `${client}.json`);
  writeFileSync(file, JSON.stringify({ resourceType: 'Bundle', type: 'collection', entry }));
  return file;
}

const withoutConsent = (r: Res[]): Res[] => r.filter((x) => x.resourceType !== 'Consent');

/** Avery's record with a nicotine-dependence diagnosis added (F17.210: a smoker, not Part 2). */
const smoker = (r: Res[]): Res[] => [
  ...r,
  {
    resourceType: 'Condition',
    id: 'smoker-f17',
    clinicalStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }],
    },
    code: { coding: [{ system: 'http://hl7.org/fhir/sid/icd-10-cm', code: 'F17.210' }] },
    subject: { reference: `Patient/${SANDBOX_CLIENTS.avery.patientId}` },
  },
];

async function policy(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (c: Buffer) => out.push(c.toString()));
  stderr.on('data', (c: Buffer) => err.push(c.toString()));
  const code = await runPolicy(args, { env, stdout, stderr });
  return { code, out: out.join(''), err: err.join('') };
}

const check = async (args: string[], env: NodeJS.ProcessEnv = {}): Promise<unknown> => {
  const { code, out } = await policy(['check', ...args], env);
  expect(code).toBe(0);
  expect(out.trim().split('\n')).toHaveLength(1);
  return JSON.parse(out) as unknown;
};

describe('carerelay policy check: one decision as one JSON line, exit 0 whatever it is', () => {
  it('role × use case × relationship', async () => {
    expect(await check(['--role', 'biller', '--use-case', 'coding', '--relationship', 'none'])).toEqual({
      allowed: false,
      reasonCode: 'USE_CASE_NOT_ENABLED', // decision support is phase 3, off by default
      rule: 'rollout.enabled',
      purposeOfUse: 'HPAYMT',
    });
    expect(await check(['--role', 'clinician', '--use-case', 'soap_note'])).toEqual({
      allowed: true,
      reasonCode: null,
      rule: 'allow',
      purposeOfUse: 'TREAT',
    });
    expect(
      await check(['--role', 'clinician', '--use-case', 'soap_note', '--relationship', 'none']),
    ).toMatchObject({
      allowed: false,
      reasonCode: 'NOT_ON_CARE_TEAM',
    });
    expect(await check(['--role', 'front_desk', '--use-case', 'chart_summary'])).toMatchObject({
      allowed: false,
      reasonCode: 'USE_CASE_NOT_PERMITTED_FOR_ROLE',
    });
    expect(await check(['--role', 'compliance_officer', '--use-case', 'soap_note'])).toMatchObject({
      allowed: false,
      reasonCode: 'ROLE_NOT_PERMITTED',
    });
  });

  it('a rollout file turns decision support on for the tenant', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'rollout-')), 'rollout.json');
    writeFileSync(file, JSON.stringify({ tenants: { local: { phase: 3 } } }));
    expect(
      await check(['--role', 'biller', '--use-case', 'coding', '--relationship', 'none'], {
        POLICY_ROLLOUT_FILE: file,
      }),
    ).toMatchObject({ allowed: true, purposeOfUse: 'HPAYMT' });
  });

  it('with --bundle, Part 2 data and the Bundle Consents decide', async () => {
    const args = ['--role', 'clinician', '--use-case', 'soap_note', '--bundle'];
    expect(await check([...args, bundleOf('riley')])).toMatchObject({ allowed: true, rule: 'part2.consent' });
    expect(await check([...args, bundleOf('riley', withoutConsent)])).toMatchObject({
      allowed: false,
      reasonCode: 'PART2_CONSENT_ABSENT',
      rule: 'part2.consent',
    });
    // A smoker is not a Part 2 client: no consent is asked for.
    expect(await check([...args, bundleOf('avery', smoker)])).toMatchObject({ allowed: true, rule: 'allow' });
  });

  it('a usage error is an error (exit 2), not a decision', async () => {
    const { code, err } = await policy(['check', '--use-case', 'soap_note']);
    expect(code).toBe(2);
    expect(err).toMatch(/needs --role and --use-case/);
  });
});

describe('carerelay policy show', () => {
  it('prints every use case with its switch and purpose', async () => {
    const { code, out } = await policy(['show', '--tenant', 'clinic-a']);
    expect(code).toBe(0);
    expect(out).toMatch(/^message_triage {2}\[phase 1: ON\] {2}purpose TREAT$/m);
    expect(out).toMatch(/^coding {2}\[phase 3: OFF\] {2}purpose HPAYMT$/m);
    expect(out).toMatch(/^soap_note {2}\[phase 2: ON\]/m);
  });
});

describe('carerelay draft: the catalogue, consent and Part 2 checks of the services', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
  });

  async function draft(
    args: { bundle: string; useCase: string; role?: string; relationship?: string },
    env: NodeJS.ProcessEnv,
  ): Promise<{ code: number; out: string; err: string }> {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (c: Buffer) => out.push(c.toString()));
    stderr.on('data', (c: Buffer) => err.push(c.toString()));
    const code = await draftFromBundle(args, stdout, env, stderr);
    return { code, out: out.join(''), err: err.join('') };
  }

  async function azure(): Promise<{ env: NodeJS.ProcessEnv; requests: () => number }> {
    const recorder = await startAzureRecorder(() => ({
      status: 200,
      content: JSON.stringify({
        draftLabel: 'AI-Assisted Draft',
        subjective: '[CLIENT] reports two weeks without a drink.',
        objective: '[OBJECTIVE_DETAIL]',
        assessment: 'Early remission.',
        plan: 'Continue weekly counseling.',
        riskStatement: null,
        goalsAddressed: ['G1'],
      }),
    }));
    closers.push(recorder.close);
    return {
      env: {
        AZURE_OPENAI_ENDPOINT: recorder.url,
        AZURE_OPENAI_API_KEY: 'k',
        AZURE_OPENAI_DEPLOYMENT: 'notes',
      },
      requests: () => recorder.requests.length,
    };
  }

  it('a Part 2 client without consent: refused on stderr with the reason, non-zero exit, no model call', async () => {
    const model = await azure();
    const { code, err, out } = await draft(
      { bundle: bundleOf('riley', withoutConsent), useCase: 'soap_note' },
      model.env,
    );
    expect(code).toBe(3);
    expect(err).toMatch(/refused: PART2_CONSENT_ABSENT \(rule part2\.consent\)/);
    expect(model.requests()).toBe(0);
    expect(out).toContain('"action":"CONSENT_CHECK"');
  });

  it('a Part 2 client with consent: the draft carries the §2.32 notice, the disclosure names the consent', async () => {
    const model = await azure();
    const { code, err, out } = await draft({ bundle: bundleOf('riley'), useCase: 'soap_note' }, model.env);
    expect(code, err).toBe(0);
    expect(model.requests()).toBe(1);
    const [text, trail] = out.split('--- audit trail ---\n');
    expect(text).toContain('42 CFR part 2 prohibits unauthorized use or disclosure of these records.');
    expect(err).toContain('42 CFR part 2 prohibits unauthorized use or disclosure of these records.');
    const disclosure = trail!
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { action: string; part2: boolean; description: string | null })
      .find((e) => e.action === 'PHI_DISCLOSURE');
    expect(disclosure?.part2).toBe(true);
    expect(disclosure?.description).toContain(
      `under consent Consent/${SANDBOX_CLIENTS.riley.consentId}/_history/`,
    );
  });

  it('coding (phase 3 turned on) goes to the coder rules, never a model: the Claim codes the session by its minutes', async () => {
    const model = await azure();
    const rollout = join(mkdtempSync(join(tmpdir(), 'rollout-')), 'rollout.json');
    writeFileSync(rollout, JSON.stringify({ default: { phase: 3 } }));
    const { code, out, err } = await draft(
      {
        // The Bundle's latest Encounter is the session drafted from: the 53-minute one here.
        bundle: bundleOf('avery', (r) => r.filter((x) => x.id !== SANDBOX_CLIENTS.avery.encounterIds.open)),
        useCase: 'coding',
        role: 'biller',
        relationship: 'none',
      },
      { ...model.env, POLICY_ROLLOUT_FILE: rollout },
    );
    expect(code, err).toBe(0);
    expect(model.requests()).toBe(0);
    // That session ran 53 minutes: 90837 (53 minutes and over).
    expect(out).toMatch(/Rationale for CPT 90837: /);
    expect(out).toMatch(/Rationale for ICD-10-CM F33\.1: /);
  });

  it('acts as the role and relationship it is given', async () => {
    const model = await azure();
    const biller = await draft(
      { bundle: bundleOf('avery'), useCase: 'soap_note', role: 'biller' },
      model.env,
    );
    expect(biller.code).toBe(3);
    expect(biller.err).toMatch(/USE_CASE_NOT_PERMITTED_FOR_ROLE/);
    const stranger = await draft(
      { bundle: bundleOf('avery'), useCase: 'soap_note', relationship: 'none' },
      model.env,
    );
    expect(stranger.code).toBe(3);
    expect(stranger.err).toMatch(/NOT_ON_CARE_TEAM/);
    expect(model.requests()).toBe(0);
  });
});
