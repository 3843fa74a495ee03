/**
 * Identifier categories, one per Safe Harbor identifier (45 CFR 164.514(b)(2)) that can occur
 * in text. Full-face photographs have no text form; `ID` is "any other unique identifying
 * number, characteristic or code".
 */
export const PHI_TYPES = [
  'NAME',
  'DATE',
  'AGE',
  'LOCATION',
  'ORGANIZATION',
  'PHONE',
  'FAX',
  'EMAIL',
  'SSN',
  'MRN',
  'HEALTH_PLAN',
  'ACCOUNT',
  'LICENSE',
  'VEHICLE',
  'DEVICE',
  'URL',
  'IP',
  'BIOMETRIC',
  'ID',
] as const;

export type PhiType = (typeof PHI_TYPES)[number];

/** A detected identifier. Offsets are JavaScript string indices, `end` exclusive. */
export interface Span {
  start: number;
  end: number;
  type: PhiType;
  /** 0..1: how sure the recognizer is that the text is an identifier. */
  confidence: number;
  /** Which recognizer produced the span, e.g. `pattern:ssn`, `name:context`, `known:client`. */
  source: string;
}

/** A person on file: the client, a relative, a clinician. Every part is optional. */
export interface KnownPerson {
  given?: string;
  middle?: string;
  family?: string;
  preferred?: string;
}

export interface KnownAddress {
  line1?: string;
  line2?: string;
  city?: string;
  county?: string;
  state?: string;
  zip?: string;
}

/**
 * Structured identifiers of the task (from the EHR record). Each is caught wherever it
 * occurs in the text, in any case and in partial forms, whatever the other layers say.
 */
export interface KnownIdentifiers {
  client?: KnownPerson;
  /** Date of birth, ISO `YYYY-MM-DD`. */
  dob?: string;
  address?: KnownAddress;
  mrn?: string;
  phones?: string[];
  emails?: string[];
  relatives?: KnownPerson[];
  careTeam?: KnownPerson[];
  /** Any other value on file (plan member id, SSN, employer...). */
  other?: Array<{ value: string; type: PhiType }>;
}

export interface DetectOptions {
  known?: KnownIdentifiers;
  /** Spans below this confidence are dropped. Default 0.5. */
  minConfidence?: number;
}
