/**
 * SMART on FHIR system scopes, v1 (`system/Patient.read`, `.write`, `.*`) and
 * v2 (`system/Patient.rs`, `.cruds`). Backend Services clients only get `system/`
 * scopes; `patient/` and `user/` need a user context the sandbox does not model.
 */
export type FhirAction = 'create' | 'read' | 'update' | 'delete' | 'search';

export interface SystemScope {
  readonly resourceType: string; // '*' for all types
  readonly actions: ReadonlySet<FhirAction>;
}

const SCOPE_PATTERN = /^system\/(\*|[A-Z][A-Za-z]+)\.(read|write|\*|c?r?u?d?s?)$/;
const V2_LETTERS: Record<string, FhirAction> = {
  c: 'create',
  r: 'read',
  u: 'update',
  d: 'delete',
  s: 'search',
};
const ALL: readonly FhirAction[] = ['create', 'read', 'update', 'delete', 'search'];

export function parseSystemScope(scope: string): SystemScope | undefined {
  const match = SCOPE_PATTERN.exec(scope);
  const resourceType = match?.[1];
  const permission = match?.[2];
  if (!resourceType || !permission) return undefined;
  let actions: FhirAction[];
  if (permission === 'read') actions = ['read', 'search'];
  else if (permission === 'write') actions = ['create', 'update', 'delete'];
  else if (permission === '*') actions = [...ALL];
  else
    actions = [...permission]
      .map((letter) => V2_LETTERS[letter])
      .filter((a): a is FhirAction => a !== undefined);
  return { resourceType, actions: new Set(actions) };
}

/** Whether the space-separated granted scopes allow `action` on `resourceType`. */
export function scopeAllows(granted: string, resourceType: string, action: FhirAction): boolean {
  return granted
    .split(' ')
    .map(parseSystemScope)
    .some(
      (s) =>
        s !== undefined &&
        (s.resourceType === '*' || s.resourceType === resourceType) &&
        s.actions.has(action),
    );
}

/**
 * The requested scopes a client may receive: syntactically valid system scopes
 * that its registration covers. A registered `system/*.read` covers a requested
 * `system/Patient.read`, so clients can ask for the narrowest scope they need.
 */
export function grantableScopes(requested: string, allowed: string): string[] {
  const allowedScopes = allowed
    .split(' ')
    .map(parseSystemScope)
    .filter((s) => s !== undefined);
  return requested.split(' ').filter((scope) => {
    const parsed = parseSystemScope(scope);
    if (!parsed) return false;
    return [...parsed.actions].every((action) =>
      allowedScopes.some(
        (a) => (a.resourceType === '*' || a.resourceType === parsed.resourceType) && a.actions.has(action),
      ),
    );
  });
}

/** Maps a FHIR REST call to the resource type and action a scope must allow. */
export function requiredAccess(
  method: string,
  path: string,
): { resourceType: string; action: FhirAction } | undefined {
  const [resourceType, second] = path.split('?')[0]?.split('/').filter(Boolean) ?? [];
  if (!resourceType) return undefined;
  const isRead = method === 'GET' || method === 'HEAD';
  if (second === '_search' || (isRead && second === undefined)) return { resourceType, action: 'search' };
  if (isRead) return { resourceType, action: 'read' };
  // An operation like $validate reads; anything else that posts writes.
  if (second?.startsWith('$')) return { resourceType, action: 'read' };
  switch (method) {
    case 'POST':
      return { resourceType, action: 'create' };
    case 'DELETE':
      return { resourceType, action: 'delete' };
    default:
      return { resourceType, action: 'update' };
  }
}
