import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import type { DeidentifiedContext, UseCase } from '@carerelay/events';
import { CareRelayError } from '@carerelay/errors';
import type { ChatMessage } from '../provider.js';
import { CONTEXT_PLACEHOLDERS, contextValues, placeholdersOf, randomBoundary, substitute } from './render.js';
import { strictSchemaViolations } from './strict-schema.js';
import { DRAFT_USE_CASES, type DraftUseCase, type PromptTemplate } from './types.js';
import { outputValidator } from './validate.js';

/** The three files of one template version, as read from disk. */
export interface TemplateFiles {
  readonly system: string;
  readonly user: string;
  readonly schema: string;
}

export interface TemplateRegistryOptions {
  /** Folder holding `<id>/<semver>/`; defaults to the package's `templates/`. */
  readonly directory?: URL | string;
  /** Source of data-block boundaries; tests inject a fixed one for deterministic renders. */
  readonly newBoundary?: () => string;
}

// Resolves to packages/llm/templates/ both from src/templates (vitest) and dist/templates.
const DEFAULT_DIRECTORY = new URL('../../templates/', import.meta.url);
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;
/** A step of a use case (`<useCase>/<step>/<semver>/`), e.g. `partial`: one piece of a long input. */
const STEP = /^[a-z][a-z_]*$/;
const BOUNDARY = /^[A-Za-z0-9]{16,64}$/;

const invalid = (message: string, cause?: unknown): CareRelayError =>
  new CareRelayError('TEMPLATE_INVALID', message, { cause });

const normalizeText = (text: string): string => text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');

/**
 * SHA-256 hex over the canonical content of the three files: line endings and the
 * schema's whitespace do not count, the schema's property order does (strict
 * structured outputs generate properties in schema order, so reordering changes
 * the drafts). Names and lengths frame each part so content cannot shift between files.
 */
