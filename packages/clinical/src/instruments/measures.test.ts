import { describe, expect, it } from 'vitest';
import { measurementFindings, seriesInstrumentOf, type ContextScore } from './measures.js';
import type { InstrumentScore } from './score.js';
import { analyzeSeries } from './series.js';

/** A de-identified context's scores, newest first, as the adapter's window read lists them. */
const phq9 = (totalsNewestFirst: number[]): ContextScore[] =>
  totalsNewestFirst.map((total, i) => ({
    instrument: 'PHQ-9',
    loinc: '44261-6',
    date: `[DATE_${i + 1}]`,
    total,
  }));
const gad7 = (date: string, total: number | null): ContextScore => ({
  instrument: 'GAD-7',
  loinc: '70274-6',
  date,
  total,
});

describe('measurement-based care findings from a de-identified context', () => {
  it('reads date tokens in the order given (newest first) and words every finding with its entries', () => {
    const [phq] = measurementFindings(phq9([8, 9, 12, 15, 16, 18]));
    expect(phq!.points.map((p) => `${p.date}=${p.total}`)).toEqual([
      '[DATE_6]=18',
      '[DATE_5]=16',
      '[DATE_4]=15',
      '[DATE_3]=12',
      '[DATE_2]=9',
      '[DATE_1]=8',
    ]);
    expect(phq!.findings).toEqual([
      'PHQ-9, 6 scores oldest first: 18 on [DATE_6], 16 on [DATE_5], 15 on [DATE_4], 12 on [DATE_3], 9 on [DATE_2], 8 on [DATE_1].',
      'PHQ-9 baseline 18 (moderately severe) on [DATE_6]; latest 8 (mild) on [DATE_1]; change from baseline -10 points (-55.6%).',
      'PHQ-9 response (a drop of 50% or more from baseline, to 9 or less): met since [DATE_2] (9 on [DATE_2], 8 on [DATE_1]).',
      'PHQ-9 remission (below 5): not met (latest 8).',
      'PHQ-9 stagnation (no change of 6 points or more over the last 4 or more scores): not met (the latest, 8, is 7 points from 15 on [DATE_4]).',
    ]);
  });

  it('flags stagnation with the scores it spans and asks for a plan review', () => {
    const [phq] = measurementFindings(phq9([14, 15, 13, 14, 16]));
    expect(phq!.analysis!.stagnation).toEqual({ met: true, since: '[DATE_5]', sessions: 5 });
    expect(phq!.findings[4]).toBe(
      'PHQ-9 stagnation (no change of 6 points or more over the last 4 or more scores): met over the last 5 scores since [DATE_5] (16 on [DATE_5], 14 on [DATE_4], 13 on [DATE_3], 15 on [DATE_2], 14 on [DATE_1]): review the treatment plan.',
    );
  });

  it('states remission with the run of scores below 5, and no stagnation for a client in remission', () => {
    const [phq] = measurementFindings(phq9([3, 4, 4, 4, 12]));
    expect(phq!.findings[3]).toBe(
      'PHQ-9 remission (below 5): met since [DATE_4] (4 on [DATE_4], 4 on [DATE_3], 4 on [DATE_2], 3 on [DATE_1]).',
    );
    expect(phq!.findings[4]).toMatch(/: not met \(in remission\)\.$/);
  });

  it('says how many scores stagnation still needs', () => {
    const [phq] = measurementFindings(phq9([12, 13, 12]));
    expect(phq!.findings[4]).toMatch(/: not met \(3 scores; 4 needed\)\.$/);
  });

  it('follows the options for the reliable change index and the number of scores', () => {
    const [phq] = measurementFindings(phq9([12, 13, 12]), { stagnationSessions: 3, reliableChange: 2 });
    expect(phq!.findings[4]).toBe(
      'PHQ-9 stagnation (no change of 2 points or more over the last 3 or more scores): met over the last 3 scores since [DATE_3] (12 on [DATE_3], 13 on [DATE_2], 12 on [DATE_1]): review the treatment plan.',
    );
  });

  it('words a single score without change, response, remission or stagnation', () => {
    const [phq] = measurementFindings(phq9([11]));
    expect(phq!.findings).toEqual([
      'PHQ-9: one score, 11 (moderate) on [DATE_1]; change, response, remission and stagnation need a later score.',
    ]);
  });

  it('calls response not applicable from a baseline of 0 and gives no percentage', () => {
    const [phq] = measurementFindings(phq9([3, 0]));
    expect(phq!.findings[1]).toMatch(/change from baseline \+3 points\.$/);
    expect(phq!.findings[2]).toBe('PHQ-9 response: not applicable (baseline 0).');
  });

  it('sorts shifted ISO dates given out of order, and keeps the first-listed (latest recorded) score of a day', () => {
    const scores = [
      gad7('2031-03-01', 6),
      gad7('2031-01-04', 15),
      gad7('2031-03-01', 9), // the same administration listed again: the first listed wins
      gad7('2031-02-01', 10),
    ];
    const [gad] = measurementFindings(scores);
    expect(gad!.instrument).toBe('GAD-7');
    expect(gad!.points).toEqual([
      { date: '2031-01-04', total: 15 },
      { date: '2031-02-01', total: 10 },
      { date: '2031-03-01', total: 6 },
    ]);
    expect(gad!.findings[1]).toBe(
      'GAD-7 baseline 15 (severe) on 2031-01-04; latest 6 (mild) on 2031-03-01; change from baseline -9 points (-60%).',
    );
  });

  it('keeps one point per date token: one date is one token', () => {
    const scores: ContextScore[] = [gad7('[DATE_1]', 7), gad7('[DATE_1]', 8), gad7('[DATE_2]', 12)];
    expect(measurementFindings(scores)[0]!.points).toEqual([
      { date: '[DATE_2]', total: 12 },
      { date: '[DATE_1]', total: 7 },
    ]);
  });

  it('leaves out a total outside the range or not recorded, and says so with its date', () => {
    const scores = [gad7('[DATE_1]', 22), gad7('[DATE_2]', null), gad7('[DATE_3]', 12), gad7('[DATE_4]', 14)];
    const [gad] = measurementFindings(scores);
    expect(gad!.points.map((p) => p.total)).toEqual([14, 12]);
    expect(gad!.findings.slice(-2)).toEqual([
      'GAD-7 on [DATE_2]: total not recorded, left out.',
      'GAD-7 on [DATE_1]: total 22 is outside 0-21, left out.',
    ]);
    const [onlyBad] = measurementFindings([gad7('[DATE_1]', -1)]);
    expect(onlyBad).toMatchObject({ instrument: 'GAD-7', points: [], analysis: null });
  });

  it('gives PHQ-9 then GAD-7 and ignores PHQ-2 and C-SSRS', () => {
    const scores: ContextScore[] = [
      gad7('[DATE_1]', 9),
      { instrument: 'PHQ-2', loinc: '55758-7', date: '[DATE_1]', total: 4 },
      { instrument: 'C-SSRS', loinc: '93374-7', date: '[DATE_1]', total: null },
      ...phq9([10]),
    ];
    expect(measurementFindings(scores).map((s) => s.instrument)).toEqual(['PHQ-9', 'GAD-7']);
    expect(measurementFindings([])).toEqual([]);
  });

  it('identifies the instrument by the LOINC of its total first, then by its name', () => {
    expect(seriesInstrumentOf({ instrument: 'depression screen', loinc: '44261-6' })).toBe('PHQ-9');
    expect(seriesInstrumentOf({ instrument: 'PHQ-9', loinc: '55758-7' })).toBe('PHQ-9');
    expect(seriesInstrumentOf({ instrument: 'phq 9', loinc: null })).toBe('PHQ-9');
    expect(seriesInstrumentOf({ instrument: 'GAD7', loinc: null })).toBe('GAD-7');
    expect(seriesInstrumentOf({ instrument: 'PHQ-2', loinc: '55758-7' })).toBeNull();
  });

  it('finds what analyzeSeries finds on the same scores with real dates', () => {
    const totals = [20, 17, 15, 16, 9, 8, 4];
    const dates = totals.map(
      (_, i) => `2026-0${1 + Math.floor(i / 3)}-${String(1 + (i % 3) * 7).padStart(2, '0')}`,
    );
    const scores: InstrumentScore[] = totals.map((total, i) => ({
      instrument: 'PHQ-9',
      loinc: '44261-6',
      date: dates[i]!,
      total,
      totalSource: 'recorded',
      items: {},
      severity: null,
      warnings: [],
    }));
    const context = [...scores]
      .reverse()
      .map(({ instrument, loinc, date, total }) => ({ instrument, loinc, date, total }));
    expect(measurementFindings(context)[0]!.analysis).toEqual(analyzeSeries(scores)[0]);
  });
});
