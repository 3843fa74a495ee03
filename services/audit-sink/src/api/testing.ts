import { exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { COMPLIANCE_OFFICER_ROLE } from './auth.js';

/** Helpers for tests of the compliance API (its own and the service's). */

export const TEST_ISSUER = 'https://idp.test/carerelay';
export const TEST_AUDIENCE = 'carerelay-compliance-api';

/** An identity provider in miniature: one ES256 key pair that signs officers' tokens. */
export interface TokenIssuer {
  readonly publicKeyPem: string;
  readonly privateKey: CryptoKey;
  /** A token for `tenantId`, compliance officer unless `claims` says otherwise. */
  sign(
    tenantId: string | null,
    claims?: JWTPayload,
    options?: { expiresIn?: string | number; alg?: string },
  ): Promise<string>;
}

export async function createTokenIssuer(alg: 'ES256' | 'RS256' = 'ES256'): Promise<TokenIssuer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  const publicKeyPem = await exportSPKI(publicKey);
  return {
    publicKeyPem,
    privateKey,
    sign: (tenantId, claims = {}, options = {}) =>
      // Standard claims given in `claims` (iss, aud, sub) win over the test defaults.
      new SignJWT({
        iss: TEST_ISSUER,
        aud: TEST_AUDIENCE,
        sub: 'officer-1',
        roles: [COMPLIANCE_OFFICER_ROLE],
        ...(tenantId === null ? {} : { tenant_id: tenantId }),
        ...claims,
      })
        .setProtectedHeader({ alg: options.alg ?? alg, kid: 'test-key' })
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(privateKey),
  };
}

/**
 * A strict RFC 4180 reader (quoted fields, doubled quotes, CRLF records), written apart from
 * the exporter so a test parses what a spreadsheet would, not what the writer meant.
 */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (ch === '"') {
        quoted = false;
        i += 1;
        const after = text[i];
        if (after !== undefined && after !== ',' && after !== '\r')
          throw new Error(`text after a closing quote at ${i}`);
      } else {
        field += ch;
        i += 1;
      }
    } else if (ch === '"') {
      if (field !== '') throw new Error(`quote inside an unquoted field at ${i}`);
      quoted = true;
      i += 1;
    } else if (ch === ',') {
      record.push(field);
      field = '';
      i += 1;
    } else if (ch === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i += 2;
    } else if (ch === '\n' || ch === '\r') {
      throw new Error(`bare line break at ${i}`);
    } else {
      field += ch;
      i += 1;
    }
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (field !== '' || record.length > 0) throw new Error('last record does not end with CRLF');
  return records;
}
