import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/**
 * Signs the user tokens `POST /v1/tasks` verifies (ES256, as an IdP would), with node:crypto
 * alone so the test depends on no JWT library of the product's.
 */
export class TestIdp {
  readonly issuer = 'https://idp.policy-int.test';
  readonly audience = 'carerelay';
  private readonly privateKey: KeyObject;
  readonly publicKeyPem: string;

  constructor() {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.privateKey = pair.privateKey;
    this.publicKeyPem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  token(claims: {
    readonly sub: string;
    readonly tenant: string;
    readonly roles: readonly string[];
  }): string {
    const now = Math.floor(Date.now() / 1000);
    const b64 = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const input = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64({
      iss: this.issuer,
      aud: this.audience,
      sub: claims.sub,
      tenant_id: claims.tenant,
      roles: claims.roles,
      iat: now,
      exp: now + 300,
    })}`;
    const signature = sign('sha256', Buffer.from(input), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return `${input}.${signature.toString('base64url')}`;
  }
}
