import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../../backend';
import { TrainingInputError } from '../../../errors';
import type { ModelSpec } from '../../forecast-model';
import { buildWindows, WindowSet } from '../../../series/windows';
import { TfjsLstmModel } from '../tfjs/tfjs-lstm.model';
import { FusedLstmModel, fusedUnsupportedReason } from './fused-lstm.model';
import { UnsupportedModelError } from './layers-format';

/** Two features of a noisy sine, about [0, 1]. */
function windows(seqLength: number, from: number, to: number): WindowSet {
  const table = Array.from({ length: 200 }, (_, i) => [
    0.5 + 0.4 * Math.sin(i / 6) + 0.05 * Math.sin(i * 1.7),
    0.5 + 0.3 * Math.cos(i / 9),
  ]);
  return buildWindows(table, {
    seqLength,
    horizon: 1,
    nFeatures: 2,
    targetColumn: 0,
    targetStart: from,
    targetEnd: to,
  });
}

const spec: ModelSpec = {
  seqLength: 12,
  nFeatures: 2,
  layers: 2,
  units: 6,
  dropout: 0.2,
  learningRate: 0.01,
  loss: 'mse',
  seed: 3,
};
const train = windows(12, 12, 150);
const val = windows(12, 150, 200);

const maxAbsDiff = (a: Float32Array, b: Float32Array): number => {
  expect(a.length).toBe(b.length);
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
};

let tmp: string;
beforeAll(async () => {
  await ensureBackend();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-fused-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('FusedLstmModel parity with tfjs', () => {
  it.each(['sigmoid', 'hard_sigmoid'] as const)('predicts what tfjs predicts on the same weights (%s)', (act) => {
    const fused = FusedLstmModel.build(spec, act);
    const tfjs = TfjsLstmModel.fromWeights(spec, fused.getTensors(), act);
    try {
      const out = fused.predict(val.x, val.count);
      const diff = maxAbsDiff(out, tfjs.predict(val.x, val.count));
      expect(diff).toBeLessThan(1e-5);
      expect(Math.max(...out) - Math.min(...out)).toBeGreaterThan(1e-3); // the windows give different outputs
    } finally {
      tfjs.dispose();
    }
  });

  it('loads a tfjs-trained model and predicts the same', async () => {
    const tfjs = TfjsLstmModel.build({ ...spec, units: 5 });
    await tfjs.fit(train, val, { epochs: 2, batchSize: 16, patience: 5 });
    const dir = path.join(tmp, 'tfjs-trained');
    await tfjs.save(dir);
    const fused = await FusedLstmModel.load(dir);
    try {
      expect(fused.spec.units).toBe(5);
      expect(maxAbsDiff(fused.predict(val.x, val.count), tfjs.predict(val.x, val.count))).toBeLessThan(1e-5);
    } finally {
      tfjs.dispose();
    }
  });

  it('saves the tfjs layers format with explicit activations, which tfjs loads and predicts the same', async () => {
    const fused = FusedLstmModel.build(spec);
    await fused.fit(train, val, { epochs: 1, batchSize: 32, patience: 5 });
    const dir = path.join(tmp, 'fused-trained');
    await fused.save(dir);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    const lstms = json.modelTopology.config.layers.filter((l: any) => l.class_name === 'LSTM');
    expect(lstms.map((l: any) => [l.config.activation, l.config.recurrent_activation])).toEqual([
      ['tanh', 'sigmoid'],
      ['tanh', 'sigmoid'],
    ]);
    const tfjs = await TfjsLstmModel.load(dir);
    try {
      expect(maxAbsDiff(fused.predict(val.x, val.count), tfjs.predict(val.x, val.count))).toBeLessThan(1e-5);
    } finally {
      tfjs.dispose();
    }
    const again = await FusedLstmModel.load(dir);
    expect(again.predict(val.x, val.count)).toEqual(fused.predict(val.x, val.count));
  });

  it('refuses a saved model that is not a plain stacked LSTM', async () => {
    const dir = path.join(tmp, 'odd');
    await TfjsLstmModel.build(spec).save(dir);
    const file = path.join(dir, 'model.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8'));
    json.modelTopology.config.layers.find((l: any) => l.class_name === 'LSTM').config.activation = 'relu';
    await fs.writeFile(file, JSON.stringify(json));
    await expect(FusedLstmModel.load(dir)).rejects.toBeInstanceOf(UnsupportedModelError);
  });
});

describe('FusedLstmModel training', () => {
  it('is deterministic: the same seed gives identical weights, another seed different ones', async () => {
    const fitted = async (seed: number) => {
      const m = FusedLstmModel.build({ ...spec, seed });
      const fit = await m.fit(train, val, { epochs: 3, batchSize: 16, patience: 5 });
      return { tensors: m.getTensors().map((t) => Array.from(t.values)), history: fit.history };
    };
    const [a, b, c] = [await fitted(5), await fitted(5), await fitted(6)];
    expect(a.tensors).toEqual(b.tensors);
    expect(a.history).toEqual(b.history);
    expect(c.tensors).not.toEqual(a.tensors);
  });

  it('learns (loss falls), keeps the best epoch and honours patience', async () => {
    const m = FusedLstmModel.build({ ...spec, dropout: 0 });
    const fit = await m.fit(train, val, { epochs: 40, batchSize: 16, patience: 3 });
    const losses = fit.history.map((h) => h.loss);
    expect(losses[losses.length - 1]).toBeLessThan(losses[0] / 2);
    expect(fit.bestValLoss).toBe(Math.min(...fit.history.map((h) => h.val_loss)));
    expect(m.loss(val)).toBeCloseTo(fit.bestValLoss, 6);
    if (fit.stoppedEarly) expect(fit.history.length - fit.bestEpoch).toBe(3);
  });

  it('stops when onEpoch asks, and mid-epoch when shouldStop turns true (no partial epoch logged)', async () => {
    const m = FusedLstmModel.build(spec);
    const byEpoch = await m.fit(train, val, { epochs: 10, batchSize: 16, patience: 10, onEpoch: (l) => l.epoch === 2 });
    expect(byEpoch).toMatchObject({ cancelled: true, stoppedEarly: false });
    expect(byEpoch.history).toHaveLength(2);
    let batches = 0;
    const byBatch = await m.fit(train, val, {
      epochs: 10,
      batchSize: 16,
      patience: 10,
      shouldStop: () => ++batches > 12,
    });
    expect(byBatch.cancelled).toBe(true);
    expect(byBatch.history).toHaveLength(1); // 9 batches per epoch: the second one was cut short
  });
});

describe('FusedLstmModel bad input', () => {
  it('names the parameters when a shape needs more memory than the engine allows', () => {
    const huge = { ...spec, seqLength: 500, units: 512, layers: 4 };
    const reason = fusedUnsupportedReason(huge, 4096);
    expect(reason).toMatch(/^engine fused: batch_size 4096 x seq_length 500 x units 512 x layers 4 needs \d+ MiB/);
    expect(reason).toContain('use engine tfjs');
    expect(fusedUnsupportedReason(spec, 32)).toBeNull();
    expect(() => FusedLstmModel.build({ ...huge, seqLength: 500000 })).toThrow(TrainingInputError);
  });
});
