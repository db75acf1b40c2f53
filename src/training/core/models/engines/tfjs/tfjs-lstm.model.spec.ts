import * as os from 'os';
import * as path from 'path';
import { promises as fs } from 'fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../backend';
import { mae } from '../../../evaluation/metrics';
import type { EpochLog, ModelSpec } from '../../forecast-model';
import { TfjsLstmModel } from './tfjs-lstm.model';
import { buildWindows, WindowSet } from '../../../series/windows';

/** A noisy sine, scaled to about [0, 1]: learnable but not trivially. */
function sineWindows(seqLength: number): { train: WindowSet; val: WindowSet } {
  const table = Array.from({ length: 160 }, (_, i) => [0.5 + 0.4 * Math.sin(i / 6) + 0.05 * Math.sin(i * 1.7)]);
  const base = { seqLength, horizon: 1, nFeatures: 1, targetColumn: 0 };
  return {
    train: buildWindows(table, { ...base, targetStart: 0, targetEnd: 120 }),
    val: buildWindows(table, { ...base, targetStart: 120, targetEnd: 160 }),
  };
}

const spec: ModelSpec = {
  seqLength: 5,
  nFeatures: 1,
  layers: 1,
  units: 4,
  dropout: 0,
  learningRate: 0.01,
  loss: 'mae',
  seed: 7,
};
const { train, val } = sineWindows(5);
let tmp: string;
/** tfjs-node is an optional dependency that cannot install offline; absent here. */
const hasNodeBinding = ((): boolean => {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
})();

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-model-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('initBackend', () => {
  it.skipIf(hasNodeBinding)('falls back from the absent tfjs-node to wasm, idempotently, and can switch', async () => {
    const logs: string[] = [];
    const first = initBackend('node', (m) => logs.push(m));
    expect(initBackend('node')).toBe(first);
    expect(await first).toBe('wasm');
    expect(logs[0]).toMatch(/^tfjs backend tensorflow unavailable: Cannot find module '@tensorflow\/tfjs-node'/);
    expect(logs[1]).toBe('tfjs backend: wasm (preferred node)');
    expect(await initBackend('cpu')).toBe('cpu');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
  });
});

describe('TfjsLstmModel', () => {
  it('records one history entry per epoch and keeps tensor count stable across epochs', async () => {
    const model = TfjsLstmModel.build({ ...spec, layers: 2, dropout: 0.2 });
    const counts: number[] = [];
    const fit = await model.fit(train, val, {
      epochs: 4,
      batchSize: 16,
      patience: 10,
      onEpoch: () => void counts.push(tf.memory().numTensors),
    });
    expect(fit.history.map((h) => h.epoch)).toEqual([1, 2, 3, 4]);
    expect(fit.history.every((h) => Number.isFinite(h.loss) && Number.isFinite(h.val_loss))).toBe(true);
    expect(new Set(counts.slice(1)).size).toBe(1); // epoch 1 creates Adam's slots; later epochs add nothing
    const before = tf.memory().numTensors;
    model.predict(val.x, val.count);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('stops early and restores the best epoch weights', async () => {
    // A far too large learning rate makes val_loss bounce, so patience runs out.
    const model = TfjsLstmModel.build({ ...spec, learningRate: 0.3 });
    const fit = await model.fit(train, val, { epochs: 30, batchSize: 8, patience: 2, shouldStop: () => false });
    const last = fit.history[fit.history.length - 1];
    expect(fit.stoppedEarly).toBe(true);
    expect(fit.cancelled).toBe(false);
    expect(fit.history.length).toBeLessThan(30);
    expect(last.epoch - fit.bestEpoch).toBe(2);
    expect(last.val_loss).toBeGreaterThanOrEqual(fit.bestValLoss);
    // The model now holds the best epoch's weights: its val MAE is that epoch's val_loss.
    expect(mae(model.predict(val.x, val.count), val.y)).toBeCloseTo(fit.bestValLoss, 5);
    model.dispose();
  });

  it('stops when onEpoch asks (cancellation) or shouldStop turns true mid-epoch', async () => {
    const model = TfjsLstmModel.build(spec);
    const byEpoch = await model.fit(train, val, {
      epochs: 10,
      batchSize: 16,
      patience: 10,
      onEpoch: (l: EpochLog) => l.epoch === 2,
    });
    expect(byEpoch).toMatchObject({ cancelled: true, stoppedEarly: false });
    expect(byEpoch.history).toHaveLength(2);
    let batches = 0;
    const byBatch = await model.fit(train, val, {
      epochs: 10,
      batchSize: 16,
      patience: 10,
      shouldStop: () => ++batches >= 3,
    });
    expect(byBatch.cancelled).toBe(true);
    expect(byBatch.history).toHaveLength(0);
    expect(batches).toBe(3);
    model.dispose();
  });

  it('is reproducible with the same seed (dropout included) and differs with another seed', async () => {
    const run = async (seed: number) => {
      const model = TfjsLstmModel.build({ ...spec, dropout: 0.3, seed });
      const fit = await model.fit(train, val, { epochs: 2, batchSize: 16, patience: 5 });
      model.dispose();
      return fit.history;
    };
    const a = await run(11);
    expect(await run(11)).toEqual(a);
    expect(await run(12)).not.toEqual(a);
  });

  it('saves model.json + weights.bin and loads an identical model', async () => {
    const model = TfjsLstmModel.build({ ...spec, layers: 2, dropout: 0.1, loss: 'huber' });
    await model.fit(train, val, { epochs: 1, batchSize: 32, patience: 1 });
    const dir = path.join(tmp, 'saved');
    await model.save(dir);
    expect((await fs.readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(JSON.stringify(json.modelTopology)).toContain('"class_name":"Dropout"');
    const loaded = await TfjsLstmModel.load(dir);
    expect(loaded.spec).toEqual(model.spec);
    const a = model.predict(val.x, val.count);
    const b = loaded.predict(val.x, val.count);
    b.forEach((v, i) => expect(v).toBeCloseTo(a[i], 6));
    model.dispose();
    loaded.dispose();
  });
});
