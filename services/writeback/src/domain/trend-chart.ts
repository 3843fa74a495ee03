import {
  GAD7,
  PHQ9,
  maxTotal,
  severityOf,
  type SeriesInstrument,
  type SummedInstrument,
} from '@carerelay/clinical';
import { scaleLinear, scalePoint, scaleUtc } from 'd3-scale';
import { line } from 'd3-shape';

/**
 * The PHQ-9 / GAD-7 trend chart attached to a measurement-based draft: an SVG drawn by rules
 * from the scores, never by a model. It is drawn in writeback, after re-identification, so the
 * dates on it are the real ones and the sessions sit at their true distance in time; nothing
 * here is ever sent to a model. A date that could not be re-identified stays the token it was
 * (a visible placeholder, never a guess), and then the panel spaces its scores evenly instead.
 *
 * One panel per instrument, each with its own 0–max axis and its severity bands shaded at the
 * DOMAIN.md cut points (PHQ-9 5/10/15/20, GAD-7 5/10/15), since the two scales differ.
 * d3-scale maps values to pixels and d3-shape draws the line; both run without a DOM.
 */

export interface ChartPoint {
  /** ISO date (YYYY-MM-DD) once re-identified; otherwise the token as written. */
  readonly date: string;
  readonly total: number;
}

export interface ChartSeries {
  readonly instrument: SeriesInstrument;
  /** Oldest first. */
  readonly points: readonly ChartPoint[];
}

const DEFINITION: Readonly<Record<SeriesInstrument, SummedInstrument>> = { 'PHQ-9': PHQ9, 'GAD-7': GAD7 };
const LINE_COLOR: Readonly<Record<SeriesInstrument, string>> = { 'PHQ-9': '#1f4e79', 'GAD-7': '#6a3d9a' };
const BAND_FILL: Readonly<Record<string, string>> = {
  minimal: '#e6f4ea',
  mild: '#fef7e0',
  moderate: '#fde8d4',
  'moderately severe': '#fbd9cf',
  severe: '#f6c9c9',
};

const WIDTH = 640;
const MARGIN = { left: 48, right: 112 } as const;
const PLOT_WIDTH = WIDTH - MARGIN.left - MARGIN.right;
/** Title line, plot, date axis. */
const PANEL = { title: 26, plot: 150, axis: 40 } as const;
const PANEL_HEIGHT = PANEL.title + PANEL.plot + PANEL.axis;
/** Keeps the first and last score off the axis lines. */
const INSET = 14;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

const escapeXml = (text: string): string =>
  text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
const round = (n: number): number => Math.round(n * 100) / 100;
const utcDay = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

/** Where each score sits across the plot, and the labelled ticks of the date axis. */
interface XAxis {
  readonly at: (date: string, index: number) => number;
  readonly ticks: readonly { readonly x: number; readonly label: string }[];
}

/** A shared time axis over every panel, when every date is a real one. */
function timeAxis(series: readonly ChartSeries[]): XAxis | null {
  const dates = series.flatMap((s) => s.points.map((p) => p.date));
  if (!dates.every((d) => ISO_DAY.test(d) && !Number.isNaN(utcDay(d).getTime()))) return null;
  const times = dates.map((d) => utcDay(d).getTime());
  const [min, max] = [Math.min(...times), Math.max(...times)];
  const pad = min === max ? 7 * DAY_MS : 0;
  const x = scaleUtc()
    .domain([new Date(min - pad), new Date(max + pad)])
    .range([INSET, PLOT_WIDTH - INSET]);
  const format = x.tickFormat(5, '%Y-%m-%d');
  return {
    at: (date) => round(x(utcDay(date))),
    ticks: x.ticks(5).map((t) => ({ x: round(x(t)), label: format(t) })),
  };
}

/** Evenly spaced scores in their order, labelled by what their dates are (tokens included). */
function ordinalAxis(points: readonly ChartPoint[]): XAxis {
  const keys = points.map((_, i) => String(i));
  const x = scalePoint<string>().domain(keys).range([0, PLOT_WIDTH]).padding(0.5);
  const every = Math.max(1, Math.ceil(points.length / 6));
  return {
    at: (_date, index) => round(x(String(index)) ?? 0),
    ticks: points.flatMap((p, i) =>
      i % every === 0 ? [{ x: round(x(String(i)) ?? 0), label: p.date }] : [],
    ),
  };
}

