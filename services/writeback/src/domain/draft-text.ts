import { reidentify, type VaultEntry } from '@carerelay/phi';
import { CareRelayError } from '@carerelay/errors';
import type { ModelProvenance } from '@carerelay/events';

/** The label every model draft carries in the EHR (ARCHITECTURE.md rule 3). */
export const AI_DRAFT_LABEL = 'AI-Assisted Draft';
/** The offline template provider is not AI and says so. */
export const OFFLINE_DRAFT_LABEL = 'Template draft: not AI-generated';

export interface ReidentifiedDraft {
  /** The draft's JSON with every string re-identified. */
  readonly content: unknown;
  /** Tokens the vault could not resolve: left visible in the text, listed on the record. */
  readonly unresolved: readonly string[];
  readonly replaced: number;
}

/** Re-identifies every string of the draft (keys stay as they are). */
export function reidentifyDraft(content: string, entry: VaultEntry): ReidentifiedDraft {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content);
  } catch (cause) {
    throw new CareRelayError('WRITEBACK_DRAFT_INVALID', 'draft content is not JSON', {
      retryable: false,
      cause,
    });
  }
  const unresolved = new Set<string>();
  let replaced = 0;
  const walk = (value: unknown): unknown => {
    if (typeof value === 'string') {
      const r = reidentify(value, entry.tokens, { dateShiftDays: entry.dateShiftDays });
      replaced += r.replaced;
      for (const t of r.unresolved) unresolved.add(t);
      return r.text;
    }
    if (Array.isArray(value)) return value.map(walk);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v)]));
    }
    return value;
  };
  const out = walk(parsed);
  return { content: out, unresolved: [...unresolved].sort(), replaced };
}

/** "riskStatement" → "Risk statement", "goal_progress" → "Goal progress". */
export function headingOf(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Keys the renderer writes itself (the header) or that carry no clinical content. */
const SKIPPED_KEYS = new Set(['draftLabel']);

function renderValue(value: unknown, indent: string): string[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return value === '' ? [] : value.split('\n').map((l) => `${indent}${l}`);
  if (typeof value === 'number' || typeof value === 'boolean') return [`${indent}${String(value)}`];
  if (Array.isArray(value)) {
    if (value.length === 0) return [`${indent}(none)`];
    return value.flatMap((item) => {
      const lines = renderValue(item, `${indent}  `);
      const [first, ...rest] = lines;
      return first === undefined ? [] : [`${indent}- ${first.trimStart()}`, ...rest];
    });
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => {
      const lines = renderValue(v, `${indent}  `);
      if (lines.length === 0) return [];
      if (lines.length === 1) return [`${indent}${headingOf(k)}: ${lines[0]!.trimStart()}`];
      return [`${indent}${headingOf(k)}:`, ...lines];
    });
  }
  return [];
}

export interface RenderOptions {
  readonly title: string;
  readonly provenance: ModelProvenance;
  readonly placeholders: readonly string[];
  readonly unresolved: readonly string[];
  /** A notice every reader must see, right under the label (the §2.32 notice of a Part 2 draft). */
  readonly notice?: string;
  /** Sections written by rules, after the model's: heading and lines (e.g. measurement-based care). */
  readonly ruleSections?: readonly { readonly heading: string; readonly lines: readonly string[] }[];
}

/** Plain text for the EHR: the draft label first (then any notice), then one heading per section. */
export function renderNote(content: unknown, options: RenderOptions): string {
  const label = options.provenance.provider === 'OFFLINE_TEMPLATE' ? OFFLINE_DRAFT_LABEL : AI_DRAFT_LABEL;
  const lines = [
    `${label} — review and sign`,
    ...(options.notice ? [options.notice] : []),
    options.title,
    '',
  ];
  const sections =
    content !== null && typeof content === 'object' && !Array.isArray(content)
      ? Object.entries(content as Record<string, unknown>)
      : [['draft', content] as const];
  for (const [key, value] of sections) {
    if (SKIPPED_KEYS.has(key)) continue;
    const body = renderValue(value, '');
    if (body.length === 0) continue;
    lines.push(headingOf(key).toUpperCase(), ...body, '');
  }
  for (const section of options.ruleSections ?? []) {
    if (section.lines.length > 0) lines.push(section.heading.toUpperCase(), ...section.lines, '');
  }
  if (options.placeholders.length > 0) {
    lines.push(`To complete: ${options.placeholders.join(', ')}`);
  }
  if (options.unresolved.length > 0) {
    lines.push(`Unresolved tokens (left as written): ${options.unresolved.join(', ')}`);
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
