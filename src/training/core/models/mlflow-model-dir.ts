import { randomUUID } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import * as yaml from 'js-yaml';
import type { AnyPreprocessing } from '../series/forecast-data';
import type { ForecastModel } from './forecast-model';
import { MODEL_FILES } from './predictor';

export interface MlflowModelOptions {
  model: ForecastModel;
  preprocessing: AnyPreprocessing;
  /** One raw window `[seq_length][n_features]`; default: preprocessing.last_window. */
  inputExample?: number[][];
  runId?: string;
  /** Path inside the run's artifacts (MLflow convention: `model`). */
  artifactPath?: string;
  /** Free-form user metadata (MLmodel `metadata`). */
  metadata?: Record<string, unknown>;
  /** Clock for utc_time_created (tests). */
  now?: Date;
}

/** The MLmodel document (mlflow-api.md §11.2), as written to YAML. */
export interface MLmodelDoc {
  artifact_path?: string;
  run_id?: string;
  utc_time_created: string;
  model_uuid: string;
  flavors: Record<string, Record<string, unknown>>;
  signature: { inputs: string; outputs: string; params: null };
  saved_input_example_info: Record<string, string>;
  model_size_bytes: number;
  metadata?: Record<string, unknown>;
}

/** Python's `str(datetime.utcnow())`: `2025-04-28 12:34:56.123456`. */
export function mlflowUtcTime(d: Date): string {
  return `${d.toISOString().slice(0, 19).replace('T', ' ')}.${String(d.getUTCMilliseconds() * 1000).padStart(6, '0')}`;
}

/**
 * Writes an MLflow model directory for a trained forecaster:
 * `MLmodel`, `input_example.json`, `serving_input_example.json`, `preprocessing.json` and the
 * tfjs files under `tfjs-model/`. The flavor is `tfjs` only: there is no python_function
 * flavor, since Python cannot load it. The signature describes raw (unscaled) windows; the
 * predictor applies the scaler from preprocessing.json.
 */
export async function writeMlflowModel(dir: string, o: MlflowModelOptions): Promise<MLmodelDoc> {
  const pre = o.preprocessing;
  await fs.mkdir(dir, { recursive: true });
  await o.model.save(path.join(dir, MODEL_FILES.tfjsDir));
  const example = JSON.stringify({ inputs: [o.inputExample ?? pre.last_window.values] });
  await fs.writeFile(path.join(dir, MODEL_FILES.inputExample), example);
  await fs.writeFile(path.join(dir, MODEL_FILES.servingInputExample), example);
  await fs.writeFile(path.join(dir, MODEL_FILES.preprocessing), JSON.stringify(pre, null, 2));
  const doc = mlmodelDoc(o, await directorySize(dir));
  await fs.writeFile(path.join(dir, MODEL_FILES.mlmodel), yaml.dump(doc, { sortKeys: true, lineWidth: -1 }));
  return doc;
}

function mlmodelDoc(o: MlflowModelOptions, sizeBytes: number): MLmodelDoc {
  const pre = o.preprocessing;
  const tensor = (shape: number[]): string =>
    JSON.stringify([{ type: 'tensor', 'tensor-spec': { dtype: 'float32', shape } }]);
  return {
    ...(o.artifactPath !== undefined ? { artifact_path: o.artifactPath } : {}),
    ...(o.runId !== undefined ? { run_id: o.runId } : {}),
    utc_time_created: mlflowUtcTime(o.now ?? new Date()),
    model_uuid: randomUUID().replace(/-/g, ''),
    flavors: {
      tfjs: {
        model_format: 'layers',
        tfjs_version: tf.version.tfjs,
        backend: o.model.backend.replace(/^tfjs-/, ''),
        data: MODEL_FILES.tfjsDir,
        preprocessing: MODEL_FILES.preprocessing,
        features: [...pre.features],
        seq_length: pre.seq_length,
        horizon: pre.horizon,
        target: pre.target,
      },
    },
    signature: { inputs: tensor([-1, pre.seq_length, pre.features.length]), outputs: tensor([-1]), params: null },
    saved_input_example_info: {
      artifact_path: MODEL_FILES.inputExample,
      type: 'ndarray',
      format: 'tf-serving',
      serving_input_path: MODEL_FILES.servingInputExample,
    },
    model_size_bytes: sizeBytes,
    ...(o.metadata ? { metadata: o.metadata } : {}),
  };
}

async function directorySize(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    total += entry.isDirectory() ? await directorySize(p) : (await fs.stat(p)).size;
  }
  return total;
}

/** Reads and parses a directory's MLmodel file. */
export async function readMlmodel(dir: string): Promise<MLmodelDoc> {
  return yaml.load(await fs.readFile(path.join(dir, MODEL_FILES.mlmodel), 'utf8')) as MLmodelDoc;
}
