import * as os from 'os';
import * as path from 'path';
import { promises as fs } from 'fs';
import * as yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readBundledCsv } from '../series/bundled-data';
import { cleanBars } from '../series/cleaning';
import { parseParams } from './hyperparams';
import { readMlmodel, writeMlflowModel } from './mlflow-model-dir';
import { createPredictor, loadPredictor, Predictor } from './predictor';
import { trainForecaster, TrainResult } from './train';

/** The last 200 MSFT sessions (2023-10 .. 2024-07): 140 train / 30 validation / 30 test rows. */
const bars = cleanBars(readBundledCsv('MSFT.csv')).bars.slice(-200);
/** The level formulation (format 1); the return formulation has its own spec (return-target.spec.ts). */
const params = parseParams({
  target: 'level',
  seq_length: 5,
  units: 4,
  epochs: 2,
  batch_size: 16,
  dropout: 0.1,
  learning_rate: 0.01,
  seed: 3,
});
let result: TrainResult;
let tmp: string;

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-train-'));
  result = await trainForecaster({ bars, params });
});
afterAll(async () => {
  result?.model.dispose();
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('trainForecaster (tiny LSTM on real MSFT prices)', () => {
  it('returns finite metrics under the documented keys', () => {
    const keys = Object.keys(result.metrics);
    for (const part of ['val', 'test']) {
      for (const k of ['mae', 'rmse', 'mape', 'skill', 'skill_drift', 'skill_seasonal', 'dm_stat', 'dm_pvalue']) {
        expect(keys).toContain(`${part}_${k}`);
      }
      expect(keys).toContain(`${part}_direction_accuracy`);
      for (const b of ['naive', 'drift', 'seasonal']) expect(keys).toContain(`${b}_${part}_mae`);
    }
    for (const l of ['80', '95']) {
      for (const k of ['test_coverage', 'test_interval_score', 'naive_test_coverage', 'naive_test_interval_score']) {
        expect(keys).toContain(`${k}_${l}`);
      }
      expect(keys).toContain(`test_interval_skill_${l}`);
    }
    for (const [k, v] of Object.entries(result.metrics)) expect(Number.isFinite(v), k).toBe(true);
    expect(result.metrics.test_rmse).toBeGreaterThanOrEqual(result.metrics.test_mae);
    expect(result.metrics.test_skill).toBeCloseTo(1 - result.metrics.test_mae / result.metrics.naive_test_mae, 12);
  });

  it('reports history, backend, ranges and one test prediction per test day', () => {
    expect(result.history.map((h) => h.epoch)).toEqual([1, 2]);
    expect(result.backend).toBe('fused-wasm-simd'); // the default engine
    expect(result.dataRange).toEqual({ first_date: bars[0].date, last_date: bars[199].date, rows: 200 });
    expect(result.windows).toEqual({ train: 140 - 5, validation: 30, test: 30 });
    expect(result.predictions.map((p) => p.date)).toEqual(bars.slice(170).map((b) => b.date));
    expect(result.predictions.map((p) => p.actual)).toEqual(bars.slice(170).map((b) => b.close));
    expect(result.predictions.map((p) => p.naive)).toEqual(bars.slice(169, 199).map((b) => b.close));
    expect(result.preprocessing).toMatchObject({
      last_training_date: bars[139].date,
      seq_length: 5,
      horizon: 1,
      features: ['close'],
    });
  });

  it('trains on tfjs with engine tfjs, reporting the tfjs backend', async () => {
    const tfjs = await trainForecaster({ bars, params: { ...params, engine: 'tfjs', epochs: 1 } });
    tfjs.model.dispose();
    expect(['wasm', 'tensorflow']).toContain(tfjs.backend); // tensorflow only where tfjs-node installs
    expect(tfjs.model.backend).toMatch(/^tfjs-/);
  });

  it('is reproducible: same seed on the same backend gives the identical val_mae', async () => {
    const again = await trainForecaster({ bars, params });
    again.model.dispose();
    expect(again.metrics.val_mae).toBe(result.metrics.val_mae);
    expect(again.history).toEqual(result.history);
  });

  it('aligns horizon 3 targets 3 sessions after the last input', async () => {
    const h3 = await trainForecaster({ bars, params: { ...params, horizon: 3, epochs: 1 } });
    h3.model.dispose();
    expect(h3.predictions[0].date).toBe(bars[170].date);
    expect(h3.predictions[0].naive).toBe(bars[167].close);
  });

  it('stops early on val_loss and evaluates the restored best-epoch weights', async () => {
    const unstable = await trainForecaster({
      bars,
      params: { ...params, learning_rate: 0.2, epochs: 40, patience: 2, dropout: 0 },
    });
    unstable.model.dispose();
    const { history, bestEpoch, metrics } = unstable;
    if (unstable.data.kind !== 'level') throw new Error('level dataset expected');
    const scaler = unstable.data.scaler;
    expect(unstable.stoppedEarly).toBe(true);
    expect(history.length).toBeLessThan(40);
    expect(history.length - bestEpoch).toBe(2);
    const best = history[bestEpoch - 1].val_loss;
    expect(Math.min(...history.map((h) => h.val_loss))).toBe(best);
    // loss 'mae' on scaled closes: val_mae in price units is val_loss times the scaler's close range.
    const range = scaler.max[0] - scaler.min[0];
    expect(metrics.val_mae / range).toBeCloseTo(best, 5);
  });

  it('passes cancellation through and still evaluates the weights it has', async () => {
    const cancelled = await trainForecaster({ bars, params: { ...params, epochs: 5 }, onEpoch: () => true });
    cancelled.model.dispose();
    expect(cancelled).toMatchObject({ cancelled: true, stoppedEarly: false });
    expect(cancelled.history).toHaveLength(1);
  });

  it('rejects a series too short for the split', async () => {
    await expect(trainForecaster({ bars: bars.slice(0, 30), params })).rejects.toThrow('validation part has 4 rows');
  });
});

describe('MLflow model directory', () => {
  let dir: string;
  let inMemory: Predictor;
  let loaded: Predictor;

  beforeAll(async () => {
    dir = path.join(tmp, 'model');
    await writeMlflowModel(dir, {
      model: result.model,
      preprocessing: result.preprocessing,
      runId: 'a'.repeat(32),
      artifactPath: 'model',
      now: new Date('2025-04-28T12:34:56.123Z'),
    });
    inMemory = createPredictor(result.model, result.preprocessing);
    loaded = await loadPredictor(dir);
  });
  afterAll(() => loaded?.dispose());

  it('writes MLmodel, examples, preprocessing and tfjs files', async () => {
    expect((await fs.readdir(dir)).sort()).toEqual([
      'MLmodel',
      'input_example.json',
      'preprocessing.json',
      'serving_input_example.json',
      'tfjs-model',
    ]);
    expect((await fs.readdir(path.join(dir, 'tfjs-model'))).sort()).toEqual(['model.json', 'weights.bin']);
    const doc = await readMlmodel(dir);
    expect(doc).toMatchObject({
      artifact_path: 'model',
      run_id: 'a'.repeat(32),
      utc_time_created: '2025-04-28 12:34:56.123000',
      flavors: {
        tfjs: { model_format: 'layers', tfjs_version: '4.22.0', backend: result.backend, data: 'tfjs-model' },
      },
      signature: { params: null },
      saved_input_example_info: { artifact_path: 'input_example.json', type: 'ndarray', format: 'tf-serving' },
    });
    expect(doc.model_uuid).toMatch(/^[0-9a-f]{32}$/);
    expect(JSON.parse(doc.signature.inputs)).toEqual([
      { type: 'tensor', 'tensor-spec': { dtype: 'float32', shape: [-1, 5, 1] } },
    ]);
    expect(doc.model_size_bytes).toBeGreaterThan(0);
    const raw = await fs.readFile(path.join(dir, 'MLmodel'), 'utf8');
    expect(raw).toMatch(/^artifact_path: model\n/);
    expect(yaml.load(raw)).toEqual(doc);
    const example = JSON.parse(await fs.readFile(path.join(dir, 'input_example.json'), 'utf8'));
    expect(example.inputs[0]).toEqual(bars.slice(-5).map((b) => [b.close]));
  });

  it('loads a predictor whose forecasts equal the in-memory model (within 1e-5)', () => {
    for (const p of result.predictions.slice(0, 5)) {
      const i = bars.findIndex((b) => b.date === p.date);
      const window = bars.slice(i - 5, i).map((b) => b.close);
      expect(inMemory.predict(window)).toBeCloseTo(p.predicted, 3);
      expect(Math.abs(loaded.predict(window) - inMemory.predict(window))).toBeLessThan(1e-5);
      expect(loaded.predict(window.map((v) => [v]))).toBe(loaded.predict(window));
    }
    const last = result.preprocessing.last_window.values;
    const a = inMemory.forecast(
      last.map((r) => r[0]),
      3,
    );
    const b = loaded.forecast(
      last.map((r) => r[0]),
      3,
    );
    expect(a).toHaveLength(3);
    b.forEach((v, i) => expect(Math.abs(v - a[i])).toBeLessThan(1e-5));
    expect(loaded.predictBatch([last, last])).toEqual([loaded.predict(last), loaded.predict(last)]);
  });

  it('rejects malformed windows with clear messages', () => {
    expect(() => loaded.predict([1, 2, 3])).toThrow('window 0: need at least 5 rows, got 3');
    expect(() => loaded.predict([[1, 2], [1], [1], [1], [1]])).toThrow(
      'window 0 row 0: expected 1 finite number(s) (close)',
    );
    expect(() => loaded.forecast([1, 2, 3, 4, 5], 0)).toThrow('steps must be an integer in [1, 1000]');
  });
});