export function templateHash(files: TemplateFiles): string {
  let schema: string;
  try {
    schema = JSON.stringify(JSON.parse(normalizeText(files.schema)));
  } catch (cause) {
    throw invalid('schema.json is not valid JSON', cause);
  }
  const hash = createHash('sha256');
  for (const [name, content] of [
    ['system.md', normalizeText(files.system)],
    ['user.md', normalizeText(files.user)],
    ['schema.json', schema],
  ] as const) {
    hash.update(`${name}\n${Buffer.byteLength(content)}\n${content}\n`);
  }
  return hash.digest('hex');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function compareSemver(a: string, b: string): number {
  const pa = SEMVER.exec(a)?.slice(1).map(Number) ?? [];
  const pb = SEMVER.exec(b)?.slice(1).map(Number) ?? [];
  for (let i = 0; i < 3; i += 1) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function checkPlaceholders(where: string, text: string, allowed: readonly string[]): void {
  for (const name of placeholdersOf(text)) {
    if (!allowed.includes(name)) throw invalid(`${where} uses unknown placeholder {{${name}}}`);
  }
}

function readFiles(folder: string, where: string): TemplateFiles {
  const read = (name: string): string => {
    const path = join(folder, name);
    if (!existsSync(path)) throw invalid(`${where} has no ${name}`);
    return readFileSync(path, 'utf8');
  };
  return { system: read('system.md'), user: read('user.md'), schema: read('schema.json') };
}

/**
 * Builds one template from its files; every check that can fail happens here, at load time.
 * A step template (`step` given) has the id `<useCase>.<step>`.
 */
export function buildTemplate(
  useCase: DraftUseCase,
  version: string,
  files: TemplateFiles,
  newBoundary: () => string = randomBoundary,
  step?: string,
): PromptTemplate {
  const id = step === undefined ? useCase : `${useCase}.${step}`;
  const where = `template ${id}@${version}`;
  const hash = templateHash(files);
  const schema = deepFreeze(JSON.parse(normalizeText(files.schema)) as Record<string, unknown>);
  const violations = strictSchemaViolations(schema);
  if (violations.length > 0)
    throw invalid(`${where} schema is not strict-mode compatible: ${violations.join('; ')}`);
  outputValidator(schema);
  const system = normalizeText(files.system).trimEnd();
  const user = normalizeText(files.user).trimEnd();
  // Only the boundary may enter the system message: record text never reaches it.
  checkPlaceholders(`${where} system.md`, system, ['boundary']);
  checkPlaceholders(`${where} user.md`, user, CONTEXT_PLACEHOLDERS);
  if (!placeholdersOf(system).includes('boundary'))
    throw invalid(`${where} system.md must name the {{boundary}}`);

  return Object.freeze({
    id,
    useCase,
    version,
    hash,
    outputSchema: Object.freeze({
      name: `${id.replaceAll('.', '_')}_${version.replaceAll('.', '_')}`,
      schema,
    }),
    measurementBasedCare: placeholdersOf(user).includes('measurementFindings'),
    render(context: DeidentifiedContext): ChatMessage[] {
      const boundary = newBoundary();
      if (!BOUNDARY.test(boundary)) {
        throw new CareRelayError(
          'TEMPLATE_RENDER_FAILED',
          'Data-block boundary must be 16-64 letters or digits',
        );
      }
      return [
        { role: 'system', content: substitute(system, { boundary }) },
        { role: 'user', content: substitute(user, contextValues(context, boundary)) },
      ];
    },
  });
}

const isDraftUseCase = (id: string): id is DraftUseCase =>
  (DRAFT_USE_CASES as readonly string[]).includes(id);

const latestOf = (versions: Map<string, PromptTemplate> | undefined): PromptTemplate | undefined => {
  const latest = versions ? [...versions.keys()].sort(compareSemver).at(-1) : undefined;
  return latest === undefined ? undefined : versions?.get(latest);
};

/** Every template version under one folder, loaded and checked once. */
export class TemplateRegistry {
  /** By template id: the use case for its own template, `<useCase>.<step>` for a step. */
  private readonly byId = new Map<string, Map<string, PromptTemplate>>();

  private constructor(templates: readonly PromptTemplate[]) {
    for (const t of templates) {
      const versions = this.byId.get(t.id) ?? new Map<string, PromptTemplate>();
      versions.set(t.version, t);
      this.byId.set(t.id, versions);
    }
  }

  static load(options: TemplateRegistryOptions = {}): TemplateRegistry {
    const directory = options.directory ?? DEFAULT_DIRECTORY;
    const root = directory instanceof URL ? fileURLToPath(directory) : directory;
    if (!existsSync(root)) throw invalid('Template folder not found');
    const templates: PromptTemplate[] = [];
    for (const entry of readdirSync(root, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      if (!isDraftUseCase(entry.name))
        throw invalid(`Template folder ${entry.name} is not a drafting use case`);
      const useCase = entry.name;
      const load = (folder: string, step?: string): void => {
        const id = step === undefined ? useCase : `${useCase}.${step}`;
        for (const version of readdirSync(folder, { withFileTypes: true })) {
          if (!version.isDirectory()) continue;
          if (step === undefined && STEP.test(version.name)) {
            load(join(folder, version.name), version.name);
            continue;
          }
          if (!SEMVER.test(version.name))
            throw invalid(`Template ${id} version ${version.name} is not x.y.z`);
          const files = readFiles(join(folder, version.name), `template ${id}@${version.name}`);
          templates.push(buildTemplate(useCase, version.name, files, options.newBoundary, step));
        }
      };
      load(join(root, useCase));
    }
    return new TemplateRegistry(templates);
  }

  /** The latest version for the use case. */
  templateFor(useCase: UseCase): PromptTemplate {
    const found = isDraftUseCase(useCase) ? latestOf(this.byId.get(useCase)) : undefined;
    if (!found) throw new CareRelayError('TEMPLATE_NOT_FOUND', `No prompt template for use case ${useCase}`);
    return found;
  }

  /**
   * The latest version of a step of the use case (`partial`: one piece of an input too long
   * for one call), or undefined when the use case has no such step.
   */
  stepTemplateFor(useCase: UseCase, step: string): PromptTemplate | undefined {
    return isDraftUseCase(useCase) ? latestOf(this.byId.get(`${useCase}.${step}`)) : undefined;
  }

  template(id: string, version: string): PromptTemplate {
    const found = this.byId.get(id)?.get(version);
    if (!found) throw new CareRelayError('TEMPLATE_NOT_FOUND', `No prompt template ${id}@${version}`);
    return found;
  }

  /** Every loaded template, by id then version. */
  all(): PromptTemplate[] {
    return [...this.byId.values()].flatMap((versions) => [...versions.values()]);
  }
}

let defaultRegistry: TemplateRegistry | undefined;

/** The package's own templates, loaded on first use (call at startup to fail fast). */
export function defaultTemplateRegistry(): TemplateRegistry {
  defaultRegistry ??= TemplateRegistry.load();
  return defaultRegistry;
}

export function templateFor(useCase: UseCase): PromptTemplate {
  return defaultTemplateRegistry().templateFor(useCase);
}

export function template(id: string, version: string): PromptTemplate {
  return defaultTemplateRegistry().template(id, version);
}

export function stepTemplateFor(useCase: UseCase, step: string): PromptTemplate | undefined {
  return defaultTemplateRegistry().stepTemplateFor(useCase, step);
}
