import { TrainingInputError } from '../errors';

export interface MinMaxScalerJSON {
  type: 'minmax';
  columns: string[];
  min: number[];
  max: number[];
}

/**
 * Per-column min-max scaling to [0, 1], like scikit-learn's MinMaxScaler. Fit it on the
 * training rows only: validation and test values may then fall outside [0, 1], which is the
 * honest picture of unseen prices (fitting on them would leak their range into training).
 * A constant column gets range 1 (sklearn does the same), so it maps to 0 instead of NaN.
 */
export class MinMaxScaler {
  private constructor(
    readonly columns: readonly string[],
    readonly min: readonly number[],
    readonly max: readonly number[],
  ) {}

  /** Fits on `rows` (each row one value per column, in `columns` order). */
  static fit(rows: ReadonlyArray<ArrayLike<number>>, columns: readonly string[]): MinMaxScaler {
    if (rows.length === 0) throw new TrainingInputError('cannot fit a scaler on zero rows');
    const min = new Array<number>(columns.length).fill(Infinity);
    const max = new Array<number>(columns.length).fill(-Infinity);
    for (const row of rows) {
      if (row.length !== columns.length) {
        throw new TrainingInputError(`scaler expects ${columns.length} values per row, got ${row.length}`);
      }
      for (let j = 0; j < columns.length; j++) {
        const v = row[j];
        if (!Number.isFinite(v))
          throw new TrainingInputError(`cannot fit a scaler on non-finite value ${v} in column ${columns[j]}`);
        if (v < min[j]) min[j] = v;
        if (v > max[j]) max[j] = v;
      }
    }
    return new MinMaxScaler([...columns], min, max);
  }

  static fromJSON(json: MinMaxScalerJSON): MinMaxScaler {
    const n = json.columns?.length;
    if (json.type !== 'minmax' || !n || json.min?.length !== n || json.max?.length !== n) {
      throw new TrainingInputError(
        'invalid scaler JSON: expected {type: "minmax", columns, min, max} of equal lengths',
      );
    }
    return new MinMaxScaler([...json.columns], [...json.min], [...json.max]);
  }

  toJSON(): MinMaxScalerJSON {
    return { type: 'minmax', columns: [...this.columns], min: [...this.min], max: [...this.max] };
  }

  /** Position of a column; throws for an unknown name. */
  indexOf(column: string): number {
    const j = this.columns.indexOf(column);
    if (j < 0) throw new TrainingInputError(`scaler has no column "${column}" (columns: ${this.columns.join(', ')})`);
    return j;
  }

  private range(j: number): number {
    const r = this.max[j] - this.min[j];
    return r === 0 ? 1 : r;
  }

  scaleValue(j: number, v: number): number {
    return (v - this.min[j]) / this.range(j);
  }

  unscaleValue(j: number, v: number): number {
    return v * this.range(j) + this.min[j];
  }

  transform(rows: ReadonlyArray<ArrayLike<number>>): number[][] {
    return rows.map((row) => Array.from(row, (v, j) => this.scaleValue(j, v)));
  }

  inverseTransform(rows: ReadonlyArray<ArrayLike<number>>): number[][] {
    return rows.map((row) => Array.from(row, (v, j) => this.unscaleValue(j, v)));
  }

  /** Scales values of one named column (e.g. the close used as target). */
  transformColumn(column: string, values: readonly number[]): number[] {
    const j = this.indexOf(column);
    return values.map((v) => this.scaleValue(j, v));
  }

  inverseTransformColumn(column: string, values: ArrayLike<number>): number[] {
    const j = this.indexOf(column);
    return Array.from(values, (v) => this.unscaleValue(j, v));
  }
}
