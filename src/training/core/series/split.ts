import { isIsoDate } from './bars';
import { TrainingInputError } from '../errors';

/** A contiguous slice `[start, end)` of the cleaned, date-sorted series. */
export interface PartRange {
  start: number;
  end: number;
  rows: number;
  first_date: string;
  last_date: string;
}

export interface DataSplit {
  train: PartRange;
  validation: PartRange;
  test: PartRange;
}

export type SplitSpec = { train_fraction?: number; val_fraction?: number } | { train_end: string; val_end: string };

export interface SplitRequirements {
  seqLength: number;
  horizon: number;
}

export const DEFAULT_TRAIN_FRACTION = 0.7;
export const DEFAULT_VAL_FRACTION = 0.15;

/**
 * Splits a date-sorted series chronologically into train / validation / test.
 * By fractions: train = floor(n·train_fraction) rows, validation = floor(n·val_fraction),
 * test = the rest (default 0.7 / 0.15 / 0.15). By dates: train = dates <= train_end,
 * validation = train_end < date <= val_end, test = date > val_end (both ends inclusive).
 * Every part must hold at least seq_length + horizon rows, so each part can form at least
 * one window of its own and its metrics mean something.
 */
export function splitChronological(dates: readonly string[], spec: SplitSpec, req: SplitRequirements): DataSplit {
  const [trainEnd, valEnd] =
    'train_end' in spec ? boundariesByDate(dates, spec) : boundariesByFraction(dates.length, spec);
  const split: DataSplit = {
    train: part(dates, 0, trainEnd),
    validation: part(dates, trainEnd, valEnd),
    test: part(dates, valEnd, dates.length),
  };
  const minRows = req.seqLength + req.horizon;
  for (const [name, p] of Object.entries(split) as Array<[string, PartRange]>) {
    if (p.rows < minRows) {
      const where = p.rows > 0 ? ` (${p.first_date}..${p.last_date})` : '';
      throw new TrainingInputError(
        `${name} part has ${p.rows} rows${where} out of ${dates.length}; at least seq_length + horizon = ` +
          `${req.seqLength} + ${req.horizon} = ${minRows} rows are needed: widen the date range, ` +
          `change the split or shorten seq_length`,
      );
    }
  }
  return split;
}

function boundariesByFraction(n: number, spec: { train_fraction?: number; val_fraction?: number }): [number, number] {
  const train = spec.train_fraction ?? DEFAULT_TRAIN_FRACTION;
  const val = spec.val_fraction ?? DEFAULT_VAL_FRACTION;
  if (!(train > 0 && train < 1) || !(val > 0 && val < 1) || !(train + val < 1)) {
    throw new TrainingInputError(
      `split fractions must satisfy 0 < train_fraction, 0 < val_fraction and train_fraction + val_fraction < 1 ` +
        `(the test part gets the rest); got train_fraction=${train}, val_fraction=${val}`,
    );
  }
  const trainEnd = Math.floor(n * train);
  return [trainEnd, trainEnd + Math.floor(n * val)];
}

function boundariesByDate(dates: readonly string[], spec: { train_end: string; val_end: string }): [number, number] {
  for (const [key, value] of [
    ['train_end', spec.train_end],
    ['val_end', spec.val_end],
  ] as const) {
    if (!isIsoDate(value)) throw new TrainingInputError(`${key} must be a YYYY-MM-DD date, got "${value}"`);
  }
  if (!(spec.train_end < spec.val_end)) {
    throw new TrainingInputError(`train_end (${spec.train_end}) must be before val_end (${spec.val_end})`);
  }
  return [upperBound(dates, spec.train_end), upperBound(dates, spec.val_end)];
}

/** Index of the first date > `date` (binary search over sorted ISO strings). */
function upperBound(dates: readonly string[], date: string): number {
  let lo = 0;
  let hi = dates.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (dates[mid] <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function part(dates: readonly string[], start: number, end: number): PartRange {
  return { start, end, rows: end - start, first_date: dates[start] ?? '', last_date: dates[end - 1] ?? '' };
}
