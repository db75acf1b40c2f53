import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBackend } from '../backend';
import type { ModelSpec } from '../forecast-model';
import { ENGINES } from '../hyperparams';
import { ENGINE_FACTORIES, servingModelFactory } from '.';
import { TfjsLstmModel } from './tfjs/tfjs-lstm.model';

const spec: ModelSpec = {
  seqLength: 6,
  nFeatures: 1,
  layers: 1,
  units: 3,
  dropout: 0,
  learningRate: 0.01,
  loss: 'mae',
  seed: 9,
};
const x = Float32Array.from({ length: 4 * 6 }, (_, i) => 0.5 + 0.3 * Math.sin(i / 3));

let tmp: string;
beforeAll(async () => {
  await ensureBackend();
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'tsflow-engines-'));
});
afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

describe('engines', () => {
  it('has a factory for every value of the engine param', () => {
    expect(Object.keys(ENGINE_FACTORIES).sort()).toEqual([...ENGINES].sort());
    expect(ENGINE_FACTORIES.fused.build(spec).backend).toBe('fused-wasm-simd');
    expect(ENGINE_FACTORIES.tfjs.build(spec).backend).toMatch(/^tfjs-/);
  });

  it('serves tfjs-written models on the fused forward pass, and falls back to tfjs for what it cannot run', async () => {
    const plain = path.join(tmp, 'plain');
    const tfjs = TfjsLstmModel.build(spec);
    await tfjs.save(plain);
    const served = await servingModelFactory.load(plain);
    expect(served.backend).toBe('fused-wasm-simd');
    const expected = tfjs.predict(x, 4);
    served.predict(x, 4).forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-5));

    const odd = path.join(tmp, 'relu');
    await fs.cp(plain, odd, { recursive: true });
    const file = path.join(odd, 'model.json');
    const json = JSON.parse(await fs.readFile(file, 'utf8'));
    json.modelTopology.config.layers.find((l: { class_name: string }) => l.class_name === 'LSTM').config.activation =
      'relu';
    await fs.writeFile(file, JSON.stringify(json));
    const fallback = await servingModelFactory.load(odd);
    expect(fallback.backend).toMatch(/^tfjs-/);
    expect(fallback.predict(x, 4)).toEqual((await TfjsLstmModel.load(odd)).predict(x, 4));
    tfjs.dispose();
    fallback.dispose();
  });
});
