// Types of infra.mjs, for the TypeScript that starts local infrastructure (test setup, benchmarks).
export declare const REPO_ROOT: string;
export declare const DEFAULT_CACHE_DIR: string;

export interface Stoppable {
  stop(): Promise<void>;
}

export declare function fetchInfra(options?: { cacheDir?: string }): Promise<{
  kafkaLibs: string;
  apicurioDir: string;
  downloaded: { kafka: boolean; registry: boolean };
}>;

export declare function startKafka(options?: {
  cacheDir?: string;
  stateDir?: string;
  port?: number;
  controllerPort?: number;
  persist?: boolean;
  timeoutMs?: number;
  javaHome?: string;
  /** 'broker' (default): a Metadata response lists the broker. 'port': the client port accepts a connection. */
  ready?: 'broker' | 'port';
  /** Opt-in SASL_PLAINTEXT listener with SCRAM-SHA-512 and these users (credentials added at format time). */
  scram?: { users: readonly { name: string; password: string }[]; port?: number };
  /** Opt-in SSL listener: PKCS12 keystore of the broker, PEM CA trusted for clients; clientAuth 'required' (default) = mTLS. */
  tls?: {
    keystore: string;
    keystorePassword: string;
    truststore: string;
    clientAuth?: 'required' | 'requested' | 'none';
    port?: number;
  };
}): Promise<
  Stoppable & {
    brokers: string;
    /** The SCRAM listener's bootstrap address, when scram was given. */
    saslBrokers?: string;
    saslPort?: number;
    /** The TLS listener's bootstrap address, when tls was given. */
    tlsBrokers?: string;
    tlsPort?: number;
    pid: number;
    port: number;
    controllerPort: number;
    stateDir: string;
  }
>;

export declare function startRegistry(options?: {
  cacheDir?: string;
  stateDir?: string;
  port?: number;
  managementPort?: number;
  persist?: boolean;
  timeoutMs?: number;
  javaHome?: string;
}): Promise<Stoppable & { url: string; pid: number; port: number; managementPort: number; stateDir: string }>;

export declare function startLocalInfra(options?: {
  cacheDir?: string;
  stateDir?: string;
  persist?: boolean;
}): Promise<Stoppable & { kafkaBrokers: string; schemaRegistryUrl: string }>;
