import { describe, expect, it } from 'vitest';
import { detect } from '../detect.js';

function flagged(text: string): string[] {
  return detect(text).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
}

describe('structured identifiers', () => {
  it('flags a valid SSN', () => {
    expect(flagged('SSN 123-45-6789 on file.')).toContain('SSN:123-45-6789');
  });

  it.each(['000-12-3456', '666-12-3456', '912-34-5678', '123-00-4567', '123-45-0000'])(
    'does not flag %s as an SSN: never-issued area, group or serial',
    (ssn) => {
      expect(detect(`number ${ssn} here`).filter((s) => s.type === 'SSN')).toEqual([]);
    },
  );

  it('flags nine bare digits as an SSN only with an SSN label', () => {
    expect(flagged('Social security number: 123456789')).toContain('SSN:123456789');
    expect(detect('Reference 123456789').filter((s) => s.type === 'SSN')).toEqual([]);
  });

  it('flags a Luhn-valid card number as an account and not a Luhn-invalid one', () => {
    expect(flagged('Card 4111 1111 1111 1111 declined.')).toContain('ACCOUNT:4111 1111 1111 1111');
    expect(detect('Lot 4111 1111 1111 1112').filter((s) => s.type === 'ACCOUNT')).toEqual([]);
  });

  it('tells a fax from a phone by the word before it', () => {
    expect(flagged('Call (555) 234-5678 or fax 555-234-9999.')).toEqual([
      'PHONE:555) 234-5678',
      'FAX:555-234-9999',
    ]);
  });

  it('reads a number labelled "(fax)" after it as a fax', () => {
    expect(flagged('Faxed ROI to 555.234.9999 (fax).')).toContain('FAX:555.234.9999');
  });

  it('flags emails, URLs and bare domains', () => {
    expect(
      flagged('Email maria.lopez92@gmail.com or see https://portal.example.org/x and carerelay.org.'),
    ).toEqual(['EMAIL:maria.lopez92@gmail.com', 'URL:https://portal.example.org/x', 'URL:carerelay.org']);
  });

  it('flags valid IPv4 and IPv6 addresses, not version numbers', () => {
    expect(flagged('Login from 192.168.10.4 and 2001:db8::8a2e:370:7334.')).toEqual([
      'IP:192.168.10.4',
      'IP:2001:db8::8a2e:370:7334',
    ]);
    expect(detect('IP 999.1.1.1').filter((s) => s.type === 'IP')).toEqual([]);
  });

  it('flags labelled record, plan, licence, vehicle and device numbers by their labels', () => {
    const text =
      'MRN: 00012345. Member ID XQK123456789. DL# D1234567. VIN 1HGCM82633A004352. Serial number SN-88812A.';
    expect(flagged(text)).toEqual([
      'MRN:00012345',
      'HEALTH_PLAN:XQK123456789',
      'LICENSE:D1234567',
      'VEHICLE:1HGCM82633A004352',
      'DEVICE:SN-88812A',
    ]);
  });

  it('flags a VIN with a valid check digit even without a label', () => {
    expect(flagged('Car 1HGCM82633A004352 towed.')).toContain('VEHICLE:1HGCM82633A004352');
  });

  it('does not flag clinical codes: CPT, ICD-10, LOINC', () => {
    expect(detect('CPT 90834 with +90785; ICD-10 F33.1 and Z63.0; LOINC 44249-1.')).toEqual([]);
  });
});
