import { describe, expect, it } from 'vitest';
import { deseasonalPeriodParam, usablePeriod } from './params';
import { SeriesPanel } from './series-model';

const panel = (seasonalPeriods: number[]): SeriesPanel => ({ series: [], frequency: 'H', seasonalPeriods });

describe('the period a deseasonalising family removes', () => {
  it('is the longest period nesting the shorter ones, the shortest for series under three long cycles', () => {
    const hourly = deseasonalPeriodParam(panel([24, 168]), {});
    expect(hourly).toEqual({ period: 168, fallback: 24 });
    expect(usablePeriod(hourly, 504)).toBe(168);
    expect(usablePeriod(hourly, 503)).toBe(24);
    // 365 is no multiple of 7: daily data keeps the weekly period.
    expect(deseasonalPeriodParam(panel([7, 365]), {})).toEqual({ period: 7 });
    expect(deseasonalPeriodParam(panel([52]), {})).toEqual({ period: 52 });
    expect(deseasonalPeriodParam(panel([]), {})).toEqual({ period: 1 });
    // A `period` param is taken as given.
    expect(deseasonalPeriodParam(panel([24, 168]), { period: 24 })).toEqual({ period: 24 });
    expect(() => deseasonalPeriodParam(panel([24]), { period: 0 })).toThrow(/period must be an integer/);
  });
});
