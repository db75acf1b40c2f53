import { describe, expect, it } from 'vitest';
import { errorMetrics, mae, mape, naiveForecast, rmse, skill } from './metrics';

describe('metrics', () => {
  const actual = [100, 110, 90, 100];
  const predicted = [102, 107, 90, 96];

  it('MAE, RMSE and MAPE on a hand-computed case', () => {
    // errors 2, 3, 0, 4
    expect(mae(actual, predicted)).toBe(9 / 4);
    expect(rmse(actual, predicted)).toBeCloseTo(Math.sqrt((4 + 9 + 0 + 16) / 4), 12);
    expect(mape(actual, predicted)).toBeCloseTo((100 * (2 / 100 + 3 / 110 + 0 + 4 / 100)) / 4, 12);
    expect(errorMetrics(actual, predicted)).toEqual({
      mae: 2.25,
      rmse: rmse(actual, predicted),
      mape: mape(actual, predicted),
    });
  });

  it('MAPE skips zero actuals and is NaN when all are zero', () => {
    expect(mape([0, 50], [5, 55])).toBe(10);
    expect(mape([0], [1])).toBeNaN();
  });

  it('rejects mismatched or empty inputs', () => {
    expect(() => mae([1], [1, 2])).toThrow('differ in length');
    expect(() => rmse([], [])).toThrow('zero values');
  });

  it('naive forecast repeats the close h steps before the target', () => {
    const closes = [10, 11, 12, 13, 14, 15];
    expect(naiveForecast(closes, [3, 4, 5], 1)).toEqual([12, 13, 14]);
    expect(naiveForecast(closes, [4, 5], 3)).toEqual([11, 12]);
    expect(() => naiveForecast(closes, [1], 2)).toThrow('no observation 2 steps earlier');
  });

  it('skill = 1 - mae_model / mae_naive', () => {
    expect(skill(1, 4)).toBe(0.75);
    expect(skill(4, 4)).toBe(0);
    expect(skill(6, 4)).toBe(-0.5);
    expect(skill(1, 0)).toBeNaN();
  });
});
