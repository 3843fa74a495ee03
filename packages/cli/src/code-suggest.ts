import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Writable } from 'node:stream';
import { CareRelayError } from '@carerelay/errors';
import { SERVICE_KINDS, suggestCodes, type CodingInput, type ServiceKind } from '@carerelay/clinical';

/**
 * Longest input line accepted, in characters. An encounter with its diagnoses is a few hundred
 * bytes and a session note some KB; a line past 1 Mi characters is a blob, not an encounter.
 */
export const MAX_LINE_CHARS = 1 << 20;

/** Why a line has no suggestion; the output's `error` is `CODE: message`, never the line's text. */
export type CodeSuggestLineErrorCode = 'LINE_TOO_LONG' | 'INVALID_JSON' | 'INVALID_INPUT' | 'SUGGEST_FAILED';

/** One output line, keys in the contract's order. */
type SuggestedLine =
  | {
      id: string;
      cpt: string[];
      icd10: string[];
      labels: string[];
      warnings: Array<{ code: string; message: string }>;
    }
  | { id: string | null; error: string };

/** A line that cannot be coded, with the id to answer it under when the line had one. */
class LineError extends CareRelayError {
  constructor(
    readonly lineId: string | null,
    code: CodeSuggestLineErrorCode,
    message: string,
  ) {
    super(code, message, { httpStatus: 400 });
  }
}

/**
 * `carerelay code suggest` (an external contract: keep it exactly). Reads JSONL
 * `{"id", "encounter": {service, psychotherapyMinutes, emVisit, interactiveComplexity,
 * medicalServices, start?, end?}, "diagnoses": string[], "note"?}` and writes, per
 * non-blank input line, `{"id","cpt","icd10","labels","warnings":[{"code","message"}]}`
 * (the rules engine's rationale stays out of this output). Blank lines are skipped.
 *
 * A line that is not valid input gets `{"id": <id or null>, "error": "CODE: message"}`, a
 * "line N: ..." message on `err`, and processing goes on; the exit code is then 1, else 0.
 * One line at a time with backpressure: a slow reader pauses the input.
 */
export async function codeSuggest(
  input: NodeJS.ReadableStream,
  out: Writable,
  err: Writable,
): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let failed = 0;
  for await (const line of lines) {
    lineNo += 1;
    if (line.trim() === '') continue;
    const result = suggestLine(line);
    if ('error' in result) {
      failed += 1;
      err.write(`line ${lineNo}: ${result.error}\n`);
    }
    if (!out.write(`${JSON.stringify(result)}\n`)) await once(out, 'drain');
  }
  return failed > 0 ? 1 : 0;
}

function suggestLine(line: string): SuggestedLine {
  let id: string | null = null;
  try {
    if (line.length > MAX_LINE_CHARS) {
      throw new LineError(
        null,
        'LINE_TOO_LONG',
        `line is ${line.length} characters; the limit is ${MAX_LINE_CHARS}`,
      );
    }
    const parsed = parseLine(line);
    id = parsed.id;
    const s = suggestCodes(parsed.input);
    return {
      id,
      cpt: s.cpt,
      icd10: s.icd10,
      labels: s.labels,
      warnings: s.warnings.map(({ code, message }) => ({ code, message })),
    };
  } catch (e) {
    if (e instanceof LineError) return { id: e.lineId, error: `${e.code}: ${e.message}` };
    return { id, error: `SUGGEST_FAILED: coding rules failed (${e instanceof Error ? e.name : 'unknown'})` };
  }
}

const SERVICES: ReadonlySet<string> = new Set(SERVICE_KINDS);

/** Validates one line; throws LineError naming the first field that is wrong. */
function parseLine(line: string): { id: string; input: CodingInput } {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch {
    // JSON.parse's message quotes the line, which may hold note text: say only what is wrong.
    throw new LineError(null, 'INVALID_JSON', 'line is not valid JSON');
  }
  if (!isObject(doc))
    throw new LineError(null, 'INVALID_INPUT', 'line must be a JSON object {"id","encounter","diagnoses"}');
  const { id, encounter, diagnoses, note } = doc;
  if (typeof id !== 'string') throw new LineError(null, 'INVALID_INPUT', '"id" must be a string');
  const bad = (message: string): LineError => new LineError(id, 'INVALID_INPUT', message);
  if (!isObject(encounter)) throw bad('"encounter" must be an object');
  const { service, psychotherapyMinutes, emVisit, interactiveComplexity, medicalServices, start, end } =
    encounter;
  if (typeof service !== 'string' || !SERVICES.has(service)) {
    throw bad(`"encounter.service" must be one of ${SERVICE_KINDS.join(', ')}`);
  }
  if (
    typeof psychotherapyMinutes !== 'number' ||
    !Number.isFinite(psychotherapyMinutes) ||
    psychotherapyMinutes < 0
  ) {
    throw bad('"encounter.psychotherapyMinutes" must be a number ≥ 0');
  }
  for (const [name, value] of [
    ['emVisit', emVisit],
    ['interactiveComplexity', interactiveComplexity],
    ['medicalServices', medicalServices],
  ] as const) {
    if (typeof value !== 'boolean') throw bad(`"encounter.${name}" must be a boolean`);
  }
  const startAt = optionalString(start, '"encounter.start"', bad);
  const endAt = optionalString(end, '"encounter.end"', bad);
  if (!Array.isArray(diagnoses) || !diagnoses.every((d): d is string => typeof d === 'string')) {
    throw bad('"diagnoses" must be an array of strings');
  }
  const noteText = optionalString(note, '"note"', bad);
  return {
    id,
    input: {
      encounter: {
        service: service as ServiceKind,
        psychotherapyMinutes,
        emVisit: emVisit as boolean,
        interactiveComplexity: interactiveComplexity as boolean,
        medicalServices: medicalServices as boolean,
        ...(startAt === undefined ? {} : { start: startAt }),
        ...(endAt === undefined ? {} : { end: endAt }),
      },
      diagnoses,
      ...(noteText === undefined ? {} : { note: noteText }),
    },
  };
}

/** An optional field may be absent or null (both read as "not given"), else a string. */
function optionalString(
  value: unknown,
  name: string,
  bad: (message: string) => LineError,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(`${name} must be a string when given`);
  return value;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
