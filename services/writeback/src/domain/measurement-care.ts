import { createHash } from 'node:crypto';
import { seriesInstrumentOf } from '@carerelay/clinical';
import type { MeasureSeries } from '@carerelay/events';
import type { VaultEntry } from '@carerelay/phi';
import type { DocumentReference } from './fhir-resources.js';
import { TokenResolver } from './token-resolver.js';
import { trendChartSvg, type ChartSeries } from './trend-chart.js';

export type Attachment = DocumentReference['content'][number]['attachment'];

/** The heading of the section every measurement-based draft carries, whatever the model wrote. */
export const MEASUREMENT_SECTION = 'Measurement-based care';
export const TREND_CHART_TITLE = 'PHQ-9 and GAD-7 trend chart';

/** A draft's measures, re-identified: the findings section and the chart, with real dates. */
export interface MeasurementCare {
  /** The section's lines: the findings by rules, then where the chart is; empty without measures. */
  readonly section: readonly string[];
  /** The trend chart (SVG text), or null when no series has a score. */
  readonly svg: string | null;
  readonly unresolved: readonly string[];
  readonly replaced: number;
}

/**
 * Re-identifies the measures of ai.draft.v1 (date tokens or shifted dates → the real dates, inside
 * the trust boundary) and draws the chart from them. The findings were worded by rules in the
 * llm-worker, the same sentences the model was given; nothing of this goes back to a model.
 */
export function measurementCare(measures: readonly MeasureSeries[], entry: VaultEntry): MeasurementCare {
  const tokens = new TokenResolver(entry);
  const real = tokens.resolve;
  const findings: string[] = [];
  const series: ChartSeries[] = [];
  for (const m of measures) {
    if (findings.length > 0) findings.push('');
    findings.push(...m.findings.map(real));
    const instrument = seriesInstrumentOf({ instrument: m.instrument, loinc: null });
    if (instrument)
      series.push({ instrument, points: m.points.map((p) => ({ date: real(p.date), total: p.total })) });
  }
  const svg = trendChartSvg(series);
  const charted = series.filter((s) => s.points.length > 0).map((s) => s.instrument);
  const section =
    findings.length === 0
      ? []
      : [...findings, ...(svg ? ['', `Trend chart of the ${charted.join(' and ')} totals: attached.`] : [])];
  return { section, svg, unresolved: tokens.unresolved, replaced: tokens.replaced };
}

/** The chart as a FHIR Attachment: the SVG inline (base64), with its size and SHA-1 hash (FHIR R4). */
export function chartAttachment(svg: string): Attachment {
  const bytes = Buffer.from(svg, 'utf8');
  return {
    contentType: 'image/svg+xml',
    data: bytes.toString('base64'),
    size: bytes.length,
    hash: createHash('sha1').update(bytes).digest('base64'),
    title: TREND_CHART_TITLE,
  };
}
