import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TrainingInputError } from '../errors';
import { SeriesUploadParser } from '../series/upload';
import { validateSeriesParams } from '../pipeline/series-params';
import { SeriesPredictor } from '../pipeline/series-predictor';
import { writeSeriesModel } from '../pipeline/series-model-dir';
import { trainSeriesModel } from '../pipeline/series-train';
import { modelFamily } from '.';
import type { SeriesPanel } from './series-model';
import { parseTransform, withTransform } from './transformed';

const DAY = 86_400_000;

function panel(values: number[][]): SeriesPanel {
  return {
    series: values.map((v, i) => ({
      id: `s${i}`,
      values: Float64Array.from(v),
      timestamps: Float64Array.from(v, (_, t) => Date.UTC(2024, 0, 1) + t * DAY),
    })),
    frequency: 'D',
    stepMs: DAY,
    seasonalPeriods: [7],
  };
}

const fitAndForecast = async (family: string, transform: string, p: SeriesPanel, horizon: number) => {
  const f = withTransform(modelFamily(family), parseTransform(transform));
  const model = await f.fit(p, {}, { horizon, seed: 1 });
  return model.forecast({ history: p.series[0], horizon, levels: [0.8] });
};

describe('target transforms (the transform param of every family)', () => {
  it("'diff': naive on the differences continues a linear trend exactly, intervals widening", async () => {
    const trend = Array.from({ length: 60 }, (_, t) => 10 + 2 * t + (t % 2 ? 0.5 : -0.5));
    const f = await fitAndForecast('naive', 'diff', panel([trend]), 4);
    const last = trend[trend.length - 1];
    const lastDiff = trend[59] - trend[58];
    expect(Array.from(f.mean)).toEqual([1, 2, 3, 4].map((k) => last + k * lastDiff));
    const width = Array.from(f.intervals[0].upper, (u, k) => u - f.intervals[0].lower[k]);
    for (let k = 1; k < width.length; k++) expect(width[k]).toBeGreaterThanOrEqual(width[k - 1]);
  });

  it("'log': forecasts and interval bounds mapped back exactly, bounds stay positive", async () => {
    const growth = Array.from({ length: 80 }, (_, t) => 5 * Math.exp(0.03 * t) * (1 + 0.3 * Math.sin(t)));
    const plain = await fitAndForecast('naive', 'none', panel([growth]), 7);
    const logged = await fitAndForecast('naive', 'log', panel([growth]), 7);
    for (let k = 0; k < 7; k++) expect(logged.mean[k]).toBeCloseTo(plain.mean[k], 9); // naive is scale-free
    expect(Math.min(...logged.intervals[0].lower)).toBeGreaterThan(0);
    // Symmetric on the log scale: skewed upwards on the original one.
    const [lo, hi] = [logged.intervals[0].lower[6], logged.intervals[0].upper[6]];
    expect(hi - logged.mean[6]).toBeGreaterThan(logged.mean[6] - lo);
    expect(Math.log(hi) - Math.log(logged.mean[6])).toBeCloseTo(Math.log(logged.mean[6]) - Math.log(lo), 9);
  });

  it("'log' refuses a zero and names the series; 'log1p' takes it", async () => {
    const counts = Array.from({ length: 40 }, (_, t) => (t % 5 === 0 ? 0 : 3 + (t % 7)));
    await expect(fitAndForecast('seasonal_naive', 'log', panel([[1, 2, 3], counts]), 3)).rejects.toThrow(
      TrainingInputError,
    );
    await expect(fitAndForecast('seasonal_naive', 'log', panel([counts]), 3)).rejects.toThrow(
      /series 's0' has 0 at step 1 \(use 'log1p'/,
    );
    const f = await fitAndForecast('seasonal_naive', 'log1p', panel([counts]), 7);
    expect(Array.from(f.mean).map((v) => Math.round(v * 1e9) / 1e9)).toEqual(counts.slice(-7));
    expect(() => parseTransform('sqrt')).toThrow(/'transform' must be one of none, log, log1p, diff/);
  });

  it('a run trained under a transform logs it, and the served model applies it', async () => {
    const rows = ['date,store,sales'];
    for (let s = 0; s < 2; s++)
      for (let d = 0; d < 120; d++)
        rows.push(
          `${new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10)},s${s},${(50 + 30 * s) * Math.exp(0.01 * d) * (1 + 0.2 * (d % 7 === 5 ? 1 : 0))}`,
        );
    const parser = new SeriesUploadParser('sales.csv', 'csv', {});
    parser.push(rows.join('\n'));
    const d = parser.end('sales').dataset;
    const params = validateSeriesParams({ model: 'theta', horizon: 7, transform: 'log' }, 'D');
    expect(params.transform).toBe('log');
    expect(params.family).not.toHaveProperty('transform');
    const r = await trainSeriesModel({ dataset: d, params });
    expect(Number.isFinite(r.metrics.test_owa)).toBe(true);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'series-transform-'));
    try {
      const doc = await writeSeriesModel(dir, {
        state: r.model.state(),
        panel: r.panel,
        params,
        target: 'sales',
        known: [],
      });
      expect((doc.flavors.tsflow as { transform?: string }).transform).toBe('log');
      const served = await SeriesPredictor.load(dir);
      const direct = r.model.forecast({ history: r.panel.series[1], horizon: 7, levels: [0.8, 0.95] });
      expect(served.forecast(served.history('s1'), 7).predictions).toEqual(Array.from(direct.mean));
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
