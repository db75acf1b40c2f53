import { describe, expect, it } from 'vitest';
import { baselinePeriod, expandKnown, intervalAt, panelChartData, seasonalNaive, toSeconds } from './panel-forecast';

describe('seasonal-naive baseline of a panel forecast', () => {
  it('takes the shortest seasonal period, rounded; naive without one', () => {
    expect(baselinePeriod([7, 365.25])).toBe(7);
    expect(baselinePeriod([168, 24])).toBe(24);
    expect(baselinePeriod([52.18])).toBe(52);
    expect(baselinePeriod([])).toBe(1);
    expect(baselinePeriod([NaN, 0])).toBe(1);
  });

  it('repeats the last period (the server formula), naive when the history is shorter', () => {
    const y = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    expect(seasonalNaive(y, 3, 7)).toEqual([8, 9, 10, 8, 9, 10, 8]);
    expect(seasonalNaive(y, 1, 3)).toEqual([10, 10, 10]);
    expect(seasonalNaive([5, 6], 7, 3)).toEqual([6, 6, 6]);
    expect(seasonalNaive([], 7, 2)).toEqual([null, null]);
    expect(seasonalNaive([1, null, 3], 3, 3)).toEqual([1, null, 3]);
  });

  it('reads the 80% interval per step, else the narrowest level', () => {
    const step = (c: number) => [
      { level: 0.95, lower: c - 2, upper: c + 2 },
      { level: 0.8, lower: c - 1, upper: c + 1 },
    ];
    expect(intervalAt([step(10), step(20)])).toEqual({ level: 0.8, lower: [9, 19], upper: [11, 21] });
    expect(intervalAt([[{ level: 0.9, lower: 1, upper: 2 }]])).toEqual({ level: 0.9, lower: [1], upper: [2] });
    expect(intervalAt([])).toEqual({ level: undefined, lower: [], upper: [] });
  });

  it('puts history and forecast on one axis; forecast and baseline join the last observed point', () => {
    const d = panelChartData(
      {
        series_id: 's',
        frequency: 'D',
        seasonal_periods: [2],
        length: 4,
        timestamps: ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04'],
        values: [1, 2, 3, 4],
      },
      {
        model: { name: 'm', version: '1' },
        series_id: 's',
        timestamps: ['2024-01-05', '2024-01-06', '2024-01-07'],
        predictions: [5, 6, 7],
        intervals: [5, 6, 7].map((c) => [{ level: 0.8, lower: c - 1, upper: c + 1 }]),
      },
    );
    expect(d.x).toEqual([1, 2, 3, 4, 5, 6, 7].map((day) => Date.UTC(2024, 0, day) / 1000));
    expect(d.history).toEqual([1, 2, 3, 4, null, null, null]);
    expect(d.forecast).toEqual([null, null, null, 4, 5, 6, 7]);
    expect(d.baseline).toEqual([null, null, null, 4, 3, 4, 3]);
    expect(d.lower).toEqual([null, null, null, null, 4, 5, 6]);
    expect(d.upper).toEqual([null, null, null, null, 6, 7, 8]);
    expect(d.period).toBe(2);
    expect(d.level).toBe(0.8);
  });

  it('reads date-only timestamps as UTC midnight and full ones as given', () => {
    expect(toSeconds('2024-01-02')).toBe(Date.UTC(2024, 0, 2) / 1000);
    expect(toSeconds('2024-01-02T13:00:00Z')).toBe(Date.UTC(2024, 0, 2, 13) / 1000);
  });
});

describe('future covariate values typed in the forecast form', () => {
  it('takes one value per step and repeats the last to the horizon', () => {
    expect(expandKnown('1, 0 ,1', 5)).toEqual([1, 0, 1, 1, 1]);
    expect(expandKnown('2', 3)).toEqual([2, 2, 2]);
    expect(expandKnown('1 0 1 1', 2)).toEqual([1, 0]);
    expect(expandKnown('  ', 3)).toEqual([]);
  });
});
