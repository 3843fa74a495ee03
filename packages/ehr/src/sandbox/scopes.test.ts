import { describe, expect, it } from 'vitest';
import { grantableScopes, parseSystemScope, requiredAccess, scopeAllows } from './scopes.js';

describe('SMART system scopes', () => {
  it('reads v1 scopes: read covers read and search, write covers create, update and delete', () => {
    expect([...(parseSystemScope('system/Patient.read')?.actions ?? [])].sort()).toEqual(['read', 'search']);
    expect([...(parseSystemScope('system/*.write')?.actions ?? [])].sort()).toEqual([
      'create',
      'delete',
      'update',
    ]);
  });

  it('reads v2 scopes letter by letter', () => {
    expect([...(parseSystemScope('system/DocumentReference.cu')?.actions ?? [])].sort()).toEqual([
      'create',
      'update',
    ]);
  });

  it('rejects patient and user scopes and malformed ones', () => {
    expect(parseSystemScope('patient/Patient.read')).toBeUndefined();
    expect(parseSystemScope('system/patient.read')).toBeUndefined();
    expect(parseSystemScope('system/Patient.sr')).toBeUndefined();
  });

  it('allows an action only for the scoped resource type unless the scope is a wildcard', () => {
    expect(scopeAllows('system/Patient.read', 'Patient', 'search')).toBe(true);
    expect(scopeAllows('system/Patient.read', 'Encounter', 'read')).toBe(false);
    expect(scopeAllows('system/Patient.read', 'Patient', 'update')).toBe(false);
    expect(scopeAllows('system/*.read system/DocumentReference.write', 'DocumentReference', 'create')).toBe(
      true,
    );
  });

  it('grants a narrower scope than the registration but never a wider one', () => {
    expect(grantableScopes('system/Patient.read system/Patient.write', 'system/*.read')).toEqual([
      'system/Patient.read',
    ]);
    expect(grantableScopes('system/*.* openid', 'system/*.read system/*.write')).toEqual(['system/*.*']);
  });

  it('maps REST calls to the action a scope must allow', () => {
    expect(requiredAccess('GET', 'Encounter')).toEqual({ resourceType: 'Encounter', action: 'search' });
    expect(requiredAccess('GET', 'Encounter/abc/_history/2')).toEqual({
      resourceType: 'Encounter',
      action: 'read',
    });
    expect(requiredAccess('POST', 'Encounter/_search')).toEqual({
      resourceType: 'Encounter',
      action: 'search',
    });
    expect(requiredAccess('POST', 'DocumentReference')).toEqual({
      resourceType: 'DocumentReference',
      action: 'create',
    });
    expect(requiredAccess('PATCH', 'CarePlan/x')).toEqual({ resourceType: 'CarePlan', action: 'update' });
    expect(requiredAccess('DELETE', 'Flag/x')).toEqual({ resourceType: 'Flag', action: 'delete' });
    expect(requiredAccess('GET', '')).toBeUndefined();
  });
});
