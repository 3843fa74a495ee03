import { createHash, randomUUID } from 'node:crypto';
import { DOMParser, type Element } from '@xmldom/xmldom';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { validateResource } from '@medplum/core';
import type { EmbeddedBus } from '@carerelay/bus';
import { eventually } from '@carerelay/bus/testing';
import { measurementFindings } from '@carerelay/clinical';
import type { FhirClient } from '@carerelay/ehr';
import { SANDBOX_CLIENTS, sandboxFhirClient, startSandboxEhr, type SandboxEhr } from '@carerelay/ehr/sandbox';
import { aiDraftTopic, type AiDraft, type MeasureSeries } from '@carerelay/events';
import type { InMemoryTokenVault } from '@carerelay/phi';
import { expectedSubjectRef, startWriteback } from './test-harness.js';
import type { CarePlan, DocumentReference } from './domain/fhir-resources.js';

const { avery } = SANDBOX_CLIENTS;
const averyName = `${avery.given} ${avery.family}`;

let sandbox: SandboxEhr;
let fhir: FhirClient;
beforeAll(async () => {
  sandbox = await startSandboxEhr();
  fhir = sandboxFhirClient(sandbox);
});
afterAll(() => sandbox.stop());

/** The session dates behind the date tokens, newest first (synthetic). */
const REAL = ['2026-03-02', '2026-02-16', '2026-02-02', '2026-01-19', '2026-01-05'];
const TOKENS = REAL.map((_, i) => `[DATE_${i + 1}]`);
const ANY_TOKEN = /\[(?:CLIENT|PERSON|CLINICIAN|DATE)(?:_\d+)?\]/;

/**
 * What the llm-worker puts on the draft: the series and the findings by rules over the
 * de-identified scores (newest first, dates as tokens). PHQ-9 stagnates; GAD-7 remits.
 */
function measures(): MeasureSeries[] {
  const scores = [
    ...[16, 15, 17, 15, 16].map((total, i) => ({
      instrument: 'PHQ-9',
      loinc: '44261-6',
      date: TOKENS[i]!,
      total,
    })),
    ...[4, 11, 16].map((total, i) => ({
      instrument: 'GAD-7',
      loinc: '70274-6',
      date: TOKENS[i * 2]!,
      total,
    })),
  ];
  return measurementFindings(scores).map(({ instrument, points, findings }) => ({
    instrument,
    points,
    findings,
  }));
}

/** A model draft that says nothing of the scores: the findings must reach the clinician anyway. */
function draft(useCase: 'goal_progress' | 'treatment_plan', content: unknown): AiDraft {
  return {
    taskId: randomUUID(),
    tenantId: 't1',
    subjectRef: expectedSubjectRef('t1', avery.patientId),
    intakeExtraction: null,
    useCase,
    content: JSON.stringify(content),
    placeholders: [],
    provenance: {
      provider: 'AZURE_OPENAI',
      deployment: 'gpt-4o-notes',
      modelVersion: '2024-08-06',
      templateId: useCase,
      templateVersion: '1.1.0',
      templateHash: 'c'.repeat(64),
      promptTokens: 100,
      completionTokens: 50,
      latencyMs: 900,
      finishReason: 'stop',
    },
    createdAt: Date.now(),
    securityLabels: [],
    consentRef: null,
    measures: measures(),
  };
}

const GOAL_PROGRESS = {
  draftLabel: 'AI-Assisted Draft',
  goals: [{ ref: 'G1', status: 'no_change', evidence: '[CLIENT] reports low mood most days.' }],
  summary: 'Little change in mood.',
};

const putVault = (vault: InMemoryTokenVault, taskId: string) =>
  vault.put(
    {
      tenantId: 't1',
      taskId,
      clientId: avery.patientId,
      tokens: {
        '[CLIENT]': { value: averyName, type: 'NAME' },
        ...Object.fromEntries(REAL.map((d, i) => [TOKENS[i]!, { value: d, type: 'DATE' as const }])),
      },
      dateShiftDays: null,
      createdAt: Date.now(),
    },
    60,
  );

function parseSvg(base64: string): { svg: string; root: Element } {
  const svg = Buffer.from(base64, 'base64').toString('utf8');
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  return { svg, root: doc.documentElement! };
}

const pointsOf = (root: Element, instrument: string): [string | null, number][] =>
  Array.from(root.getElementsByTagName('g'))
    .filter((g) => g.getAttribute('data-instrument') === instrument)
    .flatMap((g) => Array.from(g.getElementsByTagName('circle')))
    .map((c) => [c.getAttribute('data-date'), Number(c.getAttribute('data-total'))]);

