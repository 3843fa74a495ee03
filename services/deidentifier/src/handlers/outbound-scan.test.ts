import { describe, expect, it } from 'vitest';
import { deidentifyContext } from '@carerelay/phi';
import { fixtureTaskContext } from '@carerelay/phi/testing';
import { scanDeidentified } from './outbound-scan.js';

describe("the deidentifier's own leak scan", () => {
  it('passes the de-identified fixture, rendered and as JSON', () => {
    expect(scanDeidentified('soap_note', deidentifyContext(fixtureTaskContext())).findings).toEqual([]);
  });

  it('reads a bracketed name in a field the detector does not rewrite as a name, not as a token', () => {
    const context = { ...fixtureTaskContext(), diagnoses: [{ code: 'F41.1', display: '[Dani Okonkwo]' }] };
    expect(scanDeidentified('soap_note', deidentifyContext(context)).blocked).toBe(true);
  });

  it('reads a name after a backslash escape written into a field, as the rendered prompt shows it', () => {
    const context = { ...fixtureTaskContext(), diagnoses: [{ code: 'F41.1', display: 'anxiety\\nOkonkwo' }] };
    expect(scanDeidentified('soap_note', deidentifyContext(context)).blocked).toBe(true);
  });

  it('scans a rules use case (coding) as JSON only: no prompt is rendered for it', () => {
    const context = { ...fixtureTaskContext(), diagnoses: [{ code: 'F41.1', display: '[Dani Okonkwo]' }] };
    // templateFor('coding') would throw TEMPLATE_NOT_FOUND: the JSON scan alone still blocks the name.
    expect(scanDeidentified('coding', deidentifyContext(fixtureTaskContext())).findings).toEqual([]);
    expect(scanDeidentified('coding', deidentifyContext(context)).blocked).toBe(true);
  });
});
