import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TemplateRegistry, stepTemplateFor, template, templateFor, templateHash } from './registry.js';
import { DRAFT_USE_CASES } from './types.js';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

// A published template version is immutable: changing its files must come with a new
// version folder, and the new hash is added here.
const PUBLISHED = {
  'soap_note@1.0.0': '413ab57210093083796b4f2e3da925db26316b19cde609be9f4c7d2491f63211',
  'dap_note@1.0.0': 'd8ac79d82081508e2545ef6f881f2a7087d63dff55e4dadf6fa3bba4016bb5eb',
  'birp_note@1.0.0': '558cb69732ed6c7248391ca590ff5eec7a7911ef63aaa9ef377b0d8e5dc0ad14',
  'treatment_plan@1.0.0': '0d3f8ccf3e4c7e1117abd8736be1b5d637273c221ae778678fa0e78c8e8e0746',
  'chart_summary@1.0.0': '716798aeca384cc0e5ffea4762a9a5ebf47484869795c770dcaf21b8136871e5',
  'intake_extraction@1.0.0': '465ca1365fa33ea1cc83a2dbdb2ee4a864050429fd1163ad7365ff472b3d5eb1',
  'message_triage@1.0.0': 'e75d9c0cc0b6d857162f9b0c72e312c0a8481a57ec5debb4af48b662ef2cbd79',
  'goal_progress@1.0.0': '466da5347a8f700b6abd80e350c38baeca8bb2eb3700a1efb565fc7f44f760e7',
  'goal_progress@1.1.0': 'fd129ac80f5f46cfa668b670ba9dbe9fffd65b1da93437b8c372bf8a15df4102',
  'treatment_plan@1.1.0': '43c5a904117f038969fe0694f43b4c88956942dcd9b4d90559edd18ae14837a9',
  'chart_summary.partial@1.0.0': 'f82057f97af6e998b50b7e6e3ba24e1957c734e607e56a60a8ce111058fbcd4e',
} as const;

/** The latest version of each use case's template. */
const LATEST: Readonly<Record<string, string>> = { goal_progress: '1.1.0', treatment_plan: '1.1.0' };