describe('writeback: a measurement-based draft carries its findings and trend chart', () => {
  let bus: EmbeddedBus;
  afterEach(() => bus.shutdown());

  it('goal progress: the DocumentReference states the findings and attaches the SVG chart, real dates only', async () => {
    const env = await startWriteback(aiDraftTopic, { fhir, ehrEndpoint: sandbox.baseUrl });
    bus = env.bus;
    const value = draft('goal_progress', GOAL_PROGRESS);
    await putVault(env.vault, value.taskId);
    await env.publish(value);
    await eventually(() => env.outcomes.length === 1, 'the write-back outcome');

    const docs = await fhir.search<DocumentReference>('DocumentReference', {
      identifier: `urn:carerelay:task|${value.taskId}`,
    });
    expect(docs).toHaveLength(1);
    const doc = docs[0]!;
    expect(() => validateResource(doc)).not.toThrow();
    expect(doc.docStatus).toBe('preliminary');
    expect(doc.content.map((c) => c.attachment.contentType)).toEqual(['text/plain', 'image/svg+xml']);

    const text = Buffer.from(doc.content[0]!.attachment.data!, 'base64').toString('utf8');
    const section = text.slice(text.indexOf('MEASUREMENT-BASED CARE\n'));
    expect(section).toContain(
      'PHQ-9 stagnation (no change of 6 points or more over the last 4 or more scores): met over the last 5 scores since 2026-01-05 (16 on 2026-01-05, 15 on 2026-01-19, 17 on 2026-02-02, 15 on 2026-02-16, 16 on 2026-03-02): review the treatment plan.',
    );
    expect(section).toContain('GAD-7 remission (below 5): met since 2026-03-02 (4 on 2026-03-02).');
    expect(section).toContain('Trend chart of the PHQ-9 and GAD-7 totals: attached.');
    expect(text).toContain(`${averyName} reports low mood most days.`);
    expect(text).not.toMatch(ANY_TOKEN);
    expect(doc.extension).toBeUndefined(); // nothing left unresolved

    const chart = doc.content[1]!.attachment;
    expect(chart.title).toBe('PHQ-9 and GAD-7 trend chart');
    const { svg, root } = parseSvg(chart.data!);
    expect(chart.size).toBe(Buffer.byteLength(svg));
    expect(pointsOf(root, 'PHQ-9')).toEqual([
      ['2026-01-05', 16],
      ['2026-01-19', 15],
      ['2026-02-02', 17],
      ['2026-02-16', 15],
      ['2026-03-02', 16],
    ]);
    expect(pointsOf(root, 'GAD-7')).toEqual([
      ['2026-01-05', 16],
      ['2026-02-02', 11],
      ['2026-03-02', 4],
    ]);
    expect(svg).not.toMatch(ANY_TOKEN);
    expect(root.getElementsByTagName('title')[0]!.textContent).toBe('PHQ-9 and GAD-7 totals over time');

    // The audit names the chart by hash and count, never by content; the outcome carries ids only.
    await eventually(() => env.audits.length >= 2, 'audit events');
    const [written] = await env.auditEvents();
    expect(written).toMatchObject({
      action: 'DRAFT_WRITTEN',
      counts: { chartScores: 8, unresolvedTokens: 0 },
    });
    expect(written!.hashes.chart).toBe(createHash('sha256').update(svg, 'utf8').digest('hex'));
    const records = JSON.stringify([await env.outcomeEvents(), await env.auditEvents()]);
    for (const d of REAL) expect(records).not.toContain(d);
  });

  it('treatment plan: the draft CarePlan contains the chart as a DocumentReference named in supportingInfo', async () => {
    const env = await startWriteback(aiDraftTopic, { fhir, ehrEndpoint: sandbox.baseUrl });
    bus = env.bus;
    const value = draft('treatment_plan', {
      draftLabel: 'AI-Assisted Draft',
      problems: [{ id: 'P1', statement: '[CLIENT] has low mood most days.', diagnosisCodes: ['F33.1'] }],
      goals: [
        {
          goalRef: 'G1',
          problemIds: ['P1'],
          statement: 'Feel less depressed.',
          objectives: [{ description: '[MEASURABLE_OBJECTIVE]', measure: 'PHQ-9', targetDate: null }],
          interventions: [{ description: '[PLAN_REVISION_DETAIL]', frequency: null }],
        },
      ],
    });
    await putVault(env.vault, value.taskId);
    await env.publish(value);
    await env.publish(value); // redelivered: still one plan
    await eventually(() => env.outcomes.length === 2, 'two outcomes');

    const plans = await fhir.search<CarePlan>('CarePlan', {
      identifier: `urn:carerelay:task|${value.taskId}`,
    });
    expect(plans).toHaveLength(1);
    const plan = plans[0]!;
    expect(() => validateResource(plan)).not.toThrow();
    expect(plan.supportingInfo).toEqual([
      { reference: '#trend-chart', display: 'PHQ-9 and GAD-7 trend chart' },
    ]);
    const contained = plan.contained?.[0] as DocumentReference | undefined;
    expect(contained).toMatchObject({
      resourceType: 'DocumentReference',
      id: 'trend-chart',
      docStatus: 'preliminary',
      subject: { reference: `Patient/${avery.patientId}` },
    });
    expect(contained!.content[0]!.attachment.contentType).toBe('image/svg+xml');
    const { svg, root } = parseSvg(contained!.content[0]!.attachment.data!);
    expect(pointsOf(root, 'PHQ-9')).toHaveLength(5);
    expect(svg).not.toMatch(ANY_TOKEN);
    const note = plan.note?.[0]?.text ?? '';
    expect(note).toContain('MEASUREMENT-BASED CARE');
    expect(note).toContain('review the treatment plan');
    expect(note).not.toMatch(/\[DATE_\d+\]/);
  });

  it('a draft without measures gets neither the section nor a chart', async () => {
    const env = await startWriteback(aiDraftTopic, { fhir, ehrEndpoint: sandbox.baseUrl });
    bus = env.bus;
    const value = { ...draft('goal_progress', GOAL_PROGRESS), measures: [] };
    await putVault(env.vault, value.taskId);
    await env.publish(value);
    await eventually(() => env.outcomes.length === 1, 'the outcome');
    const [doc] = await fhir.search<DocumentReference>('DocumentReference', {
      identifier: `urn:carerelay:task|${value.taskId}`,
    });
    expect(doc!.content).toHaveLength(1);
    expect(Buffer.from(doc!.content[0]!.attachment.data!, 'base64').toString('utf8')).not.toContain(
      'MEASUREMENT-BASED CARE',
    );
  });
});
