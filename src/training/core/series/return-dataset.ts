import { CleanBar } from './bars';
import { DateRange, splitRecord, SplitRanges } from './dataset';
import { TrainingInputError } from '../errors';
import {
  checkAlignment,
  ExogenousBars,
  featureNames,
  featureRows,
  InputColumn,
  inputColumns,
  inputTable,
  ReturnFeature,
} from './features';
import type { TrainingParams } from '../models/hyperparams';
import type { IntervalsJSON } from '../evaluation/intervals';
import { DataSplit, splitChronological } from './split';
import { StandardScaler, StandardScalerJSON } from './standard-scaler';
import { buildWindows, WindowSet } from './windows';

/**
 * The return formulation: the model sees scale-free inputs (log returns and friends,
 * standardised with training statistics) and forecasts the log return from the last input
 * close to the target day, divided by the training std of such returns. An output of 0 is
 * persistence, so an untrained model starts at the naive baseline; prices are reconstructed
 * as last_close · exp(return) for every metric, plot and answer.
 */
export interface ReturnDataset {
  kind: 'return';
  dates: string[];
  closes: number[];
  inputColumns: InputColumn[];
  /** Model input names (features, then exogenous). */
  features: string[];
  exogenous: string[];
  /** Raw input rows per bar, in `inputColumns` order. */
  input: number[][];
  scaler: StandardScaler;
  /** Std of the training targets' log returns: model output × targetScale = log return. */
  targetScale: number;
  split: DataSplit;
  train: WindowSet;
  validation: WindowSet;
  test: WindowSet;
  seqLength: number;
  horizon: number;
}

/** Feature rows aligned with the bars (row 0 and rows before every input exists are NaN). */
function alignedFeatures(input: number[][], columns: InputColumn[], features: string[]): number[][] {
  const rows = featureRows(input, columns, features);
  return [features.map(() => NaN), ...rows];
}

/** First row from which every feature row is finite (leading gaps: row 0, exogenous series starting later). */
function firstFiniteRow(rows: number[][]): number {
  let first = 0;
  rows.forEach((r, i) => {
    if (!r.every(Number.isFinite)) first = i + 1;
  });
  return first;
}

export function prepareReturnDataset(
  bars: readonly CleanBar[],
  p: TrainingParams,
  exo: ExogenousBars = {},
): ReturnDataset {
  const dates = bars.map((b) => b.date);
  const closes = bars.map((b) => b.close);
  const L = p.seq_length;
  const h = p.horizon;
  for (const t of p.exogenous) checkAlignment(t, dates, exo[t] ?? []);
  const columns = inputColumns(p.features as ReturnFeature[], p.exogenous);
  const features = featureNames(p.features as ReturnFeature[], p.exogenous);
  const input = inputTable(bars, columns, exo);
  const feats = alignedFeatures(input, columns, features);
  const first = firstFiniteRow(feats);
  if (first >= bars.length) throw new TrainingInputError('no row has every input feature (check the exogenous series)');
  const split = splitChronological(
    dates,
    p.train_end !== null && p.val_end !== null
      ? { train_end: p.train_end, val_end: p.val_end }
      : { train_fraction: p.train_fraction, val_fraction: p.val_fraction },
    { seqLength: L + 1, horizon: h },
  );
  // Windows start where all inputs exist: the first target is L - 1 + h rows after that row.
  const minTarget = first + L - 1 + h;
  const trainTargets = range(Math.max(split.train.start, minTarget), split.train.end);
  if (trainTargets.length < 2) {
    throw new TrainingInputError(
      `training part has ${trainTargets.length} window(s) with every input available (first complete input row: ${dates[first]}): widen the date range or shorten seq_length`,
    );
  }
  const logReturn = (t: number) => Math.log(closes[t] / closes[t - h]);
  const targetScale = stdOf(trainTargets.map(logReturn));
  const scaler = StandardScaler.fit(feats.slice(first, split.train.end), features);
  const scaled = feats.map((row, t) => [
    ...(t < first ? row : scaler.transform([row])[0]),
    t >= h ? logReturn(t) / targetScale : NaN,
  ]);
  const windows = (start: number, end: number): WindowSet =>
    buildWindows(scaled, {
      seqLength: L,
      horizon: h,
      nFeatures: features.length,
      targetColumn: features.length,
      targetStart: Math.max(start, minTarget),
      targetEnd: end,
    });
  const parts = {
    train: windows(split.train.start, split.train.end),
    validation: windows(split.validation.start, split.validation.end),
    test: windows(split.test.start, split.test.end),
  };
  for (const [name, w] of Object.entries(parts)) {
    if (w.count === 0) throw new TrainingInputError(`${name} part has no complete window: widen the date range`);
  }
  return {
    kind: 'return',
    dates,
    closes,
    inputColumns: columns,
    features,
    exogenous: [...p.exogenous],
    input,
    scaler,
    targetScale,
    split,
    ...parts,
    seqLength: L,
    horizon: h,
  };
}

function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}

function stdOf(values: number[]): number {
  const m = values.reduce((a, b) => a + b, 0) / values.length;
  const v = values.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, values.length - 1);
  return Math.sqrt(v) > 0 ? Math.sqrt(v) : 1;
}

/** `preprocessing.json` format 2 (return formulation). */
export interface PreprocessingV2 {
  format_version: 2;
  target: 'log_return';
  /** Raw columns per row that a caller sends (the `values` form) or the date forms build from bars. */
  input_columns: InputColumn[];
  features: string[];
  exogenous: string[];
  seq_length: number;
  horizon: number;
  scaler: StandardScalerJSON;
  target_scale: number;
  intervals?: IntervalsJSON;
  data_range: DateRange;
  split: SplitRanges;
  training_date_range: { first_date: string; last_date: string };
  last_training_date: string;
  /** The latest seq_length + 1 raw input rows (returns need the row before the window). */
  last_window: { dates: string[]; values: number[][] };
}

export function returnPreprocessingJSON(d: ReturnDataset, intervals?: IntervalsJSON): PreprocessingV2 {
  const n = d.dates.length;
  const rows = d.seqLength + 1;
  return {
    format_version: 2,
    target: 'log_return',
    input_columns: [...d.inputColumns],
    features: [...d.features],
    exogenous: [...d.exogenous],
    seq_length: d.seqLength,
    horizon: d.horizon,
    scaler: d.scaler.toJSON(),
    target_scale: d.targetScale,
    ...(intervals ? { intervals } : {}),
    ...splitRecord(d.dates, d.split),
    last_window: { dates: d.dates.slice(n - rows), values: d.input.slice(n - rows) },
  };
}
