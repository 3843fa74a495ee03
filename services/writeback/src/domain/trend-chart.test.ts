import { DOMParser, type Element } from '@xmldom/xmldom';
import { describe, expect, it } from 'vitest';
import { GAD7, PHQ9, severityOf } from '@carerelay/clinical';
import { trendChartSvg, type ChartSeries } from './trend-chart.js';

/** Strict XML parse: any well-formedness problem fails the test. */
function parse(svg: string): Element {
  const doc = new DOMParser({
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  }).parseFromString(svg, 'image/svg+xml');
  return doc.documentElement!;
}

const byClass = (root: Element, tag: string, cls: string): Element[] =>
  Array.from(root.getElementsByTagName(tag)).filter((e) => e.getAttribute('class') === cls);
const panelOf = (root: Element, instrument: string): Element =>
  byClass(root, 'g', 'panel').find((g) => g.getAttribute('data-instrument') === instrument)!;
const num = (e: Element, attr: string): number => Number(e.getAttribute(attr));
const tickLabels = (axis: Element): (string | null)[] =>
  byClass(axis, 'g', 'tick').map((t) => t.getElementsByTagName('text')[0]!.textContent);

const PHQ9_SERIES: ChartSeries = {
  instrument: 'PHQ-9',
  points: [
    { date: '2026-01-05', total: 21 },
    { date: '2026-01-19', total: 17 },
    { date: '2026-02-02', total: 12 },
    { date: '2026-02-03', total: 14 },
    { date: '2026-03-02', total: 7 },
    { date: '2026-03-30', total: 3 },
  ],
};
const GAD7_SERIES: ChartSeries = {
  instrument: 'GAD-7',
  points: [
    { date: '2026-01-05', total: 16 },
    { date: '2026-02-02', total: 11 },
    { date: '2026-03-30', total: 4 },
  ],
};

