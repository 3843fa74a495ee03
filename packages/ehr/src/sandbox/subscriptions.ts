import { badRequest, matchesSearchRequest, OperationOutcomeError, parseSearchRequest } from '@medplum/core';
import type { WithId } from '@medplum/core';
import type { Bundle, Parameters, Resource, Subscription } from '@medplum/fhirtypes';
import type { FhirRepository } from '@medplum/fhir-router';
import type { ResourceChangeKind } from './sandbox-repository.js';

const DELIVERY_TIMEOUT_MS = 5_000;

/**
 * Rejects subscriptions the sandbox cannot honour and activates the rest: R4 says a
 * server moves a `requested` subscription to `active` once it accepts it.
 */
export function acceptSubscription(subscription: Subscription): Subscription {
  if (subscription.channel?.type !== 'rest-hook' || !subscription.channel.endpoint) {
    throw new OperationOutcomeError(
      badRequest('only rest-hook subscriptions with an endpoint are supported', 'Subscription.channel'),
    );
  }
  try {
    parseSearchRequest(subscription.criteria);
  } catch {
    throw new OperationOutcomeError(
      badRequest('criteria must be a FHIR search like Encounter?status=finished', 'Subscription.criteria'),
    );
  }
  return subscription.status === 'requested' ? { ...subscription, status: 'active' } : subscription;
}

/** Whether a changed resource satisfies a subscription's criteria (`Type` or `Type?query`). */
export function matchesCriteria(criteria: string, resource: Resource): boolean {
  const search = parseSearchRequest(criteria);
  return search.resourceType === resource.resourceType && matchesSearchRequest(resource, search);
}

/**
 * The notification body, in the shape of the R5 Subscriptions Backport IG for R4: a
 * `history` Bundle whose first entry is the SubscriptionStatus (as Parameters) and
 * whose second names the focus. The full resource is included only when the
 * subscription asked for a payload (`channel.payload`), as in R4 rest-hooks;
 * otherwise the receiver gets the id and reads the resource with its own token.
 */
export function buildNotification(
  subscription: WithId<Subscription>,
  resource: WithId<Resource>,
  kind: ResourceChangeKind,
  eventNumber: number,
  baseUrl: string,
): Bundle {
  const focus = `${resource.resourceType}/${resource.id}`;
  const status: Parameters = {
    resourceType: 'Parameters',
    parameter: [
      { name: 'subscription', valueReference: { reference: `Subscription/${subscription.id}` } },
      { name: 'status', valueCode: 'active' },
      { name: 'type', valueCode: 'event-notification' },
      { name: 'events-since-subscription-start', valueString: String(eventNumber) },
      {
        name: 'notification-event',
        part: [
          { name: 'event-number', valueString: String(eventNumber) },
          { name: 'timestamp', valueInstant: new Date().toISOString() },
          { name: 'focus', valueReference: { reference: focus } },
        ],
      },
    ],
  };
  const withPayload = Boolean(subscription.channel.payload);
  return {
    resourceType: 'Bundle',
    type: 'history',
    timestamp: new Date().toISOString(),
    entry: [
      {
        fullUrl: `urn:uuid:${crypto.randomUUID()}`,
        resource: status,
        request: { method: 'GET', url: `Subscription/${subscription.id}/$status` },
      },
      {
        fullUrl: `${baseUrl}/${focus}`,
        ...(withPayload ? { resource } : {}),
        request: {
          method: kind === 'create' ? 'POST' : 'PUT',
          url: kind === 'create' ? resource.resourceType : focus,
        },
        response: { status: kind === 'create' ? '201' : '200' },
      },
    ],
  };
}

/** `channel.header` entries are "Name: value" strings (e.g. an Authorization header for the receiver). */
function channelHeaders(subscription: Subscription): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/fhir+json' };
  for (const line of subscription.channel.header ?? []) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return headers;
}

/**
 * Delivers rest-hook notifications for writes that went through the server. Active
 * subscriptions are read from the repository, so creating, updating or deleting a
 * Subscription over FHIR is all a client does to manage them.
 */
export class SubscriptionNotifier {
  private readonly eventCounts = new Map<string, number>();
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly repo: FhirRepository,
    private readonly baseUrl: string,
  ) {}

  handleChange(resource: WithId<Resource>, kind: ResourceChangeKind): void {
    if (resource.resourceType === 'Subscription') return;
    const delivery = this.notifyMatching(resource, kind).catch(() => {
      // A down receiver must not fail the client's write; real EHRs drop or retry later.
    });
    this.inFlight.add(delivery);
    void delivery.finally(() => this.inFlight.delete(delivery));
  }

  /** Waits for notifications already under way, so stop() does not cut them off. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async notifyMatching(resource: WithId<Resource>, kind: ResourceChangeKind): Promise<void> {
    const active = await this.repo.searchResources<Subscription>(
      parseSearchRequest('Subscription?status=active'),
    );
    const matching = active.filter((s) => safeMatches(s.criteria, resource));
    await Promise.allSettled(matching.map((s) => this.deliver(s, resource, kind)));
  }

  private async deliver(
    subscription: WithId<Subscription>,
    resource: WithId<Resource>,
    kind: ResourceChangeKind,
  ): Promise<void> {
    const eventNumber = (this.eventCounts.get(subscription.id) ?? 0) + 1;
    this.eventCounts.set(subscription.id, eventNumber);
    const endpoint = subscription.channel.endpoint;
    if (!endpoint) return;
    await fetch(endpoint, {
      method: 'POST',
      headers: channelHeaders(subscription),
      body: JSON.stringify(buildNotification(subscription, resource, kind, eventNumber, this.baseUrl)),
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
  }
}

function safeMatches(criteria: string, resource: Resource): boolean {
  try {
    return matchesCriteria(criteria, resource);
  } catch {
    return false;
  }
}
