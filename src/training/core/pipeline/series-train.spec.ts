import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeriesUploadParser } from '../series/upload';
import { validateSeriesParams } from './series-params';
import { SeriesPredictor } from './series-predictor';
import { writeSeriesModel } from './series-model-dir';
import { scorePanelLive } from './series-live';
import { trainSeriesModel } from './series-train';

/** A daily sales-like panel: level per store, weekly pattern, noise (deterministic). */
function salesCsv(stores: number, days: number): string {
  const week = [0.8, 0.9, 1.0, 1.0, 1.1, 1.5, 1.3];
  const rows = ['date,store,sales'];
  let seed = 7;
  const noise = () => ((seed = (seed * 16807) % 2147483647) / 2147483647 - 0.5) * 4;
  for (let s = 0; s < stores; s++)
    for (let d = 0; d < days; d++) {
      const t = new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10);
      rows.push(`${t},s${s},${(100 + 20 * s) * week[d % 7] + noise()}`);
    }
  return rows.join('\n');
}

function dataset(stores = 3, days = 120) {
  const p = new SeriesUploadParser('sales.csv', 'csv', {});
  p.push(salesCsv(stores, days));
  return p.end('sales').dataset;
}

describe('series training', () => {
  it('scores seasonal naive against Naive2 and itself on the same origins', async () => {
    const d = dataset();
    const params = validateSeriesParams({ model: 'seasonal_naive', horizon: 14 }, 'D');
    const r = await trainSeriesModel({ dataset: d, params });
    expect(r.metrics.val_series).toBe(3);
    expect(r.metrics.test_skill).toBeCloseTo(0, 12); // seasonal naive is its own baseline
    expect(r.metrics.test_owa).toBeLessThan(1); // Naive2 (m = 1 for daily, as M4) misses the week
    expect(r.metrics.test_coverage_80).toBeGreaterThan(0.5);
    expect(r.stepMetrics.test_coverage_80_step).toHaveLength(14);
    expect(r.test[0].actual).toHaveLength(14);
  });

  it('naive loses to seasonal naive on a weekly pattern (negative skill)', async () => {
    const r = await trainSeriesModel({
      dataset: dataset(),
      params: validateSeriesParams({ model: 'naive', horizon: 7 }, 'D'),
    });
    expect(r.metrics.val_skill).toBeLessThan(0);
  });

  it('refuses a horizon longer than the validation part, and unknown families', () => {
    expect(() => validateSeriesParams({ horizon: 14, validation_steps: 7 }, 'D')).toThrow(
      /'horizon' \(14\) is longer than the validation part \(validation_steps=7\)/,
    );
    expect(() => validateSeriesParams({ model: 'prophet' }, 'D')).toThrow(/'model' must be one of/);
  });

  it('refuses series too short for the split, naming the series', async () => {
    const params = validateSeriesParams({ model: 'naive', horizon: 60 }, 'D');
    await expect(trainSeriesModel({ dataset: dataset(2, 100), params })).rejects.toThrow(/series 's0' has 100 steps/);
  });

  it('saves a model directory that forecasts every series by id, with intervals per step', async () => {
    const d = dataset();
    const params = validateSeriesParams({ model: 'seasonal_naive', horizon: 7 }, 'D');
    const r = await trainSeriesModel({ dataset: d, params });
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'series-model-'));
    try {
      await writeSeriesModel(dir, { state: r.model.state(), panel: r.panel, params, target: 'sales', known: [] });
      const p = await SeriesPredictor.load(dir);
      const f = p.forecast(p.history('s1'), 7);
      expect(f.timestamps[0]).toBe('2024-04-30'); // the day after the data ends
      expect(f.predictions).toHaveLength(7);
      expect(f.intervals.map((i) => i.level)).toEqual([0.8, 0.95]);
      expect(f.intervals[0].lower[0]).toBeLessThan(f.predictions[0]);
      expect(() => p.history('nope')).toThrow(/Unknown series_id 'nope'/);
      // Live scoring: the same panel 14 days on, plus a series the model never saw.
      const later = dataset(4, 134);
      const live = scorePanelLive(p, later, 7);
      expect(live.series.map((x) => x.new_steps)).toEqual([7, 7, 7]);
      expect(live.unknown_series).toEqual(['s3']);
      expect(live.skill).toBeCloseTo(0, 12); // seasonal naive scored against itself
      expect(live.coverage).toBeGreaterThan(0.5);
      expect(live.interval_level).toBe(0.8);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
