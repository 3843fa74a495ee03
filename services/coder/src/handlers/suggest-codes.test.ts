import { describe, expect, it } from 'vitest';
import { EmbeddedBus } from '@carerelay/bus';
import { collectRaw, eventually } from '@carerelay/bus/testing';
import {
  AvroSerde,
  InMemorySchemaStore,
  aiRequestTopic,
  codingSuggestionTopic,
  type AiRequest,
  type DeidentifiedContext,
} from '@carerelay/events';
import { createLogger } from '@carerelay/logger';
import { createCoderApp } from '../app.js';

const logger = createLogger({ service: 'test', level: 'silent' });

function context(minutes: number, serviceType: string, diagnoses: string[]): DeidentifiedContext {
  return {
    client: { ref: '[CLIENT]', age: 37, gender: null, pronouns: null },
    people: [],
    encounter: {
      date: '[DATE_1]',
      durationMinutes: minutes,
      serviceType,
      telehealth: false,
      clientPresent: true,
      withMedicalEvaluation: false,
    },
    sessionNotes: null,
    priorNotes: [],
    goals: [],
    assessments: [],
    diagnoses: diagnoses.map((code) => ({ code, display: `dx ${code}` })),
    messages: [],
    intakeAnswers: [],
  } as unknown as DeidentifiedContext;
}

function request(useCase: AiRequest['useCase'], ctx: DeidentifiedContext, labels: string[] = []): AiRequest {
  return {
    taskId: `task-${useCase}-${Math.random()}`,
    tenantId: 't1',
    subjectRef: 'subj-1',
    useCase,
    purposeOfUse: 'PAYMENT',
    deidentifiedContext: JSON.stringify(ctx),
    vaultKey: 'v',
    deidCounts: {},
    dateShifted: false,
    securityLabels: labels,
    createdAt: Date.now(),
    knownFingerprints: [],
    issuedTokens: [],
    consentRef: labels.length ? 'Consent/c1/_history/1' : null,
  } as unknown as AiRequest;
}

describe('coder service', () => {
  it('turns a coding request into one suggestion by the rules, with a rationale per code; ignores drafting requests', async () => {
    const serde = new AvroSerde(new InMemorySchemaStore());
    const bus = EmbeddedBus.fromConfig({ serde, logger });
    await bus.start();
    const app = createCoderApp({ bus, logger, concurrency: 1 });
    await app.start();
    try {
      const out = await collectRaw(bus, codingSuggestionTopic.name);
      await bus.publish(aiRequestTopic, {
        key: 't1:subj-1',
        value: request('soap_note', context(45, 'individual', ['F41.1'])),
      });
      // 45 minutes of individual psychotherapy → 90834; an alcohol use disorder → Part 2.
      await bus.publish(aiRequestTopic, {
        key: 't1:subj-1',
        value: request('coding', context(45, 'individual', ['F41.1', 'F10.20'])),
      });
      await eventually(() => out.records.length >= 1, 'the suggestion');
      await new Promise((r) => setTimeout(r, 100));
      expect(out.records).toHaveLength(1);
      const suggestion = await serde.decode(codingSuggestionTopic, out.records[0]!.value!);
      expect(suggestion.codes.filter((c) => c.system === 'CPT').map((c) => c.code)).toEqual(['90834']);
      expect(suggestion.codes.filter((c) => c.system === 'ICD10CM').map((c) => c.code)).toEqual([
        'F41.1',
        'F10.20',
      ]);
      expect(suggestion.codes.every((c) => c.rationale.length > 0)).toBe(true);
      expect(suggestion.securityLabels).toContain('42CFRPart2');
      expect(suggestion.psychotherapyMinutes).toBe(45);
    } finally {
      await app.stop();
      await bus.shutdown();
    }
  });
});
