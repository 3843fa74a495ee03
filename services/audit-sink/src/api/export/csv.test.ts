import { describe, expect, it } from 'vitest';
import type { AuditRecord } from '../queries/audit-events.js';
import { parseCsv } from '../testing.js';
import { auditCsv, csvField } from './csv.js';

const record = (overrides: Partial<AuditRecord> = {}): AuditRecord => ({
  seq: 1,
  eventId: 'e-1',
  occurredAt: '2025-03-01T10:00:00.000Z',
  tenantId: 't1',
  action: 'PHI_DISCLOSURE',
  outcome: 'SUCCESS',
  actor: { service: 'writeback', userId: null, role: null },
  clientId: 'client-1',
  purposeOfUse: 'TREATMENT',
  taskId: 'task-1',
  correlationId: null,
  recipient: 'https://ehr.test/fhir',
  description: 'note, "draft"\r\nline two',
  reasonCode: null,
  part2: true,
  model: null,
  templateVersion: null,
  useCase: null,
  counts: { promptTokens: 812 },
  hashes: { text: 'ab'.repeat(32) },
  prevHash: '0'.repeat(64),
  hash: 'f'.repeat(64),
  recordedAt: '2025-03-01T10:00:01.000Z',
  ehrOccurredAt: null,
  ...overrides,
});

describe('CSV export (RFC 4180, formula-injection safe)', () => {
  it('quotes commas, quotes and line breaks, doubling inner quotes', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\r\ny')).toBe('"x\r\ny"');
    expect(csvField(null)).toBe('');
    expect(csvField(true)).toBe('true');
  });

  it.each(['=HYPERLINK("http://evil")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd'])(
    'prefixes a cell a spreadsheet would run as a formula: %j',
    (cell) => {
      const [, row] = parseCsv(auditCsv([record({ description: cell })]));
      expect(row![14]).toBe(`'${cell}`);
    },
  );

  it('parses back, with a separate RFC 4180 reader, to the same fields', () => {
    const rows = [record(), record({ seq: 2, eventId: 'e-2', description: null, part2: false })];
    const [header, ...body] = parseCsv(auditCsv(rows));
    expect(header).toContain('description');
    const column = (name: string) => header!.indexOf(name);
    expect(body).toHaveLength(2);
    expect(body[0]![column('description')]).toBe('note, "draft"\r\nline two');
    expect(body[0]![column('part2')]).toBe('true');
    expect(JSON.parse(body[0]![column('counts')]!)).toEqual({ promptTokens: 812 });
    expect(body[1]![column('description')]).toBe('');
    expect(body.map((r) => r[column('eventId')])).toEqual(['e-1', 'e-2']);
    expect(body.every((r) => r.length === header!.length)).toBe(true);
  });
});
