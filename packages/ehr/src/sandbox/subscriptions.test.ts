import type { WithId } from '@medplum/core';
import type { DocumentReference, Encounter, Parameters, Subscription } from '@medplum/fhirtypes';
import { beforeAll, describe, expect, it } from 'vitest';
import { indexR4Definitions } from './fhir-definitions.js';
import { acceptSubscription, buildNotification, matchesCriteria } from './subscriptions.js';

beforeAll(() => indexR4Definitions());

const encounter = (status: Encounter['status']): WithId<Encounter> => ({
  resourceType: 'Encounter',
  id: 'e1',
  status,
  class: { code: 'AMB' },
});
const note = (docStatus: DocumentReference['docStatus']): WithId<DocumentReference> => ({
  resourceType: 'DocumentReference',
  id: 'd1',
  status: 'current',
  docStatus,
  content: [],
});

const subscription: WithId<Subscription> = {
  resourceType: 'Subscription',
  id: 's1',
  status: 'active',
  reason: 'test',
  criteria: 'Encounter?status=finished',
  channel: { type: 'rest-hook', endpoint: 'http://127.0.0.1:1/hook' },
};

describe('subscription criteria', () => {
  it('matches only resources of the criteria type whose search parameters match', () => {
    expect(matchesCriteria('Encounter?status=finished', encounter('finished'))).toBe(true);
    expect(matchesCriteria('Encounter?status=finished', encounter('in-progress'))).toBe(false);
    expect(matchesCriteria('Communication', encounter('finished'))).toBe(false);
  });

  it('matches a bare type criteria for any change of that type', () => {
    expect(matchesCriteria('Encounter', encounter('planned'))).toBe(true);
  });

  it('matches signed notes by docStatus, a parameter R4 lacks and the sandbox adds', () => {
    expect(matchesCriteria('DocumentReference?docStatus=final', note('final'))).toBe(true);
    expect(matchesCriteria('DocumentReference?docStatus=final', note('preliminary'))).toBe(false);
  });
});

describe('subscription acceptance', () => {
  it('activates a requested rest-hook subscription', () => {
    expect(acceptSubscription({ ...subscription, status: 'requested' }).status).toBe('active');
  });

  it('rejects channels other than rest-hook', () => {
    expect(() =>
      acceptSubscription({ ...subscription, channel: { type: 'email', endpoint: 'mailto:x@example.org' } }),
    ).toThrow(/rest-hook/);
  });
});

describe('notification bundle', () => {
  it('names the focus and carries no resource when the subscription asked for no payload', () => {
    const bundle = buildNotification(
      subscription,
      encounter('finished'),
      'update',
      3,
      'http://sandbox/fhir/R4',
    );
    expect(bundle.type).toBe('history');
    const status = bundle.entry?.[0]?.resource as Parameters;
    const event = status.parameter?.find((p) => p.name === 'notification-event');
    expect(event?.part?.find((p) => p.name === 'focus')?.valueReference?.reference).toBe('Encounter/e1');
    expect(status.parameter?.find((p) => p.name === 'events-since-subscription-start')?.valueString).toBe(
      '3',
    );
    expect(bundle.entry?.[1]?.fullUrl).toBe('http://sandbox/fhir/R4/Encounter/e1');
    expect(bundle.entry?.[1]?.resource).toBeUndefined();
  });

  it('includes the full resource when a payload mime type is set', () => {
    const withPayload = {
      ...subscription,
      channel: { ...subscription.channel, payload: 'application/fhir+json' },
    };
    const bundle = buildNotification(
      withPayload,
      encounter('finished'),
      'create',
      1,
      'http://sandbox/fhir/R4',
    );
    expect(bundle.entry?.[1]?.resource).toMatchObject({ resourceType: 'Encounter', status: 'finished' });
    expect(bundle.entry?.[1]?.request).toEqual({ method: 'POST', url: 'Encounter' });
  });
});
