import { CleanBar } from './bars';
import { TrainingInputError } from '../errors';
import type { TrainingParams } from '../models/hyperparams';
import type { IntervalsJSON } from '../evaluation/intervals';
import { MinMaxScaler, MinMaxScalerJSON } from './scaler';
import { DataSplit, splitChronological } from './split';
import { buildWindows, Feature, featureTable, tableColumns, WindowSet } from './windows';

/** Everything derived from the bars before the model sees them. */
export interface Dataset {
  kind: 'level';
  dates: string[];
  closes: number[];
  features: Feature[];
  /** Scaler columns: the features, then `close` if it is not one of them. */
  columns: Feature[];
  /** Raw (unscaled) values, one row per bar, in `columns` order. */
  raw: number[][];
  scaler: MinMaxScaler;
  split: DataSplit;
  train: WindowSet;
  validation: WindowSet;
  test: WindowSet;
  seqLength: number;
  horizon: number;
}

/**
 * Split → features → scaler fitted on the training rows only → windows per part. The
 * scaler sees no validation or test value, so their ranges cannot leak into training.
 */
export function prepareDataset(bars: readonly CleanBar[], p: TrainingParams): Dataset {
  if (bars.length === 0) throw new TrainingInputError('no price data to train on');
  const dates = bars.map((b) => b.date);
  const req = { seqLength: p.seq_length, horizon: p.horizon };
  const split = splitChronological(
    dates,
    p.train_end !== null && p.val_end !== null
      ? { train_end: p.train_end, val_end: p.val_end }
      : { train_fraction: p.train_fraction, val_fraction: p.val_fraction },
    req,
  );
  const columns = tableColumns(p.features as Feature[]);
  const raw = featureTable(bars, columns);
  const scaler = MinMaxScaler.fit(raw.slice(split.train.start, split.train.end), columns);
  const scaled = scaler.transform(raw);
  const base = {
    seqLength: p.seq_length,
    horizon: p.horizon,
    nFeatures: p.features.length,
    targetColumn: columns.indexOf('close'),
  };
  const windows = (start: number, end: number): WindowSet =>
    buildWindows(scaled, { ...base, targetStart: start, targetEnd: end });
  return {
    kind: 'level',
    dates,
    closes: bars.map((b) => b.close),
    features: [...(p.features as Feature[])],
    columns,
    raw,
    scaler,
    split,
    train: windows(split.train.start, split.train.end),
    validation: windows(split.validation.start, split.validation.end),
    test: windows(split.test.start, split.test.end),
    seqLength: p.seq_length,
    horizon: p.horizon,
  };
}

export interface DateRange {
  first_date: string;
  last_date: string;
  rows: number;
}

export interface SplitRanges {
  train: DateRange;
  validation: DateRange;
  test: DateRange;
}

/** `preprocessing.json` of a model directory: what a predictor needs besides the weights. */
export interface PreprocessingJSON {
  format_version: 1;
  target: 'close';
  features: Feature[];
  seq_length: number;
  horizon: number;
  scaler: MinMaxScalerJSON;
  data_range: DateRange;
  split: SplitRanges;
  /** Split-conformal intervals (added by issue 10; absent in older models). */
  intervals?: IntervalsJSON;
  training_date_range: { first_date: string; last_date: string };
  last_training_date: string;
  /** The latest `seq_length` raw feature rows: a forecast from the end of the data needs no input. */
  last_window: { dates: string[]; values: number[][] };
}

/** The rows a model was prepared from: the whole range, the split parts and the training dates (both formats). */
export function splitRecord(dates: readonly string[], split: DataSplit) {
  const range = (start: number, end: number): DateRange => ({
    first_date: dates[start],
    last_date: dates[end - 1],
    rows: end - start,
  });
  return {
    data_range: range(0, dates.length),
    split: {
      train: range(split.train.start, split.train.end),
      validation: range(split.validation.start, split.validation.end),
      test: range(split.test.start, split.test.end),
    },
    training_date_range: { first_date: split.train.first_date, last_date: split.train.last_date },
    last_training_date: split.train.last_date,
  };
}

export function preprocessingJSON(d: Dataset): PreprocessingJSON {
  const n = d.dates.length;
  const nf = d.features.length;
  return {
    format_version: 1,
    target: 'close',
    features: [...d.features],
    seq_length: d.seqLength,
    horizon: d.horizon,
    scaler: d.scaler.toJSON(),
    ...splitRecord(d.dates, d.split),
    last_window: {
      dates: d.dates.slice(n - d.seqLength),
      values: d.raw.slice(n - d.seqLength).map((r) => r.slice(0, nf)),
    },
  };
}