describe('trend chart SVG', () => {
  const svg = trendChartSvg([GAD7_SERIES, PHQ9_SERIES])!;
  const root = parse(svg);

  it('is well-formed SVG with an accessible title and a description naming every score', () => {
    expect(root.tagName).toBe('svg');
    expect(root.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(root.getAttribute('role')).toBe('img');
    const [titleId, descId] = root.getAttribute('aria-labelledby')!.split(' ');
    const title = Array.from(root.getElementsByTagName('title')).find(
      (t) => t.getAttribute('id') === titleId,
    );
    const desc = Array.from(root.getElementsByTagName('desc')).find((d) => d.getAttribute('id') === descId);
    expect(title?.textContent).toBe('PHQ-9 and GAD-7 totals over time');
    for (const s of [PHQ9_SERIES, GAD7_SERIES])
      for (const p of s.points) expect(desc?.textContent).toContain(`${p.total} (`);
    expect(desc?.textContent).toContain('PHQ-9 totals, oldest first: 21 (severe) on 2026-01-05');
    expect(desc?.textContent).toContain('15–19 moderately severe');
  });

  it('draws one panel per instrument, PHQ-9 first, with one point per score', () => {
    expect(byClass(root, 'g', 'panel').map((g) => g.getAttribute('data-instrument'))).toEqual([
      'PHQ-9',
      'GAD-7',
    ]);
    for (const s of [PHQ9_SERIES, GAD7_SERIES]) {
      const points = byClass(panelOf(root, s.instrument), 'circle', 'point');
      expect(points).toHaveLength(s.points.length);
      expect(points.map((c) => [c.getAttribute('data-date'), num(c, 'data-total')])).toEqual(
        s.points.map((p) => [p.date, p.total]),
      );
    }
  });

  it('places a higher score higher (smaller y), and equal scores level', () => {
    const points = byClass(panelOf(root, 'PHQ-9'), 'circle', 'point');
    for (const a of points)
      for (const b of points) {
        const [ta, tb] = [num(a, 'data-total'), num(b, 'data-total')];
        if (ta > tb) expect(num(a, 'cy')).toBeLessThan(num(b, 'cy'));
        if (ta === tb) expect(num(a, 'cy')).toBe(num(b, 'cy'));
      }
  });

  it('spaces the scores by their real time apart, on one time axis for both panels', () => {
    const xs = byClass(panelOf(root, 'PHQ-9'), 'circle', 'point').map((c) => num(c, 'cx'));
    const days = PHQ9_SERIES.points.map((p) => Date.parse(p.date) / 86_400_000);
    const pxPerDay = (xs.at(-1)! - xs[0]!) / (days.at(-1)! - days[0]!);
    xs.forEach((x, i) => expect(x - xs[0]!).toBeCloseTo((days[i]! - days[0]!) * pxPerDay, 1));
    // Sessions a day apart stay a day apart, not one slot apart.
    expect(xs[3]! - xs[2]!).toBeLessThan((xs[4]! - xs[3]!) / 10);
    const gadXs = byClass(panelOf(root, 'GAD-7'), 'circle', 'point').map((c) => num(c, 'cx'));
    expect([gadXs[0], gadXs[1], gadXs[2]]).toEqual([xs[0], xs[2], xs[5]]);
  });

  it('joins the points with one line through their centres', () => {
    const panel = panelOf(root, 'PHQ-9');
    const d = byClass(panel, 'path', 'series-line')[0]!.getAttribute('d')!;
    const vertices = [...d.matchAll(/[ML]([\d.]+),([\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    const centres = byClass(panel, 'circle', 'point').map((c) => [num(c, 'cx'), num(c, 'cy')]);
    expect(vertices).toEqual(centres);
  });

  it('shades the severity bands at the DOMAIN.md cut points: every point lies in its own band', () => {
    for (const [s, def] of [
      [PHQ9_SERIES, PHQ9],
      [GAD7_SERIES, GAD7],
    ] as const) {
      const panel = panelOf(root, s.instrument);
      const bands = byClass(panel, 'rect', 'band');
      expect(bands.map((b) => b.getAttribute('data-severity'))).toEqual(def.bands.map((b) => b.severity));
      for (const c of byClass(panel, 'circle', 'point')) {
        const band = bands.find(
          (b) => b.getAttribute('data-severity') === severityOf(def, num(c, 'data-total')),
        )!;
        expect(num(c, 'cy')).toBeGreaterThanOrEqual(num(band, 'y'));
        expect(num(c, 'cy')).toBeLessThanOrEqual(num(band, 'y') + num(band, 'height'));
      }
    }
  });

  it('labels the score axis at the cut points and the date axis with ISO dates', () => {
    const yTicks = (instrument: string) =>
      byClass(byClass(panelOf(root, instrument), 'g', 'y-axis')[0]!, 'g', 'tick').map((t) =>
        num(t, 'data-value'),
      );
    expect(yTicks('PHQ-9')).toEqual([0, 5, 10, 15, 20, 27]);
    expect(yTicks('GAD-7')).toEqual([0, 5, 10, 15, 21]);
    expect(byClass(panelOf(root, 'PHQ-9'), 'text', 'axis-title').map((t) => t.textContent)).toEqual([
      'Total score',
      'Date completed',
    ]);
    const xLabels = tickLabels(byClass(panelOf(root, 'PHQ-9'), 'g', 'x-axis')[0]!);
    expect(xLabels.length).toBeGreaterThanOrEqual(2);
    for (const label of xLabels) expect(label).toMatch(/^2026-\d{2}-\d{2}$/);
  });

  it('spaces scores evenly, labelled as written, when a date is still a token', () => {
    const chart = parse(
      trendChartSvg([
        {
          instrument: 'GAD-7',
          points: [
            { date: '2026-01-05', total: 12 },
            { date: '[DATE_7]', total: 9 },
            { date: '2026-03-02', total: 8 },
          ],
        },
      ])!,
    );
    const xs = byClass(chart, 'circle', 'point').map((c) => num(c, 'cx'));
    expect(xs[1]! - xs[0]!).toBeCloseTo(xs[2]! - xs[1]!, 5);
    const labels = tickLabels(byClass(chart, 'g', 'x-axis')[0]!);
    expect(labels).toEqual(['2026-01-05', '[DATE_7]', '2026-03-02']);
  });

  it('escapes what it writes, so odd text cannot break the document', () => {
    const chart = parse(trendChartSvg([{ instrument: 'PHQ-9', points: [{ date: '<b>&"x"', total: 4 }] }])!);
    expect(byClass(chart, 'circle', 'point')[0]!.getAttribute('data-date')).toBe('<b>&"x"');
  });

  it('draws a single score as a point without a line, and nothing without scores', () => {
    const chart = parse(
      trendChartSvg([{ instrument: 'PHQ-9', points: [{ date: '2026-01-05', total: 9 }] }])!,
    );
    expect(byClass(chart, 'circle', 'point')).toHaveLength(1);
    expect(byClass(chart, 'path', 'series-line')).toHaveLength(0);
    expect(trendChartSvg([{ instrument: 'GAD-7', points: [] }])).toBeNull();
    expect(trendChartSvg([])).toBeNull();
  });

  it('is deterministic: the same scores give the same bytes', () => {
    expect(trendChartSvg([PHQ9_SERIES, GAD7_SERIES])).toBe(svg);
  });
});
