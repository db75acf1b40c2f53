import { promises as fs } from 'fs';
import * as path from 'path';
import { ensureBackend } from './backend';
import { CleanBar } from '../series/bars';
import type { PreprocessingJSON } from '../series/dataset';
import { TrainingInputError } from '../errors';
import { ExogenousBars, featureRows, inputTable } from '../series/features';
import type { AnyPreprocessing } from '../series/forecast-data';
import { intervalsAround, PredictionInterval, volatilityOf } from '../evaluation/intervals';
import type { PreprocessingV2 } from '../series/return-dataset';
import { StandardScaler } from '../series/standard-scaler';
import type { ForecastModel, ForecastModelFactory } from './forecast-model';
import { servingModelFactory } from './engines';
import { MinMaxScaler } from '../series/scaler';
import { featureTable, tableColumns } from '../series/windows';

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

/**
 * A ready model: raw prices in, price forecasts out. `features` are the raw columns of an
 * input row and `seqLength` the rows one forecast needs (format 2: seq_length + 1, since
 * returns need the row before the window).
 */
export interface Predictor {
  readonly seqLength: number;
  readonly horizon: number;
  readonly features: readonly string[];
  readonly preprocessing: AnyPreprocessing;
  readonly backend: string;
  /** Tickers whose closes the input rows carry (`exo:<ticker>` columns), loaded from the model's data source. */
  readonly exogenous: readonly string[];
  /** Interval levels the model answers (empty for models trained before intervals existed). */
  readonly intervalLevels: readonly number[];
  /** Input rows for every bar (what `predict` takes), exogenous closes aligned by date. */
  inputRows(bars: readonly CleanBar[], exo?: ExogenousBars): number[][];
  /**
   * Prediction intervals around the forecast `point` made from `window` (its recent
   * volatility scales them), `steps` sessions after the model's horizon (1: its own).
   */
  intervals(point: number, window: WindowInput, steps?: number): PredictionInterval[];
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
export function createPredictor(model: ForecastModel, pre: AnyPreprocessing): Predictor {
  return pre.format_version === 2 ? new ReturnPredictor(model, pre) : new ModelPredictor(model, pre);
}

/** What both formats share: intervals, recursion, disposal, row validation. */
abstract class BasePredictor implements Predictor {
  abstract readonly seqLength: number;
  abstract readonly features: readonly string[];
  abstract readonly exogenous: readonly string[];
  readonly horizon: number;
  readonly backend: string;
  readonly intervalLevels: readonly number[];

  constructor(
    protected readonly model: ForecastModel,
    readonly preprocessing: AnyPreprocessing,
  ) {
    this.horizon = preprocessing.horizon;
    this.backend = model.backend;
    this.intervalLevels = preprocessing.intervals?.levels ?? [];
  }

  abstract predictBatch(windows: readonly WindowInput[]): number[];
  abstract inputRows(bars: readonly CleanBar[], exo?: ExogenousBars): number[][];

  predict(values: WindowInput): number {
    return this.predictBatch([values])[0];
  }

  intervals(point: number, window: WindowInput, steps = 1): PredictionInterval[] {
    const json = this.preprocessing.intervals;
    if (!json) return [];
    const closes = this.windowCloses(window);
    const sigma = closes ? volatilityOf(closes, closes.length - 1, json.scale ?? { kind: 'none' }) : 1;
    return intervalsAround(point, json, sigma, steps);
  }

  /** The closes of a window (null when the inputs carry none). */
  private windowCloses(window: WindowInput): number[] | null {
    const col = this.features.indexOf('close');
    if (col < 0 || !Array.isArray(window)) return null;
    return window.map((r) => (typeof r === 'number' ? r : r[col]));
  }

  forecast(history: readonly number[], steps: number): number[] {
    return recursiveForecast(this, history, steps);
  }

  dispose(): void {
    this.model.dispose();
  }

