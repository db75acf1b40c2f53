import { promises as fs } from 'fs';
import * as path from 'path';
import type { ModelSpec } from '../../forecast-model';
import type { RecurrentActivation } from '../tfjs/tfjs-lstm.model';
import { MODEL_JSON } from '../tfjs/tfjs-lstm.model';

/** A saved model this engine cannot run (other layers or activations): the caller falls back to tfjs. */
export class UnsupportedModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedModelError';
  }
}

export interface LayersModelContents {
  spec: ModelSpec;
  recurrentActivation: RecurrentActivation;
  /** Weights in manifest order with their shapes. */
  tensors: { name: string; shape: number[]; values: Float32Array }[];
}

interface LayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

interface ModelJson {
  modelTopology?: { class_name?: string; config?: { layers?: LayerJson[] } | LayerJson[] };
  weightsManifest?: { paths: string[]; weights: { name: string; shape: number[]; dtype?: string }[] }[];
  userDefinedMetadata?: { tsflow_model_spec?: ModelSpec };
}

const RECURRENT: Record<string, RecurrentActivation> = { sigmoid: 'sigmoid', hard_sigmoid: 'hard_sigmoid' };

/** The recurrent activation of the stacked-LSTM Sequential model, or why it is not one. */
function checkTopology(json: ModelJson, spec: ModelSpec): RecurrentActivation {
  const cfg = json.modelTopology?.config;
  const layers = Array.isArray(cfg) ? cfg : (cfg?.layers ?? []);
  const lstms = layers.filter((l) => l.class_name === 'LSTM');
  const others = layers.filter((l) => !['LSTM', 'Dropout', 'Dense', 'InputLayer'].includes(l.class_name));
  if (json.modelTopology?.class_name !== 'Sequential' || others.length > 0)
    throw new UnsupportedModelError('not a Sequential of LSTM, Dropout and Dense layers');
  if (lstms.length !== spec.layers)
    throw new UnsupportedModelError(`${lstms.length} LSTM layers, spec says ${spec.layers}`);
  const recurrent = new Set<string>();
  for (const l of lstms) {
    const c = l.config;
    if (c.units !== spec.units || (c.activation ?? 'tanh') !== 'tanh' || c.use_bias === false)
      throw new UnsupportedModelError(`unsupported LSTM config ${JSON.stringify(c)}`);
    recurrent.add(String(c.recurrent_activation ?? 'hard_sigmoid'));
  }
  const dense = layers.filter((l) => l.class_name === 'Dense');
  if (dense.length !== 1 || dense[0].config.units !== 1 || (dense[0].config.activation ?? 'linear') !== 'linear')
    throw new UnsupportedModelError('the head must be one linear Dense(1)');
  const [act] = [...recurrent];
  if (recurrent.size !== 1 || !RECURRENT[act])
    throw new UnsupportedModelError(`recurrent activation ${[...recurrent]}`);
  return RECURRENT[act];
}

/** Reads a tfjs layers model (model.json + weight files) written by either engine, without tfjs. */
export async function readLayersModel(dir: string): Promise<LayersModelContents> {
  const file = path.join(dir, MODEL_JSON);
  const json = JSON.parse(await fs.readFile(file, 'utf8')) as ModelJson;
  const spec = json.userDefinedMetadata?.tsflow_model_spec;
  if (!spec) throw new Error(`${file} has no tsflow_model_spec metadata`);
  const recurrentActivation = checkTopology(json, spec);
  const tensors: LayersModelContents['tensors'] = [];
  for (const group of json.weightsManifest ?? []) {
    const buf = Buffer.concat(await Promise.all(group.paths.map((p) => fs.readFile(path.join(dir, p)))));
    let at = 0;
    for (const w of group.weights) {
      if ((w.dtype ?? 'float32') !== 'float32') throw new UnsupportedModelError(`weight ${w.name} is ${w.dtype}`);
      const n = w.shape.reduce((a, b) => a * b, 1);
      if (at + 4 * n > buf.length) throw new Error(`${file}: weight data shorter than the manifest`);
      const values = new Float32Array(n);
      new Uint8Array(values.buffer).set(buf.subarray(at, at + 4 * n));
      tensors.push({ name: w.name, shape: [...w.shape], values });
      at += 4 * n;
    }
  }
  return { spec, recurrentActivation, tensors };
}