function panel(series: ChartSeries, top: number, shared: XAxis | null): string[] {
  const def = DEFINITION[series.instrument];
  const max = maxTotal(def);
  const y = scaleLinear().domain([0, max]).range([PANEL.plot, 0]);
  const xAxis = shared ?? ordinalAxis(series.points);
  const plotTop = top + PANEL.title;
  const out: string[] = [
    `<g class="panel" data-instrument="${series.instrument}" transform="translate(${MARGIN.left},${plotTop})">`,
    `<text class="panel-title" x="0" y="-10" font-weight="bold">${series.instrument} total (0–${max})</text>`,
  ];
  def.bands.forEach((band, i) => {
    const upper = def.bands[i + 1]?.min ?? max;
    const [y0, y1] = [round(y(upper)), round(y(band.min))];
    out.push(
      `<rect class="band" data-severity="${band.severity}" x="0" y="${y0}" width="${PLOT_WIDTH}" height="${round(y1 - y0)}" fill="${BAND_FILL[band.severity] ?? '#eeeeee'}"/>`,
      `<text class="band-label" x="${PLOT_WIDTH + 6}" y="${round((y0 + y1) / 2 + 3.5)}" fill="#555555" font-size="10">${band.severity}</text>`,
    );
  });
  const yTicks = [...def.bands.map((b) => b.min), max];
  out.push(
    `<g class="y-axis">`,
    `<text class="axis-title" transform="translate(-34,${PANEL.plot / 2}) rotate(-90)" text-anchor="middle">Total score</text>`,
    `<line x1="0" y1="0" x2="0" y2="${PANEL.plot}" stroke="#333333"/>`,
    ...yTicks.map(
      (t) =>
        `<g class="tick" data-value="${t}"><line x1="-4" y1="${round(y(t))}" x2="0" y2="${round(y(t))}" stroke="#333333"/><text x="-7" y="${round(y(t) + 3.5)}" text-anchor="end">${t}</text></g>`,
    ),
    `</g>`,
    `<g class="x-axis" transform="translate(0,${PANEL.plot})">`,
    `<text class="axis-title" x="${PLOT_WIDTH / 2}" y="31" text-anchor="middle">Date completed</text>`,
    `<line x1="0" y1="0" x2="${PLOT_WIDTH}" y2="0" stroke="#333333"/>`,
    ...xAxis.ticks.map(
      (t) =>
        `<g class="tick"><line x1="${t.x}" y1="0" x2="${t.x}" y2="4" stroke="#333333"/><text x="${t.x}" y="16" text-anchor="middle">${escapeXml(t.label)}</text></g>`,
    ),
    `</g>`,
  );
  const xy = series.points.map((p, i) => ({ p, x: xAxis.at(p.date, i), y: round(y(p.total)) }));
  const path = line<{ x: number; y: number }>()
    .x((d) => d.x)
    .y((d) => d.y)
    .digits(2)(xy);
  const color = LINE_COLOR[series.instrument];
  if (path && xy.length > 1)
    out.push(`<path class="series-line" d="${path}" fill="none" stroke="${color}" stroke-width="2"/>`);
  out.push(
    ...xy.map(
      ({ p, x, y: cy }) =>
        `<circle class="point" data-date="${escapeXml(p.date)}" data-total="${p.total}" cx="${x}" cy="${cy}" r="3.5" fill="${color}"><title>${series.instrument} ${p.total} (${severityOf(def, p.total)}) on ${escapeXml(p.date)}</title></circle>`,
    ),
    `</g>`,
  );
  return out;
}

/** The chart's text alternative: every score in words, and what the shading means. */
function description(series: readonly ChartSeries[]): string {
  const perInstrument = series.map((s) => {
    const def = DEFINITION[s.instrument];
    const scores = s.points.map((p) => `${p.total} (${severityOf(def, p.total)}) on ${p.date}`).join(', ');
    return `${s.instrument} totals, oldest first: ${scores}.`;
  });
  const bands = series.map((s) => {
    const def = DEFINITION[s.instrument];
    const ranges = def.bands.map(
      (b, i) => `${b.min}–${def.bands[i + 1] ? def.bands[i + 1]!.min - 1 : maxTotal(def)} ${b.severity}`,
    );
    return `${s.instrument} ${ranges.join(', ')}`;
  });
  return `${perInstrument.join(' ')} Shaded bands mark the severity ranges: ${bands.join('; ')}.`;
}

/**
 * The SVG document (UTF-8 text) for the series that have scores, PHQ-9 first; null when none has.
 */
export function trendChartSvg(input: readonly ChartSeries[]): string | null {
  const series = (['PHQ-9', 'GAD-7'] as const).flatMap((i) =>
    input.filter((s) => s.instrument === i && s.points.length > 0),
  );
  if (series.length === 0) return null;
  const height = series.length * PANEL_HEIGHT + 8;
  const title = `${series.map((s) => s.instrument).join(' and ')} totals over time`;
  const shared = timeAxis(series);
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-labelledby="trend-title trend-desc" font-family="sans-serif" font-size="11">`,
    `<title id="trend-title">${escapeXml(title)}</title>`,
    `<desc id="trend-desc">${escapeXml(description(series))}</desc>`,
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    ...series.flatMap((s, i) => panel(s, i * PANEL_HEIGHT + 4, shared)),
    `</svg>`,
  ].join('\n');
}