  /** The latest seqLength rows as [n_columns] arrays, validated. */
  protected rows(values: WindowInput, which: string): number[][] {
    const L = this.seqLength;
    const nf = this.features.length;
    if (!Array.isArray(values) || values.length < L) {
      throw new TrainingInputError(
        `${which}: need at least ${L} rows, got ${Array.isArray(values) ? values.length : typeof values}`,
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

/**
 * Format 2 (return target): raw rows → scale-free features (standardised with the training
 * statistics) → forecast log return → last close · exp(return).
 */
class ReturnPredictor extends BasePredictor {
  readonly seqLength: number;
  readonly features: readonly string[];
  readonly exogenous: readonly string[];
  private readonly scaler: StandardScaler;
  private readonly pre: PreprocessingV2;

  constructor(model: ForecastModel, pre: PreprocessingV2) {
    super(model, pre);
    this.pre = pre;
    this.seqLength = pre.seq_length + 1;
    this.features = [...pre.input_columns];
    this.exogenous = [...pre.exogenous];
    this.scaler = StandardScaler.fromJSON(pre.scaler);
  }

  inputRows(bars: readonly CleanBar[], exo: ExogenousBars = {}): number[][] {
    return inputTable(bars, this.pre.input_columns, exo);
  }

  predictBatch(windows: readonly WindowInput[]): number[] {
    if (windows.length === 0) return [];
    const nf = this.pre.features.length;
    const x = new Float32Array(windows.length * this.pre.seq_length * nf);
    const last: number[] = [];
    let k = 0;
    windows.forEach((w, i) => {
      const rows = this.rows(w, `window ${i}`);
      for (const row of this.scaler.transform(featureRows(rows, this.pre.input_columns, this.pre.features))) {
        if (!row.every(Number.isFinite)) {
          throw new TrainingInputError(`window ${i}: the inputs give a non-finite feature (a zero price or volume?)`);
        }
        for (let f = 0; f < nf; f++) x[k++] = row[f];
      }
      last.push(rows[rows.length - 1][0]);
    });
    return Array.from(this.model.predict(x, windows.length), (v, i) => last[i] * Math.exp(v * this.pre.target_scale));
  }
}

/** Format 1 (level target, and every model trained before issue 10): min-max-scaled levels. */
class ModelPredictor extends BasePredictor {
  readonly seqLength: number;
  readonly features: readonly string[];
  readonly exogenous: readonly string[] = [];
  private readonly scaler: MinMaxScaler;
  private readonly featureCols: number[];
  private readonly closeCol: number;

  constructor(model: ForecastModel, pre: PreprocessingJSON) {
    super(model, pre);
    this.seqLength = pre.seq_length;
    this.features = [...pre.features];
    this.scaler = MinMaxScaler.fromJSON(pre.scaler);
    this.featureCols = pre.features.map((f) => this.scaler.indexOf(f));
    this.closeCol = this.scaler.indexOf('close');
  }

  inputRows(bars: readonly CleanBar[]): number[][] {
    const nf = this.features.length;
    return featureTable(bars, tableColumns((this.preprocessing as PreprocessingJSON).features)).map((r) =>
      r.slice(0, nf),
    );
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
}

/** Recursion feeds forecasts back as inputs: only models whose rows are just the close, one step ahead. */
export function canRecurse(p: Pick<Predictor, 'features' | 'horizon'>): boolean {
  return p.features.length === 1 && p.features[0] === 'close' && p.horizon === 1;
}

function recursiveForecast(p: Predictor, history: readonly number[], steps: number): number[] {
  if (!canRecurse(p)) {
    throw new TrainingInputError(
      `recursive forecast needs a close-only model with horizon 1 (this one: inputs ${p.features.join(',')}, horizon ${p.horizon}); use predict()`,
    );
  }
  if (!Number.isInteger(steps) || steps < 1 || steps > MAX_FORECAST_STEPS) {
    throw new TrainingInputError(`steps must be an integer in [1, ${MAX_FORECAST_STEPS}], got ${steps}`);
  }
  const series = [...history];
  const out: number[] = [];
  for (let s = 0; s < steps; s++) {
    const next = p.predictBatch([series.slice(series.length - p.seqLength)])[0];
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
  const pre = JSON.parse(await fs.readFile(path.join(dir, MODEL_FILES.preprocessing), 'utf8')) as AnyPreprocessing;
  if (pre.format_version !== 1 && pre.format_version !== 2)
    throw new Error(
      `${dir}: unsupported preprocessing.json format_version ${(pre as { format_version: unknown }).format_version}`,
    );
  const model = await factory.load(path.join(dir, MODEL_FILES.tfjsDir));
  if (model.spec.seqLength !== pre.seq_length || model.spec.nFeatures !== pre.features.length) {
    model.dispose();
    throw new Error(
      `${dir}: model input [${model.spec.seqLength}, ${model.spec.nFeatures}] does not match preprocessing.json`,
    );
  }
  return createPredictor(model, pre);
}

/**
 * A predictor's forecasts for bars at `targetRows`, each from the window ending `horizon`
 * rows before it (rows without enough history before them are skipped: see `rows`).
 */
export function predictAtRows(
  p: Pick<Predictor, 'inputRows' | 'horizon' | 'seqLength' | 'predictBatch'>,
  bars: readonly CleanBar[],
  targetRows: readonly number[],
  exo?: ExogenousBars,
): { rows: number[]; predicted: number[]; windows: number[][][] } {
  const table = p.inputRows(bars, exo);
  const lag = p.horizon + p.seqLength - 1;
  const rows = targetRows.filter((t) => t - lag >= 0);
  const windows = rows.map((t) => table.slice(t - lag, t - p.horizon + 1));
  return { rows, predicted: rows.length > 0 ? p.predictBatch(windows) : [], windows };
}
