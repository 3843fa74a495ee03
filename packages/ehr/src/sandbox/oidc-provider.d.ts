// oidc-provider ships no TypeScript types and @types/oidc-provider is not a dependency;
// this declares only the surface the sandbox's auth peer uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface OidcClientMetadata {
    client_id: string;
    [key: string]: unknown;
  }

  export interface OidcClient {
    clientId: string;
  }

  export interface OidcContext {
    oidc: { params?: Record<string, unknown> };
  }

  export interface ResourceServerInfo {
    scope: string;
    audience?: string;
    accessTokenTTL?: number;
    accessTokenFormat?: 'opaque' | 'jwt';
    jwt?: { sign?: { alg?: string } };
  }

  export interface ProviderConfiguration {
    clients?: OidcClientMetadata[];
    jwks?: { keys: object[] };
    scopes?: string[];
    enabledJWA?: { clientAuthSigningAlgValues?: string[] };
    clientAuthMethods?: string[];
    features?: Record<string, unknown>;
    cookies?: { keys?: string[] };
    ttl?: Record<string, number | ((...args: never[]) => number)>;
    [key: string]: unknown;
  }

  export class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration);
    readonly issuer: string;
    proxy: boolean;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }

  export const errors: {
    InvalidScope: new (description: string, scope: string) => Error;
    InvalidTarget: new (description?: string) => Error;
  };
}
