import { CareRelayError } from '@carerelay/errors';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';

/** What the client needs from an auth source (SmartBackendAuth fits). */
export interface AccessTokenSource {
  getToken(scope: string): Promise<string>;
  invalidate?(scope: string): void;
}

export interface FhirClientOptions {
  readonly baseUrl: string;
  readonly auth: AccessTokenSource;
  /** Scope requested for every call (default `system/*.read system/*.write`). */
  readonly scope?: string;
  /** Per-request timeout (default 10 s). */
  readonly timeoutMs?: number;
  /** Upper bound on pages a search follows through `next` links (default 10). */
  readonly maxPages?: number;
  readonly fetch?: typeof fetch;
}

export type SearchParams = Readonly<Record<string, string | readonly string[]>>;

export interface ConditionalCreateResult<T extends Resource> {
  readonly resource: T;
  /** False when a resource matching the If-None-Exist query already existed. */
  readonly created: boolean;
}

const FHIR_JSON = 'application/fhir+json';

/**
 * Maps an EHR answer to a CareRelayError. Messages carry the operation, the
 * resource type and the status only: never a resource body or a search value,
 * which could be PHI (identifiers, names).
 */
function errorFor(operation: string, resourceType: string, status: number, outcome: unknown): CareRelayError {
  const issues = (outcome as OperationOutcome | undefined)?.issue ?? [];
  const issueCode = issues[0]?.code ?? '';
  const details = { operation, resourceType, status, issueCode };
  const where = `${operation} ${resourceType}`;
  const outcomeText = issues.map((i) => `${i.details?.text ?? ''} ${i.diagnostics ?? ''}`).join(' ');
  if (status === 422 && /signed record/i.test(outcomeText)) {
    return new CareRelayError('EHR_SIGNED_RECORD', `${where}: the EHR refuses to modify a signed record`, {
      retryable: false,
      httpStatus: 409,
      details,
    });
  }
  if (status >= 500 || status === 429 || status === 408) {
    return new CareRelayError('EHR_UNAVAILABLE', `${where} failed with ${status}`, {
      retryable: true,
      httpStatus: 503,
      details,
    });
  }
  return new CareRelayError('EHR_REQUEST_REJECTED', `${where} rejected with ${status}`, {
    retryable: false,
    httpStatus: status,
    details,
  });
}

/** A minimal FHIR R4 REST client over fetch with a SMART bearer token. */
export class FhirClient {
  private readonly baseUrl: string;
  private readonly scope: string;
  private readonly fetchImpl: typeof fetch;

  constructor(private readonly options: FhirClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.scope = options.scope ?? 'system/*.read system/*.write';
    this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
  }

  async read<T extends Resource>(resourceType: T['resourceType'], id: string): Promise<T> {
    return this.request<T>('read', resourceType, `${resourceType}/${encodeURIComponent(id)}`);
  }

  /** Every version of one resource, newest first (`Type/id/_history`, first page). */
  async history<T extends Resource>(resourceType: T['resourceType'], id: string): Promise<T[]> {
    const bundle = await this.request<Bundle>(
      'history',
      resourceType,
      `${resourceType}/${encodeURIComponent(id)}/_history`,
    );
    return (bundle.entry ?? [])
      .map((entry) => entry.resource)
      .filter((r): r is T => r?.resourceType === resourceType);
  }

  /** Every match of a type search, following `next` links up to maxPages (same origin only). */
  async search<T extends Resource>(resourceType: T['resourceType'], params: SearchParams = {}): Promise<T[]> {
    const query = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      for (const v of typeof value === 'string' ? [value] : value) query.append(name, v);
    }
    const qs = query.toString();
    let url: string | undefined = `${this.baseUrl}/${resourceType}${qs ? `?${qs}` : ''}`;
    const results: T[] = [];
    const maxPages = this.options.maxPages ?? 10;
    for (let page = 0; url !== undefined && page < maxPages; page++) {
      const bundle: Bundle = await this.request<Bundle>('search', resourceType, url);
      for (const entry of bundle.entry ?? []) {
        const resource = entry.resource;
        if (resource?.resourceType === resourceType && entry.search?.mode !== 'include') {
          results.push(resource as T);
        }
      }
      url = this.sameOrigin(bundle.link?.find((l) => l.relation === 'next')?.url);
    }
    return results;
  }

  async create<T extends Resource>(resource: T): Promise<T> {
    return this.request<T>('create', resource.resourceType, resource.resourceType, {
      method: 'POST',
      body: JSON.stringify(resource),
    });
  }

  /**
   * Conditional create: the server creates the resource only when nothing matches
   * `ifNoneExist` (e.g. `identifier=urn:carerelay:task|<taskId>`), so a redelivered
   * write never makes a second resource.
   */
  async createIfNoneExist<T extends Resource>(
    resource: T,
    ifNoneExist: string,
  ): Promise<ConditionalCreateResult<T>> {
    const { status, body } = await this.send<T>('create', resource.resourceType, resource.resourceType, {
      method: 'POST',
      body: JSON.stringify(resource),
      headers: { 'if-none-exist': ifNoneExist },
    });
    return { resource: body, created: status === 201 };
  }

  async update<T extends Resource>(resource: T): Promise<T> {
    if (!resource.id) {
      throw new CareRelayError('EHR_REQUEST_REJECTED', `update ${resource.resourceType} needs an id`, {
        retryable: false,
        httpStatus: 400,
      });
    }
    return this.request<T>(
      'update',
      resource.resourceType,
      `${resource.resourceType}/${encodeURIComponent(resource.id)}`,
      {
        method: 'PUT',
        body: JSON.stringify(resource),
      },
    );
  }

  private sameOrigin(url: string | undefined): string | undefined {
    if (!url) return undefined;
    // The bearer token must never follow a link to another host.
    return new URL(url).origin === new URL(this.baseUrl).origin ? url : undefined;
  }

  private async request<T>(
    operation: string,
    resourceType: string,
    pathOrUrl: string,
    init: { method?: string; body?: string; headers?: Record<string, string> } = {},
  ): Promise<T> {
    return (await this.send<T>(operation, resourceType, pathOrUrl, init)).body;
  }

  private async send<T>(
    operation: string,
    resourceType: string,
    pathOrUrl: string,
    init: { method?: string; body?: string; headers?: Record<string, string> },
    retriedAuth = false,
  ): Promise<{ status: number; body: T }> {
    const url = /^https?:\/\//.test(pathOrUrl) ? pathOrUrl : `${this.baseUrl}/${pathOrUrl}`;
    const token = await this.options.auth.getToken(this.scope);
    let response: Response;
    try {
      response = await this.fetchImpl(url, {
        method: init.method ?? 'GET',
        headers: {
          accept: FHIR_JSON,
          authorization: `Bearer ${token}`,
          ...(init.body === undefined ? {} : { 'content-type': FHIR_JSON }),
          ...init.headers,
        },
        ...(init.body === undefined ? {} : { body: init.body }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (err) {
      throw new CareRelayError(
        'EHR_UNAVAILABLE',
        `${operation} ${resourceType}: EHR unreachable or timed out`,
        {
          retryable: true,
          httpStatus: 503,
          cause: err,
          details: { operation, resourceType },
        },
      );
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (response.status === 401 && !retriedAuth && this.options.auth.invalidate) {
      // A revoked or expired token: get a fresh one once before giving up.
      this.options.auth.invalidate(this.scope);
      return this.send(operation, resourceType, pathOrUrl, init, true);
    }
    if (!response.ok) throw errorFor(operation, resourceType, response.status, body);
    return { status: response.status, body: body as T };
  }
}
