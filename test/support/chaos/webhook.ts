import { webhookSignatureHeader } from '@carerelay/ehr';

export interface VendorDelivery {
  readonly eventId: string;
  readonly attempts: number;
  /** The final HTTP status: 202 accepted, 409 an earlier attempt was accepted (replay), 0 gave up. */
  readonly status: number;
  readonly statuses: readonly number[];
}

/**
 * An EHR vendor's webhook sender: signs `session.ended` for an encounter and delivers it,
 * retrying the same event (same vendor event id) on a 5xx or no answer, as vendors do, until
 * accepted or `deadlineMs` has passed. A 409 after a lost answer means an earlier attempt was
 * accepted and is counted as delivered.
 */
export async function deliverSessionEnded(options: {
  readonly ingressUrl: string;
  readonly tenantId: string;
  readonly secret: Buffer;
  readonly eventId: string;
  readonly clientId: string;
  readonly encounterId: string;
  readonly actorUserId: string;
  readonly deadlineMs: number;
}): Promise<VendorDelivery> {
  const body = Buffer.from(
    JSON.stringify({
      eventId: options.eventId,
      type: 'session.ended',
      clientId: options.clientId,
      resourceType: 'Encounter',
      resourceId: options.encounterId,
      encounterId: options.encounterId,
      occurredAt: new Date().toISOString(),
      actorUserId: options.actorUserId,
    }),
  );
  const statuses: number[] = [];
  const deadline = Date.now() + options.deadlineMs;
  while (Date.now() < deadline) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    let status: number;
    try {
      const res = await fetch(`${options.ingressUrl}/v1/webhooks/ehr`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-carerelay-tenant': options.tenantId,
          'x-carerelay-timestamp': timestamp,
          'x-carerelay-signature': webhookSignatureHeader([options.secret], timestamp, body),
        },
        body,
        signal: AbortSignal.timeout(8_000),
      });
      status = res.status;
      await res.arrayBuffer();
    } catch {
      status = 0;
    }
    statuses.push(status);
    if (status === 202 || (status === 409 && statuses.length > 1))
      return { eventId: options.eventId, attempts: statuses.length, status, statuses };
    if (status >= 400 && status < 500 && status !== 409 && status !== 429)
      return { eventId: options.eventId, attempts: statuses.length, status, statuses };
    await new Promise((r) => setTimeout(r, 2_000));
  }
  return { eventId: options.eventId, attempts: statuses.length, status: 0, statuses };
}
