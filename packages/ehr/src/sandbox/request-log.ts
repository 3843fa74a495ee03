/**
 * What the sandbox EHR was asked, so integration tests can assert what the product read
 * (each use case reads only its declared resources and fields) rather than trusting the
 * product's own account of it.
 */
export interface SandboxRequest {
  readonly method: string;
  /** The FHIR path below the base, e.g. `Patient/123`, `Observation`, `metadata`, `` (batch). */
  readonly path: string;
  /** The resource type addressed; absent for system-level calls (metadata, batch, whole-system search). */
  readonly resourceType?: string;
  /** The resource id of a read, vread, update or delete (`Patient/123/_history/2` → `123`). */
  readonly id?: string;
  /**
   * The query as the client sent it (before the sandbox's own normalisation). A repeated
   * parameter appears once with its values joined by `,`.
   */
  readonly query: Readonly<Record<string, string>>;
  /** The SMART client the access token was issued to; absent on unauthenticated calls. */
  readonly clientId?: string;
  /** The HTTP status answered. */
  readonly status: number;
  readonly at: Date;
}

/** Enough for any test run; older entries are dropped so a long-lived demo sandbox stays bounded. */
export const SANDBOX_REQUEST_LOG_LIMIT = 10_000;

const RESOURCE_TYPE = /^[A-Z][A-Za-z]+$/;

/** The resource type and id a FHIR path addresses. */
export function requestTarget(path: string): { resourceType?: string; id?: string } {
  const [first, second] = path.split('/');
  if (first === undefined || !RESOURCE_TYPE.test(first)) return {};
  if (second === undefined || second === '' || second.startsWith('_') || second.startsWith('$'))
    return { resourceType: first };
  return { resourceType: first, id: second };
}

export function queryRecord(search: URLSearchParams): Record<string, string> {
  const query: Record<string, string> = {};
  for (const key of new Set(search.keys())) query[key] = search.getAll(key).join(',');
  return query;
}

/** The last `limit` requests, oldest first. */
export class SandboxRequestLog {
  private entries: SandboxRequest[] = [];

  constructor(private readonly limit: number = SANDBOX_REQUEST_LOG_LIMIT) {}

  record(request: SandboxRequest): void {
    this.entries.push(Object.freeze({ ...request, query: Object.freeze({ ...request.query }) }));
    // Trimmed in batches: one copy per `limit` requests instead of one per request.
    if (this.entries.length >= 2 * this.limit) this.entries = this.entries.slice(-this.limit);
  }

  /** A snapshot: later requests do not change an array a test already holds. */
  snapshot(): readonly SandboxRequest[] {
    return Object.freeze(this.entries.slice(-this.limit));
  }

  clear(): void {
    this.entries = [];
  }
}
