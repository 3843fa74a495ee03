import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from './cursor.js';
import { daysBefore, resolveTimeRange, yearsBefore } from './time-range.js';

const now = new Date('2025-06-01T00:00:00Z');

describe('time ranges', () => {
  it('defaults to the rule window ending now', () => {
    expect(resolveTimeRange({}, { defaultFrom: daysBefore(30), maxDays: 400 }, now)).toEqual({
      from: new Date('2025-05-02T00:00:00Z'),
      to: now,
    });
    expect(resolveTimeRange({}, { defaultFrom: yearsBefore(6), maxDays: 2192 }, now).from).toEqual(
      new Date('2019-06-01T00:00:00Z'),
    );
  });

  it('refuses a reversed, empty or too wide range with a message saying which', () => {
    const rules = { defaultFrom: daysBefore(30), maxDays: 400 };
    expect(() =>
      resolveTimeRange({ from: '2025-02-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, rules, now),
    ).toThrow('from must be earlier than to');
    expect(() =>
      resolveTimeRange({ from: '2025-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, rules, now),
    ).toThrow();
    expect(() =>
      resolveTimeRange({ from: '2023-01-01T00:00:00Z', to: '2025-01-01T00:00:00Z' }, rules, now),
    ).toThrow(/more than 400 days/);
  });
});

describe('cursors', () => {
  it('round-trip a position exactly, microseconds and bigint seq included', () => {
    const position = { occurredUs: '1740823200123456', seq: '9007199254740993' };
    expect(decodeCursor(encodeCursor(position))).toEqual(position);
  });

  it.each([
    '',
    'not-base64!',
    Buffer.from('["1",2]').toString('base64url'),
    Buffer.from('{"a":1}').toString('base64url'),
  ])('refuse a cursor this API did not issue: %j', (cursor) => {
    expect(() => decodeCursor(cursor)).toThrow(/cursor is not one this API issued/);
  });
});
