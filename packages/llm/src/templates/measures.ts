import { measurementFindings } from '@carerelay/clinical';
import type { DeidentifiedContext, MeasureSeries } from '@carerelay/events';
import type { PromptTemplate } from './types.js';

/**
 * What a measurement-based draft carries to writeback (ai.draft.v1 `measures`): each outcome
 * measure's series and the findings the prompt gave the model, word for word, with dates as the
 * context has them (tokens or shifted dates). Empty when the template is not measurement-based.
 */
export function draftMeasures(template: PromptTemplate, context: DeidentifiedContext): MeasureSeries[] {
  if (!template.measurementBasedCare) return [];
  return measurementFindings(context.assessments).map(({ instrument, points, findings }) => ({
    instrument,
    points: points.map(({ date, total }) => ({ date, total })),
    findings: [...findings],
  }));
}
