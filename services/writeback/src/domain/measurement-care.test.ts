import { createHash } from 'node:crypto';
import { DOMParser } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { measurementFindings } from '@carerelay/clinical';
import type { MeasureSeries } from '@carerelay/events';
import { shiftDate, type VaultEntry } from '@carerelay/phi';
import { chartAttachment, measurementCare } from './measurement-care.js';

/** The real dates behind the tokens, as the deidentifier stored them in the vault. */
const REAL = ['2026-03-02', '2026-02-16', '2026-02-02', '2026-01-19', '2026-01-05'];
const entry = (dateShiftDays: number | null = null, dates = REAL): VaultEntry => ({
  tenantId: 't1',
  taskId: 'task-1',
  clientId: 'pt-1',
  tokens: Object.fromEntries(dates.map((d, i) => [`[DATE_${i + 1}]`, { value: d, type: 'DATE' as const }])),
  dateShiftDays,
  createdAt: 0,
});

/** What the llm-worker put on the draft: the findings by rules over tokens, newest first in. */
function measures(dates: readonly string[]): MeasureSeries[] {
  const scores = [
    ...[7, 12, 14, 17, 21].map((total, i) => ({
      instrument: 'PHQ-9',
      loinc: '44261-6',
      date: dates[i]!,
      total,
    })),
    ...[4, 11, 16].map((total, i) => ({ instrument: 'GAD-7', loinc: '70274-6', date: dates[i * 2]!, total })),
  ];
  return measurementFindings(scores).map(({ instrument, points, findings }) => ({
    instrument,
    points,
    findings,
  }));
}
const TOKENS = REAL.map((_, i) => `[DATE_${i + 1}]`);
const ANY_TOKEN = /\[[A-Z]+(?:_\d+)?\]/;

describe('measurement-based care in writeback', () => {
  it('states the findings and draws the chart with the real dates, leaving no token behind', () => {
    const care = measurementCare(measures(TOKENS), entry());
    expect(care.unresolved).toEqual([]);
    const section = care.section.join('\n');
    expect(section).toContain(
      'PHQ-9 baseline 21 (severe) on 2026-01-05; latest 7 (mild) on 2026-03-02; change from baseline -14 points (-66.7%).',
    );
    expect(section).toContain(
      'PHQ-9 response (a drop of 50% or more from baseline, to 10 or less): met since 2026-03-02 (7 on 2026-03-02).',
    );
    expect(section).toContain('GAD-7 remission (below 5): met since 2026-03-02 (4 on 2026-03-02).');
    expect(care.section.at(-1)).toBe('Trend chart of the PHQ-9 and GAD-7 totals: attached.');
    expect(section).not.toMatch(ANY_TOKEN);

    const svg = care.svg!;
    new DOMParser({ onError: (level, message) => expect.fail(`${level}: ${message}`) }).parseFromString(
      svg,
      'image/svg+xml',
    );
    expect(svg).not.toMatch(ANY_TOKEN);
    for (const d of REAL) expect(svg).toContain(`data-date="${d}"`);
  });

  it('shifts shifted dates back by the task offset', () => {
    const shifted = REAL.map((d) => shiftDate(d, 400)!); // a year on: no shifted date is a real one on the chart
    const care = measurementCare(measures(shifted), entry(400));
    expect(care.svg).toContain('data-date="2026-01-05"');
    for (const d of shifted) {
      expect(care.svg).not.toContain(d);
      expect(care.section.join('\n')).not.toContain(d);
    }
  });

  it('leaves a date the vault cannot resolve as its token, visible and listed', () => {
    const care = measurementCare(measures(TOKENS), entry(null, REAL.slice(0, 4)));
    expect(care.unresolved).toEqual(['[DATE_5]']);
    expect(care.svg).toContain('data-date="[DATE_5]"');
    expect(care.section.join('\n')).toContain('baseline 21 (severe) on [DATE_5]');
  });

  it('has no section and no chart for a draft without measures', () => {
    expect(measurementCare([], entry())).toEqual({ section: [], svg: null, unresolved: [], replaced: 0 });
  });

  it('attaches the chart as image/svg+xml, base64, with its size and SHA-1', () => {
    const svg = measurementCare(measures(TOKENS), entry()).svg!;
    const attachment = chartAttachment(svg);
    expect(attachment).toMatchObject({ contentType: 'image/svg+xml', title: 'PHQ-9 and GAD-7 trend chart' });
    expect(Buffer.from(attachment.data!, 'base64').toString('utf8')).toBe(svg);
    expect(attachment.size).toBe(Buffer.byteLength(svg));
    expect(attachment.hash).toBe(createHash('sha1').update(svg, 'utf8').digest('base64'));
  });
});
