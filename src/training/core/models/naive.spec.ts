import { describe, expect, it } from 'vitest';
import { modelFamily } from '.';
import { SeriesPanel } from './series-model';

const series = (values: number[]) => ({
  id: 's',
  values: Float64Array.from(values),
  timestamps: Float64Array.from(values, (_, i) => i),
});
const panel = (values: number[], periods: number[] = []): SeriesPanel => ({
  series: [series(values)],
  frequency: 'D',
  seasonalPeriods: periods,
});

describe('naive and seasonal naive', () => {
  it('naive repeats the last value; sd grows with sqrt(h) from the rms of the differences', async () => {
    const p = panel([1, 3, 2, 4]);
    const model = await modelFamily('naive').fit(p, {}, { horizon: 3, seed: 0 });
    const f = model.forecast({ history: p.series[0], horizon: 3, levels: [0.95] });
    expect(Array.from(f.mean)).toEqual([4, 4, 4]);
    const sigma = Math.sqrt((4 + 1 + 4) / 3);
    expect(f.intervals[0].upper[2] - 4).toBeCloseTo(1.959964 * sigma * Math.sqrt(3), 5);
  });

  it('seasonal naive repeats the last period; missing values are filled from the past only', async () => {
    const p = panel([NaN, 1, 2, 3, NaN, 5, 6, 7], [4]);
    const model = await modelFamily('seasonal_naive').fit(p, {}, { horizon: 6, seed: 0 });
    const f = model.forecast({ history: p.series[0], horizon: 6, levels: [0.8] });
    expect(Array.from(f.mean)).toEqual([3, 5, 6, 7, 3, 5]);
    const width = (h: number) => f.intervals[0].upper[h] - f.intervals[0].lower[h];
    expect(width(4) / width(0)).toBeCloseTo(Math.SQRT2, 10);
  });

  it('round-trips its state and refuses bad params and unknown families', async () => {
    const family = modelFamily('seasonal_naive');
    const model = await family.fit(panel([1, 2, 3, 4, 5], [2]), { period: 3 }, { horizon: 2, seed: 0 });
    const restored = family.load(JSON.parse(JSON.stringify(model.state())));
    const req = { history: series([1, 2, 3, 4, 5]), horizon: 2, levels: [] };
    expect(restored.forecast(req).mean).toEqual(model.forecast(req).mean);
    await expect(family.fit(panel([1, 2]), { period: 0 }, { horizon: 1, seed: 0 })).rejects.toThrow(/period/);
    expect(() => modelFamily('arima')).toThrow(/model must be one of .*naive2/);
    expect(() => family.load({ family: 'naive', config: {} })).toThrow(/seasonal_naive/);
  });
});
