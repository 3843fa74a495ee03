import { describe, expect, it } from 'vitest';
import type { InstrumentScore } from './score.js';
import { analyzeSeries } from './series.js';

/** A hand-written score: only the fields the series reads matter. */
const score = (
  instrument: 'PHQ-9' | 'GAD-7' | 'PHQ-2',
  date: string,
  total: number | null,
  totalSource: 'recorded' | 'computed' = 'recorded',
): InstrumentScore => ({
  instrument,
  loinc: instrument === 'GAD-7' ? '70274-6' : '44261-6',
  date,
  total,
  totalSource,
  items: {},
  severity: null,
  warnings: [],
});

const phq9 = (totals: number[]): InstrumentScore[] =>
  totals.map((t, i) => score('PHQ-9', `2026-01-${String(i * 7 + 1).padStart(2, '0')}`, t));

describe('response and remission', () => {
  it('meets response at exactly a 50% drop, from the first date it held', () => {
    const [a] = analyzeSeries(phq9([20, 14, 10, 9]));
    expect(a!.response).toEqual({ met: true, date: '2026-01-15' });
    expect(a!.changeFromBaseline).toBe(-11);
    expect(a!.percentChange).toBe(-55);
  });

  it('does not meet response one point short of 50%', () => {
    const [a] = analyzeSeries(phq9([20, 11]));
    expect(a!.response).toEqual({ met: false });
    expect(a!.percentChange).toBe(-45);
  });

  it('loses response when the latest score climbs back', () => {
    const [a] = analyzeSeries(phq9([20, 10, 12]));
    expect(a!.response).toEqual({ met: false });
  });

  it('meets PHQ-9 remission at 4, not at 5', () => {
    expect(analyzeSeries(phq9([12, 4]))[0]!.remission).toEqual({ met: true, date: '2026-01-08' });
    expect(analyzeSeries(phq9([12, 5]))[0]!.remission).toEqual({ met: false });
  });

  it('meets GAD-7 remission below 5', () => {
    const scores = [score('GAD-7', '2026-02-01', 11), score('GAD-7', '2026-02-15', 4)];
    const [a] = analyzeSeries(scores);
    expect(a!.instrument).toBe('GAD-7');
    expect(a!.remission).toEqual({ met: true, date: '2026-02-15' });
  });
});

describe('stagnation', () => {
  it('is met when the last 4 PHQ-9 scores lie within less than 6 points of the latest', () => {
    const [a] = analyzeSeries(phq9([16, 14, 13, 15, 14]));
    expect(a!.stagnation).toEqual({ met: true, since: '2026-01-01', sessions: 5 });
  });

  it('is not met when a reliable change (6 points) happened within the last 4 scores', () => {
    const [a] = analyzeSeries(phq9([20, 14, 14, 14]));
    expect(a!.stagnation).toEqual({ met: false, sessions: 3 });
  });

  it('uses the GAD-7 index of 4: a 3-point drift stagnates, a 4-point change does not', () => {
    const gad = (totals: number[]): InstrumentScore[] =>
      totals.map((t, i) => score('GAD-7', `2026-03-0${i + 1}`, t));
    expect(analyzeSeries(gad([12, 11, 10, 9]))[0]!.stagnation).toEqual({
      met: true,
      since: '2026-03-01',
      sessions: 4,
    });
    expect(analyzeSeries(gad([12, 11, 10, 8]))[0]!.stagnation).toEqual({ met: false, sessions: 3 });
  });

  it('follows the options: fewer sessions, another reliable change index', () => {
    expect(analyzeSeries(phq9([20, 14, 14, 14]), { stagnationSessions: 3 })[0]!.stagnation.met).toBe(true);
    expect(analyzeSeries(phq9([16, 14, 13, 15]), { reliableChange: 2 })[0]!.stagnation).toEqual({
      met: false,
      sessions: 1,
    });
    expect(analyzeSeries(phq9([16, 14, 13, 15]), { reliableChange: { 'GAD-7': 1 } })[0]!.stagnation.met).toBe(
      true,
    );
  });

  it('is not flagged for a client stable in remission', () => {
    const [a] = analyzeSeries(phq9([4, 3, 4, 3]));
    expect(a!.remission.met).toBe(true);
    expect(a!.stagnation).toEqual({ met: false, sessions: 4 });
  });
});

describe('series shape', () => {
  it('reports a single score as no change, no response, no remission, no stagnation', () => {
    const [a] = analyzeSeries([score('PHQ-9', '2026-01-01', 3)]);
    expect(a).toEqual({
      instrument: 'PHQ-9',
      baseline: { date: '2026-01-01', total: 3 },
      latest: { date: '2026-01-01', total: 3 },
      changeFromBaseline: 0,
      percentChange: 0,
      response: { met: false },
      remission: { met: false },
      stagnation: { met: false, sessions: 1 },
      points: [{ date: '2026-01-01', total: 3 }],
    });
  });

  it('sorts unsorted input by date and keeps the latest-recorded score of a day', () => {
    const scores = [
      score('PHQ-9', '2026-01-15T16:00:00Z', 9),
      score('PHQ-9', '2026-01-01T10:00:00Z', 18),
      score('PHQ-9', '2026-01-15T09:00:00Z', 12),
      score('GAD-7', '2026-01-08', 7),
      score('PHQ-9', '2026-01-08T10:00:00Z', 15),
    ];
    const analyses = analyzeSeries(scores);
    expect(analyses.map((a) => a.instrument)).toEqual(['PHQ-9', 'GAD-7']);
    expect(analyses[0]!.points).toEqual([
      { date: '2026-01-01T10:00:00Z', total: 18 },
      { date: '2026-01-08T10:00:00Z', total: 15 },
      { date: '2026-01-15T16:00:00Z', total: 9 },
    ]);
    expect(analyses[0]!.response).toEqual({ met: true, date: '2026-01-15T16:00:00Z' });
    expect(analyzeSeries([...scores].reverse())[0]!.points).toEqual(analyses[0]!.points);
  });

  it('breaks a same-timestamp tie toward the recorded total, whatever the input order', () => {
    const a = score('PHQ-9', '2026-01-01', 10, 'computed');
    const b = score('PHQ-9', '2026-01-01', 8, 'recorded');
    expect(analyzeSeries([a, b])[0]!.latest.total).toBe(8);
    expect(analyzeSeries([b, a])[0]!.latest.total).toBe(8);
  });

  it('leaves out scores without a total, PHQ-2 and an empty input', () => {
    expect(analyzeSeries([score('PHQ-9', '2026-01-01', null), score('PHQ-2', '2026-01-01', 4)])).toEqual([]);
    expect(analyzeSeries([])).toEqual([]);
  });
});
