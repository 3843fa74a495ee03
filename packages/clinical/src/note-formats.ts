/** Progress-note formats (DOMAIN.md "Note formats") and their sections, in order. */
export const NOTE_SECTIONS = {
  soap: ['Subjective', 'Objective', 'Assessment', 'Plan'],
  dap: ['Data', 'Assessment', 'Plan'],
  birp: ['Behavior', 'Intervention', 'Response', 'Plan'],
} as const;

export type NoteFormat = keyof typeof NOTE_SECTIONS;

/**
 * Splits a note into its sections by their headings ("Subjective:", "S:", "SUBJECTIVE",
 * "## Plan"), case-insensitive, each at the start of a line. Text before the first
 * heading goes to "Preamble"; a format's section that is absent maps to "".
 */
export function splitSections(text: string, format: NoteFormat): Record<string, string> {
  const names: readonly string[] = NOTE_SECTIONS[format];
  const alternatives = names.map((n) => `${n}|${n[0]}`).join('|');
  const heading = new RegExp(`^[ \\t]*(?:#+[ \\t]*)?(${alternatives})[ \\t]*(?::|-|\\n|$)`, 'gim');
  const marks: Array<{ name: string; start: number; bodyStart: number }> = [];
  for (const m of text.matchAll(heading)) {
    const word = (m[1] ?? '').toLowerCase();
    const name =
      names.find((n) => n.toLowerCase() === word) ?? names.find((n) => n[0]!.toLowerCase() === word);
    if (name) marks.push({ name, start: m.index, bodyStart: m.index + m[0].length });
  }
  const out: Record<string, string> = Object.fromEntries(names.map((n) => [n, '']));
  const preamble = text.slice(0, marks[0]?.start ?? text.length).trim();
  if (preamble) out.Preamble = preamble;
  marks.forEach((mark, i) => {
    const body = text.slice(mark.bodyStart, marks[i + 1]?.start ?? text.length).trim();
    out[mark.name] = out[mark.name] ? `${out[mark.name]}\n${body}` : body;
  });
  return out;
}
