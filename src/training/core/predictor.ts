import { promises as fs } from 'fs';
import * as path from 'path';
import { ensureBackend } from './backend';
import type { PreprocessingJSON } from './dataset';
import { TrainingInputError } from './errors';
import type { ForecastModel, ForecastModelFactory } from './forecast-model';
import { servingModelFactory } from './engines';
import { MinMaxScaler } from './scaler';

/** Files of an MLflow model directory written by writeMlflowModel. */
export const MODEL_FILES = {
  mlmodel: 'MLmodel',
  preprocessing: 'preprocessing.json',
  inputExample: 'input_example.json',
  servingInputExample: 'serving_input_example.json',
  tfjsDir: 'tfjs-model',
} as const;

/** One window of raw feature rows (`[seq_length][n_features]`), or raw closes for a close-only model. */
export type WindowInput = number[][] | number[];

/** A ready model: raw prices in, price forecasts out. */
export interface Predictor {
  readonly seqLength: number;
  readonly horizon: number;
  readonly features: readonly string[];
  readonly preprocessing: PreprocessingJSON;
  readonly backend: string;
  /**
   * Forecast of the close `horizon` steps after the last row. Rows beyond `seq_length` are
   * allowed: the latest `seq_length` rows are used, so a caller may pass a longer history.
   */
  predict(values: WindowInput): number;
  /** Several windows in one forward pass. */
  predictBatch(windows: readonly WindowInput[]): number[];
  /** Recursive multi-step forecast for close-only, horizon-1 models: each step feeds the next. */
  forecast(history: readonly number[], steps: number): number[];
  dispose(): void;
}

const MAX_FORECAST_STEPS = 1000;

/** Wraps an in-memory model (e.g. right after training) with its preprocessing. */
export function createPredictor(model: ForecastModel, pre: PreprocessingJSON): Predictor {
  return new ModelPredictor(model, pre);
}

class ModelPredictor implements Predictor {
  readonly seqLength: number;
  readonly horizon: number;
  readonly features: readonly string[];
  readonly backend: string;
  private readonly scaler: MinMaxScaler;
  private readonly featureCols: number[];
  private readonly closeCol: number;

  constructor(
    private readonly model: ForecastModel,
    readonly preprocessing: PreprocessingJSON,
  ) {
    this.seqLength = preprocessing.seq_length;
    this.horizon = preprocessing.horizon;
    this.features = [...preprocessing.features];
    this.backend = model.backend;
    this.scaler = MinMaxScaler.fromJSON(preprocessing.scaler);
    this.featureCols = preprocessing.features.map((f) => this.scaler.indexOf(f));
    this.closeCol = this.scaler.indexOf('close');
  }

  predict(values: WindowInput): number {
    return this.predictBatch([values])[0];
  }

  predictBatch(windows: readonly WindowInput[]): number[] {
    if (windows.length === 0) return [];
    const nf = this.features.length;
    const x = new Float32Array(windows.length * this.seqLength * nf);
    let k = 0;
    windows.forEach((w, i) => {
      for (const row of this.rows(w, `window ${i}`))
        for (let f = 0; f < nf; f++) x[k++] = this.scaler.scaleValue(this.featureCols[f], row[f]);
    });
    return Array.from(this.model.predict(x, windows.length), (v) => this.scaler.unscaleValue(this.closeCol, v));
  }

  forecast(history: readonly number[], steps: number): number[] {
    return recursiveForecast(this.preprocessing, (w) => this.predictBatch(w), history, steps);
  }

  dispose(): void {
    this.model.dispose();
  }

  /** The latest seq_length rows as [n_features] arrays, validated. */
  private rows(values: WindowInput, which: string): number[][] {
    const L = this.seqLength;
    const nf = this.features.length;
    if (!Array.isArray(values) || values.length < L) {
      throw new TrainingInputError(
        `${which}: need at least seq_length = ${L} rows, got ${Array.isArray(values) ? values.length : typeof values}`,
      );
    }
    const rows = values.slice(values.length - L).map((r) => (typeof r === 'number' ? [r] : r));
    rows.forEach((row, i) => {
      if (!Array.isArray(row) || row.length !== nf || !row.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new TrainingInputError(
          `${which} row ${i}: expected ${nf} finite number(s) (${this.features.join(', ')}), got ${JSON.stringify(row)}`,
        );
      }
    });
    return rows;
  }
}

function recursiveForecast(
  pre: PreprocessingJSON,
  predictBatch: (w: WindowInput[]) => number[],
  history: readonly number[],
  steps: number,
): number[] {
  if (pre.features.length !== 1 || pre.features[0] !== 'close' || pre.horizon !== 1) {
    throw new TrainingInputError(
      `recursive forecast needs a close-only model with horizon 1 (this one: features ${pre.features.join(',')}, horizon ${pre.horizon}); use predict()`,
    );
  }
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_FORECAST_STEPS) {
    throw new TrainingInputError(`steps must be an integer in [1, ${MAX_FORECAST_STEPS}], got ${steps}`);
  }
  const series = [...history];
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const next = predictBatch([series.slice(series.length - pre.seq_length)])[0];
    out.push(next);
    series.push(next);
  }
  return out;
}

/**
 * Rebuilds a predictor from an MLflow model directory alone (MLmodel + preprocessing + tfjs
 * files); by default on the fused forward pass (tfjs for models it cannot run).
 */
export async function loadPredictor(
  dir: string,
  factory: ForecastModelFactory = servingModelFactory,
): Promise<Predictor> {
  await ensureBackend();
  const pre = JSON.parse(await fs.readFile(path.join(dir, MODEL_FILES.preprocessing), 'utf8')) as PreprocessingJSON;
  if (pre.format_version !== 1)
    throw new Error(`${dir}: unsupported preprocessing.json format_version ${pre.format_version}`);
  const model = await factory.load(path.join(dir, MODEL_FILES.tfjsDir));
  if (model.spec.seqLength !== pre.seq_length || model.spec.nFeatures !== pre.features.length) {
    model.dispose();
    throw new Error(
      `${dir}: model input [${model.spec.seqLength}, ${model.spec.nFeatures}] does not match preprocessing.json`,
    );
  }
  return createPredictor(model, pre);
}
