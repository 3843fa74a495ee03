import type { AuditRecord } from '../queries/audit-events.js';

type CsvValue = string | number | boolean | null;

/** The CSV columns, in order: every stored field, maps as JSON. */
export const CSV_COLUMNS: readonly {
  readonly header: string;
  readonly value: (r: AuditRecord) => CsvValue;
}[] = [
  { header: 'seq', value: (r) => r.seq },
  { header: 'eventId', value: (r) => r.eventId },
  { header: 'occurredAt', value: (r) => r.occurredAt },
  { header: 'tenantId', value: (r) => r.tenantId },
  { header: 'action', value: (r) => r.action },
  { header: 'outcome', value: (r) => r.outcome },
  { header: 'actorService', value: (r) => r.actor.service },
  { header: 'actorUserId', value: (r) => r.actor.userId },
  { header: 'actorRole', value: (r) => r.actor.role },
  { header: 'clientId', value: (r) => r.clientId },
  { header: 'purposeOfUse', value: (r) => r.purposeOfUse },
  { header: 'taskId', value: (r) => r.taskId },
  { header: 'correlationId', value: (r) => r.correlationId },
  { header: 'recipient', value: (r) => r.recipient },
  { header: 'description', value: (r) => r.description },
  { header: 'reasonCode', value: (r) => r.reasonCode },
  { header: 'part2', value: (r) => r.part2 },
  { header: 'model', value: (r) => r.model },
  { header: 'templateVersion', value: (r) => r.templateVersion },
  { header: 'useCase', value: (r) => r.useCase },
  { header: 'counts', value: (r) => JSON.stringify(r.counts) },
  { header: 'hashes', value: (r) => JSON.stringify(r.hashes) },
  { header: 'prevHash', value: (r) => r.prevHash },
  { header: 'hash', value: (r) => r.hash },
  { header: 'recordedAt', value: (r) => r.recordedAt },
  { header: 'ehrOccurredAt', value: (r) => r.ehrOccurredAt },
];

// A spreadsheet runs a cell that starts with one of these as a formula (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field: null is empty; a text that a spreadsheet would run as a formula gets a
 * leading single quote; then RFC 4180 quoting (quotes doubled) when it holds a comma, a
 * quote, CR or LF.
 */
export function csvField(value: CsvValue): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180: a header row, CRLF line ends (the last line ends with CRLF too). */
export function auditCsv(records: readonly AuditRecord[]): string {
  const lines = [CSV_COLUMNS.map((c) => csvField(c.header)).join(',')];
  for (const record of records) lines.push(CSV_COLUMNS.map((c) => csvField(c.value(record))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
