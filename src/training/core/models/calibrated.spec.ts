import { describe, expect, it } from 'vitest';
import { seededRandom } from '../series/shuffle';
import { calibratedFamily, calibrationFrom, CALIBRATION_LEVELS, factorAt } from './calibrated';
import { gaussian } from './gaussian';
import { localFamily } from './local-family';
import { normalIntervals } from './intervals';
import { SeriesPanel } from './series-model';

/** Forecasts the series' known level with a normal interval `sdFactor` times too wide (the truth: sd 1). */
const level = (sdFactor: number) =>
  localFamily<Record<string, never>>({
    name: 'level',
    configure: () => ({}),
    forecast: (_c, _y, horizon, levels) => {
      const mean = new Float64Array(horizon).fill(100);
      return { mean, intervals: normalIntervals(mean, new Float64Array(horizon).fill(sdFactor), levels) };
    },
  });

function noisePanel(count: number, length: number, seed: number): SeriesPanel {
  const random = seededRandom(seed);
  return {
    series: Array.from({ length: count }, (_, k) => {
      const values = Float64Array.from({ length }, () => 100 + gaussian(random));
      return { id: `s${k}`, values, timestamps: Float64Array.from(values, (_, i) => i) };
    }),
    frequency: 'H',
    stepMs: 3_600_000,
    seasonalPeriods: [],
  };
}

function coverage(panel: SeriesPanel, fresh: SeriesPanel, model: Awaited<ReturnType<ReturnType<typeof level>['fit']>>) {
  let inside = 0;
  let n = 0;
  panel.series.forEach((s, i) => {
    const f = model.forecast({ history: s, horizon: 10, levels: [0.8] });
    f.mean.forEach((_, h) => {
      const y = fresh.series[i].values[h];
      inside += y >= f.intervals[0].lower[h] && y <= f.intervals[0].upper[h] ? 1 : 0;
      n++;
    });
  });
  return inside / n;
}

describe('conformal calibration of a family’s intervals', () => {
  it('brings intervals 3× too wide (and 3× too narrow) to their nominal 80% on unseen data', async () => {
    const panel = noisePanel(100, 60, 1);
    const fresh = noisePanel(100, 10, 2);
    for (const sd of [3, 1 / 3]) {
      const raw = await level(sd).fit(panel, {}, { horizon: 10, seed: 0 });
      const calibrated = await calibratedFamily(level(sd)).fit(panel, {}, { horizon: 10, seed: 0 });
      expect(Math.abs(coverage(panel, fresh, raw) - 0.8)).toBeGreaterThan(0.15);
      expect(coverage(panel, fresh, calibrated)).toBeGreaterThan(0.75);
      expect(coverage(panel, fresh, calibrated)).toBeLessThan(0.85);
    }
  });

  it('keeps its calibration through a JSON state, and still loads an uncalibrated state', async () => {
    const family = calibratedFamily(level(3));
    const panel = noisePanel(20, 60, 3);
    const model = await family.fit(panel, {}, { horizon: 10, seed: 0 });
    const request = { history: panel.series[0], horizon: 10, levels: [0.5, 0.8, 0.95] };
    const reloaded = family.load(JSON.parse(JSON.stringify(model.state())));
    expect(reloaded.forecast(request)).toEqual(model.forecast(request));
    const own = await family.fit(panel, { intervals: 'model' }, { horizon: 10, seed: 0 });
    expect(family.load(own.state()).forecast(request)).toEqual(own.forecast(request));
    await expect(family.fit(panel, { intervals: 'magic' }, { horizon: 10, seed: 0 })).rejects.toThrow(
      /intervals must be one of conformal, model/,
    );
  });

  it('interpolates width factors between the grid levels, from 0 at level 0', () => {
    const row = CALIBRATION_LEVELS.map((l) => 10 * l);
    expect(factorAt(row, 0.8)).toBeCloseTo(8, 12);
    expect(factorAt(row, 0.25)).toBeCloseTo(2.5, 12);
    expect(factorAt(row, 0.775)).toBeCloseTo(7.75, 12);
    expect(factorAt(row, 0.995)).toBeGreaterThan(row[row.length - 1]);
    // Too few ratios to calibrate: the model's own intervals stay.
    expect(calibrationFrom([[1, 2, 3]])).toBeUndefined();
  });
});