const temps: string[] = [];
function copyOfTemplates(): string {
  const dir = mkdtempSync(join(tmpdir(), 'carerelay-templates-'));
  temps.push(dir);
  cpSync(TEMPLATES, dir, { recursive: true });
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function edit(dir: string, file: string, change: (text: string) => string): void {
  const path = join(dir, 'soap_note', '1.0.0', file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

const soapHashIn = (dir: string): string =>
  TemplateRegistry.load({ directory: dir }).templateFor('soap_note').hash;

describe('template registry', () => {
  it.each(DRAFT_USE_CASES)('loads a template for %s whose id is the use case', (useCase) => {
    const t = templateFor(useCase);
    expect(t.id).toBe(useCase);
    expect(t.useCase).toBe(useCase);
    const version = LATEST[useCase] ?? '1.0.0';
    expect(t.version).toBe(version);
    expect(t.outputSchema.name).toBe(`${useCase}_${version.replaceAll('.', '_')}`);
    expect(t.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('has no template for coding, which is deterministic rules', () => {
    expect(() => templateFor('coding')).toThrow(expect.objectContaining({ code: 'TEMPLATE_NOT_FOUND' }));
  });

  it('finds a version by id and semver, and names the missing one', () => {
    expect(template('dap_note', '1.0.0')).toBe(templateFor('dap_note'));
    expect(() => template('dap_note', '9.9.9')).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_NOT_FOUND' }),
    );
  });

  it('serves the highest semver as the latest (1.10.0 above 1.2.0)', () => {
    const dir = copyOfTemplates();
    cpSync(join(dir, 'soap_note', '1.0.0'), join(dir, 'soap_note', '1.2.0'), { recursive: true });
    cpSync(join(dir, 'soap_note', '1.0.0'), join(dir, 'soap_note', '1.10.0'), { recursive: true });
    expect(TemplateRegistry.load({ directory: dir }).templateFor('soap_note').version).toBe('1.10.0');
  });

  it('loads a step of a use case (a piece of a long chart summary) apart from its own template', () => {
    const partial = stepTemplateFor('chart_summary', 'partial');
    expect(partial).toMatchObject({
      id: 'chart_summary.partial',
      useCase: 'chart_summary',
      version: '1.0.0',
    });
    expect(partial?.outputSchema.name).toBe('chart_summary_partial_1_0_0');
    expect(template('chart_summary.partial', '1.0.0')).toBe(partial);
    expect(templateFor('chart_summary').id).toBe('chart_summary');
    expect(stepTemplateFor('soap_note', 'partial')).toBeUndefined();
  });

  it('keeps every published version unchanged (same content hash)', () => {
    const actual = Object.fromEntries(
      TemplateRegistry.load()
        .all()
        .map((t) => [`${t.id}@${t.version}`, t.hash]),
    );
    expect(actual).toEqual(PUBLISHED);
  });
});

describe('template hash', () => {
  it('is stable across loads and copies', () => {
    expect(soapHashIn(copyOfTemplates())).toBe(templateFor('soap_note').hash);
  });

  it('changes when system.md changes', () => {
    const dir = copyOfTemplates();
    edit(dir, 'system.md', (text) => text.replace('Never invent facts.', 'Do not invent facts.'));
    expect(soapHashIn(dir)).not.toBe(templateFor('soap_note').hash);
  });

  it('changes when user.md changes', () => {
    const dir = copyOfTemplates();
    edit(dir, 'user.md', (text) => `${text}\nBe brief.\n`);
    expect(soapHashIn(dir)).not.toBe(templateFor('soap_note').hash);
  });

  it('changes when the schema property order changes, since strict outputs generate in that order', () => {
    const dir = copyOfTemplates();
    edit(dir, 'schema.json', (text) => {
      const schema = JSON.parse(text) as { properties: Record<string, unknown> };
      schema.properties = Object.fromEntries(Object.entries(schema.properties).reverse());
      return JSON.stringify(schema);
    });
    expect(soapHashIn(dir)).not.toBe(templateFor('soap_note').hash);
  });

  it('ignores line endings and schema whitespace', () => {
    const dir = copyOfTemplates();
    edit(dir, 'system.md', (text) => text.replace(/\n/g, '\r\n'));
    edit(dir, 'schema.json', (text) => JSON.stringify(JSON.parse(text)));
    expect(soapHashIn(dir)).toBe(templateFor('soap_note').hash);
  });

  it('frames each file, so moving text from one file to the next changes the hash', () => {
    expect(templateHash({ system: 'ab', user: 'c', schema: '{}' })).not.toBe(
      templateHash({ system: 'a', user: 'bc', schema: '{}' }),
    );
  });
});

describe('template checks at load time', () => {
  it.each([
    ['a placeholder the renderer does not know', 'user.md', (t: string) => `${t}\n{{address}}`],
    ['record text in the system message', 'system.md', (t: string) => `${t}\n{{sessionNotes}}`],
    [
      'a system message that does not name the boundary',
      'system.md',
      (t: string) => t.replaceAll('{{boundary}}', 'X'),
    ],
    [
      'a schema object open to extra properties',
      'schema.json',
      (t: string) => t.replace('"additionalProperties": false', '"additionalProperties": true'),
    ],
    ['a schema that is not JSON', 'schema.json', (t: string) => t.slice(1)],
  ])('rejects %s', (_rule, file, change) => {
    const dir = copyOfTemplates();
    edit(dir, file, change);
    expect(() => TemplateRegistry.load({ directory: dir })).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_INVALID' }),
    );
  });

  it('rejects a folder that is not a drafting use case', () => {
    const dir = copyOfTemplates();
    cpSync(join(dir, 'soap_note'), join(dir, 'coding'), { recursive: true });
    expect(() => TemplateRegistry.load({ directory: dir })).toThrow(
      expect.objectContaining({ code: 'TEMPLATE_INVALID' }),
    );
  });
});
