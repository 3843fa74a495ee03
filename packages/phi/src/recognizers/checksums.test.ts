import { describe, expect, it } from 'vitest';
import { ibanValid, ipv4Valid, ipv6Valid, luhnValid, ssnValid, vinCheckDigitValid } from './checksums.js';

describe('checksums and validity rules', () => {
  it('Luhn accepts a valid test card number and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('SSN rules reject area 000, 666 and 900-999, group 00 and serial 0000', () => {
    expect(ssnValid('123', '45', '6789')).toBe(true);
    expect(ssnValid('000', '45', '6789')).toBe(false);
    expect(ssnValid('666', '45', '6789')).toBe(false);
    expect(ssnValid('987', '45', '6789')).toBe(false);
    expect(ssnValid('123', '00', '6789')).toBe(false);
    expect(ssnValid('123', '45', '0000')).toBe(false);
  });

  it('IBAN mod-97 accepts the ISO example and rejects a typo', () => {
    expect(ibanValid('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(ibanValid('GB82 WEST 1234 5698 7654 33')).toBe(false);
  });

  it('VIN check digit accepts a valid VIN and rejects a changed one', () => {
    expect(vinCheckDigitValid('1HGCM82633A004352')).toBe(true);
    expect(vinCheckDigitValid('1HGCM82643A004352')).toBe(false);
  });

  it('IP validators accept real addresses only', () => {
    expect(ipv4Valid('10.0.0.255')).toBe(true);
    expect(ipv4Valid('10.0.0.256')).toBe(false);
    expect(ipv6Valid('2001:db8::1')).toBe(true);
    expect(ipv6Valid('::ffff:192.0.2.1')).toBe(true);
    expect(ipv6Valid('10:30:00')).toBe(false);
  });
});
