import { describe, expect, it } from 'vitest';
import { MODEL_FAMILY_NAMES, modelFamily } from '.';
import { backtest } from '../evaluation/backtest';
import { seededRandom } from '../series/shuffle';
import { SeriesPanel } from './series-model';

/** Hourly-like series with daily and weekly cycles (multiplicative) and noise. */
function hourlyPanel(count: number, length: number, seed: number): SeriesPanel {
  const random = seededRandom(seed);
  const series = Array.from({ length: count }, (_, k) => {
    const level = 50 + 100 * random();
    const values = Float64Array.from({ length }, (_, t) => {
      const daily = 1 + 0.4 * Math.sin((2 * Math.PI * t) / 24);
      const weekly = (t / 24) % 7 >= 5 ? 0.7 : 1;
      return level * daily * weekly * (1 + 0.05 * (random() - 0.5)) * (1 + 0.0002 * t);
    });
    return { id: `h${k}`, values, timestamps: Float64Array.from(values, (_, t) => t * 3_600_000) };
  });
  return { series, frequency: 'H', stepMs: 3_600_000, seasonalPeriods: [24, 168] };
}

const FAST: Record<string, Record<string, unknown>> = { global_mlp: { steps: 40, hidden: 16 } };

describe('every family', () => {
  const panel = hourlyPanel(3, 400, 1);
  it.each(MODEL_FAMILY_NAMES.map((n) => [n]))('%s: ordered intervals, JSON state round trip', async (name) => {
    const family = modelFamily(name);
    const model = await family.fit(panel, FAST[name] ?? {}, { horizon: 24, seed: 3 });
    const request = { history: panel.series[1], horizon: 24, levels: [0.8, 0.95] };
    const f = model.forecast(request);
    expect(f.mean).toHaveLength(24);
    expect(f.mean.every(Number.isFinite)).toBe(true);
    const [i80, i95] = f.intervals;
    for (let h = 0; h < 24; h++) {
      expect(i95.lower[h]).toBeLessThanOrEqual(i80.lower[h] + 1e-9);
      expect(i80.lower[h]).toBeLessThanOrEqual(f.mean[h] + 1e-9);
      expect(f.mean[h]).toBeLessThanOrEqual(i80.upper[h] + 1e-9);
      expect(i80.upper[h]).toBeLessThanOrEqual(i95.upper[h] + 1e-9);
    }
    const restored = family.load(JSON.parse(JSON.stringify(model.state())));
    expect(restored.forecast(request)).toEqual(f);
  });
});

describe('seasonal families on daily + weekly cycles', () => {
  it('mstl beats seasonal naive (24) and Naive2 on held-out hourly steps, with 80% intervals near 80%', async () => {
    const panel = hourlyPanel(12, 24 * 7 * 5, 2);
    const options = { horizon: 48, origins: 2, step: 48, masePeriod: 24, naive2Period: 24 };
    const mstl = await backtest(modelFamily('mstl'), panel, options);
    const snaive = await backtest(modelFamily('seasonal_naive'), panel, options);
    expect(mstl.panel.mase).toBeLessThan(snaive.panel.mase);
    expect(mstl.panel.owa).toBeLessThan(0.8);
    expect(mstl.panel.coverageAll['0.8']).toBeGreaterThan(0.65);
    expect(mstl.panel.coverageAll['0.8']).toBeLessThan(0.95);
  });

  it('global_mlp refuses a horizon longer than it was trained for; ensemble refuses bad members', async () => {
    const panel = hourlyPanel(2, 200, 3);
    const model = await modelFamily('global_mlp').fit(panel, { steps: 5, hidden: 8 }, { horizon: 12, seed: 1 });
    expect(() => model.forecast({ history: panel.series[0], horizon: 13, levels: [] })).toThrow(
      /horizon must be an integer in \[1, 12\]/,
    );
    await expect(modelFamily('ensemble').fit(panel, { members: ['ets'] }, { horizon: 12, seed: 1 })).rejects.toThrow(
      /at least two/,
    );
    await expect(
      modelFamily('ensemble').fit(panel, { members: ['ets', 'prophet'] }, { horizon: 12, seed: 1 }),
    ).rejects.toThrow(/model must be one of/);
  });

  it('ensemble: the median (and the mean) of its members, step by step; weighted by inverse holdout MASE', async () => {
    const panel = hourlyPanel(2, 200, 4);
    const names = ['naive', 'seasonal_naive', 'theta'];
    const request = { history: panel.series[0], horizon: 24, levels: [0.8] };
    const parts = await Promise.all(
      names.map(async (n) => (await modelFamily(n).fit(panel, {}, { horizon: 24, seed: 1 })).forecast(request)),
    );
    const fit = (combination: string) =>
      modelFamily('ensemble').fit(panel, { members: names, combination }, { horizon: 24, seed: 1 });
    const median = (await fit('median')).forecast(request);
    const mean = (await fit('mean')).forecast(request);
    for (let h = 0; h < 24; h++) {
      const column = parts.map((p) => p.mean[h]).sort((a, b) => a - b);
      expect(median.mean[h]).toBe(column[1]);
      expect(mean.mean[h]).toBeCloseTo((column[0] + column[1] + column[2]) / 3, 9);
    }
    const weighted = await fit('weighted');
    // The state of a calibrated model wraps the family's own (calibrated.ts).
    const state = weighted.state() as { calibrated: { members: { name: string; weight: number }[] } };
    const weights = state.calibrated.members;
    for (const m of weights) {
      const holdout = await backtest(modelFamily(m.name), panel, { horizon: 24, masePeriod: 24, levels: [] });
      expect(m.weight).toBeCloseTo(1 / holdout.panel.mase, 9);
    }
  });
});
