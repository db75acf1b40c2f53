import { CleanBar } from './bars';
import { TrainingInputError } from '../errors';

export const FEATURES = ['close', 'open', 'high', 'low', 'volume', 'returns'] as const;
export type Feature = (typeof FEATURES)[number];

/**
 * Columns of the table the scaler is fitted on: the requested input features in order, then
 * `close` when it is not one of them (the target is always the scaled close). The model's
 * inputs are the first `features.length` columns.
 */
export function tableColumns(features: readonly Feature[]): Feature[] {
  return features.includes('close') ? [...features] : [...features, 'close'];
}

/**
 * Raw (unscaled) values per bar for the given columns. `returns` is the log return of the
 * close, ln(close[t] / close[t-1]), and 0 on the first row (no previous close).
 */
export function featureTable(bars: readonly CleanBar[], columns: readonly Feature[]): number[][] {
  return bars.map((bar, t) =>
    columns.map((c) => {
      if (c === 'returns') return t === 0 ? 0 : Math.log(bar.close / bars[t - 1].close);
      return bar[c];
    }),
  );
}

/** A batch of windows, flattened row-major for a [count, seqLength, nFeatures] tensor. */
export interface WindowSet {
  x: Float32Array;
  /** Scaled target close per window. */
  y: Float32Array;
  count: number;
  seqLength: number;
  nFeatures: number;
  /** Row index (in the full table) of each window's target. */
  targetRows: number[];
}

export interface WindowOptions {
  seqLength: number;
  horizon: number;
  /** Input columns are table columns [0, nFeatures). */
  nFeatures: number;
  /** Table column holding the (scaled) close used as target. */
  targetColumn: number;
  /** Windows whose target row lies in [targetStart, targetEnd). */
  targetStart: number;
  targetEnd: number;
}

/**
 * Sliding windows with forecast horizon h. Window i has inputs rows [i, i + seqLength) and
 * its target is the close at row t = i + seqLength - 1 + h: exactly h steps after the last
 * input row (h = 1: the next row). Example, rows 0..9, seqLength 3: h = 1 → inputs 0,1,2 →
 * target 3; h = 3 → inputs 0,1,2 → target 5.
 *
 * Windows are selected by their target row, so a validation/test part's first windows take
 * their inputs from the previous part's tail (inputs are past observations, available at
 * forecast time) while no target ever belongs to another part.
 */
export function buildWindows(table: ReadonlyArray<ArrayLike<number>>, o: WindowOptions): WindowSet {
  if (o.seqLength < 1 || o.horizon < 1) throw new TrainingInputError('seqLength and horizon must be >= 1');
  if (o.targetEnd > table.length)
    throw new TrainingInputError(`targetEnd ${o.targetEnd} is past the table end ${table.length}`);
  const lag = o.seqLength - 1 + o.horizon;
  const first = Math.max(o.targetStart, lag);
  const count = Math.max(0, o.targetEnd - first);
  const x = new Float32Array(count * o.seqLength * o.nFeatures);
  const y = new Float32Array(count);
  const targetRows: number[] = [];
  let k = 0;
  for (let w = 0; w < count; w++) {
    const t = first + w;
    const i = t - lag;
    for (let r = i; r < i + o.seqLength; r++) {
      const row = table[r];
      for (let f = 0; f < o.nFeatures; f++) x[k++] = row[f];
    }
    y[w] = table[t][o.targetColumn];
    targetRows.push(t);
  }
  return { x, y, count, seqLength: o.seqLength, nFeatures: o.nFeatures, targetRows };
}
