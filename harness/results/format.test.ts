import { describe, expect, test } from 'vitest';
import { decimalSeconds, formatDuration, formatPercent, formatPoints, formatTimestamp } from './format.ts';

describe('one formatter for points and durations', () => {
  test('points: at most two decimals, no trailing zeros, no -0', () => {
    expect([6.1666, 38, 0.5, 6.999, 2.25, -0, 1e-9, 1234.5].map(formatPoints)).toEqual(['6.17', '38', '0.5', '7', '2.25', '0', '0', '1234.5']);
  });

  test('durations: ms under a second, one decimal under a minute, then minutes and hours', () => {
    expect([0, 850, 999.4, 999.6, 4200, 10_000, 10_500, 59_949, 59_951, 61_000, 185_000, 3_599_000, 3_600_000, 3_720_000].map(formatDuration)).toEqual([
      '0 ms', '850 ms', '999 ms', '1 s', '4.2 s', '10 s', '10.5 s', '59.9 s', '1 min', '1 min 1 s', '3 min 5 s', '59 min 59 s', '1 h', '1 h 2 min',
    ]);
  });

  test('percent and machine seconds', () => {
    expect([formatPercent(11, 20), formatPercent(1, 3), formatPercent(0, 0)]).toEqual(['55%', '33%', '–']);
    expect(decimalSeconds(1500)).toBe('1.500');
  });

  test('timestamps: UTC to the minute, from a Date or an ISO string with any zone; a non-date stays as given', () => {
    expect(formatTimestamp('2018-07-31T23:00:00.000000-07:00')).toBe('2018-08-01 06:00 UTC');
    expect(formatTimestamp(new Date('2025-07-02T10:05:59.999Z'))).toBe('2025-07-02 10:05 UTC');
    expect(formatTimestamp('')).toBe('');
    expect(formatTimestamp('yesterday')).toBe('yesterday');
  });
});
