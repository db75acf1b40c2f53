import { describe, expect, it } from 'vitest';
import { coveredSteps, mase, maseScale, msis, owa, smape } from './measures';
import { panelScore, scoreOrigin } from './panel-scores';

describe('M4 measures against hand-computed values', () => {
  it('sMAPE in percent, 0/0 counting as 0, NaN actuals skipped', () => {
    expect(smape([100, 200], [110, 180])).toBeCloseTo((2000 / 210 + 4000 / 380) / 2, 10);
    expect(smape([0, 100], [0, 100])).toBe(0);
    expect(smape([NaN, 100], [5, 50])).toBeCloseTo(200 * (50 / 150), 10);
  });

  it('MASE scales by the in-sample seasonal naive MAE of the period', () => {
    expect(maseScale([1, 2, 4, 7], 1)).toBe(2);
    expect(maseScale([1, 2, 4, 7], 2)).toBe(4);
    // Not longer than the period: M4 falls back to lag 1.
    expect(maseScale([1, 2, 4, 7], 4)).toBe(2);
    expect(mase([1, 2, 4, 7], [8, 10], [7, 7], 1)).toBe(1);
  });

  it('MSIS adds 2/alpha times the miss to the width, on the MASE scale', () => {
    const value = msis([1, 2, 4, 7], [5, 10, 7], [4, 4, 4], [6, 6, 8], 1, 0.05);
    expect(value).toBeCloseTo((2 + (2 + 40 * 4) + 4) / 3 / 2, 10);
  });

  it('coverage per step and OWA as the mean of the two ratios', () => {
    expect(Array.from(coveredSteps([1, 5, NaN], [0, 0, 0], [2, 2, 2]))).toEqual([1, 0, NaN]);
    expect(owa(10, 2, 20, 1)).toBe(1.25);
  });

  it('a panel OWA is the ratio of the mean sMAPE and MASE, not the mean of the per-series OWAs', () => {
    const insample = Float64Array.from([1, 2, 3, 4]);
    const f = (v: number[]) => ({ mean: Float64Array.from(v), intervals: [] });
    const a = scoreOrigin('a', insample, Float64Array.from([5, 6]), f([5, 6]), f([4, 4]), 1);
    const b = scoreOrigin('b', insample, Float64Array.from([5, 6]), f([4, 4]), f([4, 4]), 1);
    const panel = panelScore([a, b]);
    expect(a.owa).toBe(0);
    expect(b.owa).toBe(1);
    expect(panel.owa).toBeCloseTo(0.5, 12);
    expect(panel.naive2Mase).toBeCloseTo(1.5, 12);
  });
});
