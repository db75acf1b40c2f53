import * as os from 'os';
import * as path from 'path';
import { promises as fs } from 'fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundledCsv } from './bundled-data';
import { cleanBars } from './cleaning';
import { parseParams } from '../models/hyperparams';
import { writeMlflowModel } from '../models/mlflow-model-dir';
import { loadPredictor, predictAtRows } from '../models/predictor';
import { initBackend } from '../models/backend';
import { ENGINE_FACTORIES } from '../models/engines';
import { modelSpec, trainForecaster } from '../models/train';

let tmp: string;
beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-return-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

/**
 * The formulation makes persistence the starting point: with the default settings and only a
 * couple of epochs, no bundled ticker may lose more than 2% of MAE to "tomorrow = today".
 */
describe('defaults on the bundled samples (return target)', () => {
  for (const ticker of ['MSFT', 'AAPL', 'PETR4.SA', 'BTC-USD']) {
    it(`${ticker}: test_skill >= -0.02, every metric finite, intervals near their level`, async () => {
      const bars = cleanBars(readBundledCsv(`${ticker}.csv`)).bars.slice(-1500);
      const result = await trainForecaster({ bars, params: parseParams({ epochs: 2 }) });
      result.model.dispose();
      const m = result.metrics;
      expect(m.test_skill, JSON.stringify(m)).toBeGreaterThanOrEqual(-0.02);
      for (const [k, v] of Object.entries(m)) expect(Number.isFinite(v), k).toBe(true);
      expect(m.test_dm_pvalue).toBeGreaterThanOrEqual(0);
      expect(m.test_dm_pvalue).toBeLessThanOrEqual(1);
      expect(m.test_coverage_80).toBeGreaterThan(0.65);
      expect(m.test_coverage_80).toBeLessThan(0.95);
      expect(m.test_coverage_95).toBeGreaterThan(m.test_coverage_80);
      expect(result.preprocessing.format_version).toBe(2);
    }, 60_000);
  }
});

describe('persistence is the starting point', () => {
  it.each(Object.keys(ENGINE_FACTORIES) as (keyof typeof ENGINE_FACTORIES)[])(
    'engine %s: an untrained return model answers 0 (persistence); a level model keeps its seeded Glorot output',
    async (engine) => {
      await initBackend('wasm');
      const factory = ENGINE_FACTORIES[engine];
      const x = new Float32Array(3 * 5).map((_, i) => Math.sin(i));
      const ret = factory.build(modelSpec(parseParams({ seq_length: 5, units: 4, engine }), 1));
      const level = factory.build(modelSpec(parseParams({ target: 'level', seq_length: 5, units: 4, engine }), 1));
      try {
        expect(Array.from(ret.predict(x, 3))).toEqual([0, 0, 0]);
        expect(Array.from(level.predict(x, 3)).some((v) => v !== 0)).toBe(true);
      } finally {
        ret.dispose();
        level.dispose();
      }
    },
  );
});

describe('format 2 model directory', () => {
  it('saves, loads and forecasts like the training evaluation, with intervals from the window', async () => {
    const bars = cleanBars(readBundledCsv('MSFT.csv')).bars.slice(-300);
    const params = parseParams({ seq_length: 6, units: 4, epochs: 1, features: 'returns,range,weekday' });
    const result = await trainForecaster({ bars, params });
    const dir = path.join(tmp, 'v2');
    try {
      await writeMlflowModel(dir, { model: result.model, preprocessing: result.preprocessing });
    } finally {
      result.model.dispose();
    }
    const p = await loadPredictor(dir);
    try {
      expect(p.seqLength).toBe(7);
      expect(p.features).toEqual(['close', 'high', 'low', 'weekday']);
      const rows = result.predictions.slice(0, 10).map((x) => bars.findIndex((b) => b.date === x.date));
      const { predicted } = predictAtRows(p, bars, rows);
      predicted.forEach((v, i) => expect(v).toBeCloseTo(result.predictions[i].predicted, 3));
      const window = p.inputRows(bars).slice(rows[0] - 7, rows[0]);
      const [i80, i95] = p.intervals(predicted[0], window);
      expect(i80.level).toBe(0.8);
      expect(i80.lower).toBeCloseTo(result.predictions[0].lower as number, 3);
      expect(i80.upper).toBeCloseTo(result.predictions[0].upper as number, 3);
      expect(i95.lower).toBeLessThan(i80.lower);
      expect(i95.upper).toBeGreaterThan(i80.upper);
      expect(() => p.predict(window.slice(1))).toThrow('need at least 7 rows');
    } finally {
      p.dispose();
    }
  }, 60_000);

  it('a legacy format-1 model (no intervals recorded) still loads and forecasts', async () => {
    const bars = cleanBars(readBundledCsv('MSFT.csv')).bars.slice(-200);
    const result = await trainForecaster({
      bars,
      params: parseParams({ target: 'level', seq_length: 5, units: 4, epochs: 1 }),
    });
    const dir = path.join(tmp, 'v1');
    const legacy = { ...result.preprocessing } as Record<string, unknown>;
    delete legacy.intervals;
    try {
      await writeMlflowModel(dir, { model: result.model, preprocessing: legacy as never });
    } finally {
      result.model.dispose();
    }
    const p = await loadPredictor(dir);
    try {
      expect(p.preprocessing.format_version).toBe(1);
      expect(p.intervalLevels).toEqual([]);
      const window = bars.slice(-5).map((b) => b.close);
      expect(Number.isFinite(p.predict(window))).toBe(true);
      expect(p.intervals(p.predict(window), window)).toEqual([]);
    } finally {
      p.dispose();
    }
  }, 60_000);
});

describe('rolling-origin backtest', () => {
  it('trains one fold per block on its past only and pools the forecasts', async () => {
    const bars = cleanBars(readBundledCsv('MSFT.csv')).bars.slice(-400);
    const params = parseParams({ seq_length: 5, units: 4, epochs: 1, backtest_folds: 3 });
    const result = await trainForecaster({ bars, params });
    result.model.dispose();
    const bt = result.backtest!;
    expect(bt.folds.map((f) => f.fold)).toEqual([1, 2, 3]);
    // Blocks tile the rows after the training part; each fold trained only on rows before its block.
    expect(bt.folds[0].first_date).toBe(bars[280].date);
    expect(bt.folds[2].last_date).toBe(bars[399].date);
    for (const f of bt.folds) {
      expect(f.train_end < f.first_date).toBe(true);
      expect(Number.isFinite(f.metrics.test_skill)).toBe(true);
    }
    expect(result.metrics.backtest_folds_evaluated).toBe(3);
    expect(Number.isFinite(result.metrics.backtest_pooled_skill)).toBe(true);
    expect(result.metrics.backtest_pooled_coverage_80).toBeGreaterThan(0.5);
    await expect(
      trainForecaster({
        bars: bars.slice(-120),
        params: parseParams({ seq_length: 5, epochs: 1, backtest_folds: 10 }),
      }),
    ).rejects.toThrow(/backtest_folds 10: .* rows per fold/);
  }, 60_000);
});
