import type { Observation, QuestionnaireResponse } from '@medplum/fhirtypes';
import { SANDBOX_CLIENTS, type SandboxClientKey } from './ids.js';
import { patientRef } from './people.js';

const LOINC = 'http://loinc.org';

/** LOINC item codes in questionnaire order, and the LOINC answer list shared by both instruments. */
export const PHQ9_ITEMS = [
  '44250-9',
  '44255-8',
  '44259-0',
  '44254-1',
  '44251-7',
  '44258-2',
  '44252-5',
  '44253-3',
  '44260-8',
] as const;
export const GAD7_ITEMS = [
  '69725-0',
  '68509-0',
  '69733-4',
  '69734-2',
  '69735-9',
  '69689-8',
  '69736-7',
] as const;
const ANSWERS = [
  { code: 'LA6568-5', display: 'Not at all' },
  { code: 'LA6569-3', display: 'Several days' },
  { code: 'LA6570-1', display: 'More than half the days' },
  { code: 'LA6571-9', display: 'Nearly every day' },
] as const;

/** Item scores chosen to add up to the totals in SANDBOX_CLIENTS (the seed test checks the sums). */
export const ITEM_SCORES: Record<
  SandboxClientKey,
  { phq9: number[]; gad7: number[]; date: string; encounterId: string }
> = {
  avery: {
    phq9: [2, 2, 2, 2, 1, 2, 2, 1, 0],
    gad7: [1, 2, 1, 1, 1, 1, 1],
    date: '2025-09-16T13:50:00-04:00',
    encounterId: SANDBOX_CLIENTS.avery.encounterIds.session53,
  },
  jordan: {
    phq9: [1, 2, 1, 2, 1, 1, 1, 1, 1],
    gad7: [2, 3, 2, 2, 2, 2, 2],
    date: '2025-09-18T09:55:00-04:00',
    encounterId: SANDBOX_CLIENTS.jordan.encounterIds.followUp,
  },
  riley: {
    phq9: [1, 1, 2, 1, 1, 1, 1, 0, 0],
    gad7: [1, 1, 1, 1, 1, 1, 0],
    date: '2025-09-17T15:55:00-04:00',
    encounterId: SANDBOX_CLIENTS.riley.encounterIds.followUp,
  },
};

interface Instrument {
  readonly key: 'phq9' | 'gad7';
  readonly title: string;
  readonly panel: string;
  readonly total: string;
  readonly items: readonly string[];
}

const PHQ9: Instrument = {
  key: 'phq9',
  title: 'PHQ-9 quick depression assessment panel',
  panel: '44249-1',
  total: '44261-6',
  items: PHQ9_ITEMS,
};
const GAD7: Instrument = {
  key: 'gad7',
  title: 'Generalized anxiety disorder 7 item (GAD-7)',
  panel: '69737-5',
  total: '70274-6',
  items: GAD7_ITEMS,
};

function phq9Band(total: number): string {
  if (total >= 20) return 'severe';
  if (total >= 15) return 'moderately severe';
  if (total >= 10) return 'moderate';
  if (total >= 5) return 'mild';
  return 'minimal';
}

function gad7Band(total: number): string {
  if (total >= 15) return 'severe';
  if (total >= 10) return 'moderate';
  if (total >= 5) return 'mild';
  return 'minimal';
}

function responseFor(key: SandboxClientKey, instrument: Instrument): QuestionnaireResponse {
  const scores = ITEM_SCORES[key];
  const itemScores = scores[instrument.key];
  const total = itemScores.reduce((sum, s) => sum + s, 0);
  return {
    resourceType: 'QuestionnaireResponse',
    id: SANDBOX_CLIENTS[key][instrument.key].responseId,
    questionnaire: `http://loinc.org/q/${instrument.panel}`,
    status: 'completed',
    subject: patientRef(key),
    encounter: { reference: `Encounter/${scores.encounterId}` },
    authored: scores.date,
    source: patientRef(key),
    item: [
      ...instrument.items.map((code, index) => {
        const answer = ANSWERS[itemScores[index] ?? 0] ?? ANSWERS[0];
        return {
          linkId: code,
          definition: `${LOINC}#${code}`,
          answer: [{ valueCoding: { system: LOINC, code: answer.code, display: answer.display } }],
        };
      }),
      { linkId: instrument.total, text: 'Total score', answer: [{ valueInteger: total }] },
    ],
  };
}

function observationFor(key: SandboxClientKey, instrument: Instrument): Observation {
  const scores = ITEM_SCORES[key];
  const itemScores = scores[instrument.key];
  const total = itemScores.reduce((sum, s) => sum + s, 0);
  const band = instrument.key === 'phq9' ? phq9Band(total) : gad7Band(total);
  const item9 = itemScores[8];
  return {
    resourceType: 'Observation',
    id: SANDBOX_CLIENTS[key][instrument.key].observationId,
    status: 'final',
    category: [
      {
        coding: [
          {
            system: 'http://terminology.hl7.org/CodeSystem/observation-category',
            code: 'survey',
            display: 'Survey',
          },
        ],
      },
    ],
    code: { coding: [{ system: LOINC, code: instrument.total }], text: `${instrument.title} total score` },
    subject: patientRef(key),
    encounter: { reference: `Encounter/${scores.encounterId}` },
    effectiveDateTime: scores.date,
    valueInteger: total,
    interpretation: [{ text: band }],
    derivedFrom: [{ reference: `QuestionnaireResponse/${SANDBOX_CLIENTS[key][instrument.key].responseId}` }],
    // Item 9 travels with the total because a positive answer needs follow-up whatever the total.
    ...(instrument.key === 'phq9' && item9 !== undefined
      ? { component: [{ code: { coding: [{ system: LOINC, code: '44260-8' }] }, valueInteger: item9 }] }
      : {}),
  };
}

export function instrumentResources(): (QuestionnaireResponse | Observation)[] {
  return (Object.keys(SANDBOX_CLIENTS) as SandboxClientKey[]).flatMap((key) => [
    responseFor(key, PHQ9),
    observationFor(key, PHQ9),
    responseFor(key, GAD7),
    observationFor(key, GAD7),
  ]);
}
