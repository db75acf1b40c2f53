import { TrainingInputError } from '../errors';

export interface StandardScalerJSON {
  type: 'standard';
  columns: string[];
  mean: number[];
  std: number[];
}

/**
 * Per-column z-scores with statistics of the training rows only (like scikit-learn's
 * StandardScaler). Inputs of the return formulation are scale-free already (log returns,
 * log ranges), so unseen price levels cannot push them outside the training range the way
 * min-max scaling of levels does. A constant column gets std 1 (it maps to 0).
 */
export class StandardScaler {
  private constructor(
    readonly columns: readonly string[],
    readonly mean: readonly number[],
    readonly std: readonly number[],
  ) {}

  static fit(rows: ReadonlyArray<ArrayLike<number>>, columns: readonly string[]): StandardScaler {
    if (rows.length < 2) throw new TrainingInputError('cannot fit a scaler on fewer than two rows');
    const n = rows.length;
    const mean = columns.map((_, j) => {
      let s = 0;
      for (const row of rows) {
        const v = row[j];
        if (!Number.isFinite(v)) {
          throw new TrainingInputError(`cannot fit a scaler on non-finite value ${v} in column ${columns[j]}`);
        }
        s += v;
      }
      return s / n;
    });
    const std = columns.map((_, j) => {
      let s = 0;
      for (const row of rows) s += (row[j] - mean[j]) ** 2;
      const sd = Math.sqrt(s / (n - 1));
      return sd > 0 ? sd : 1;
    });
    return new StandardScaler([...columns], mean, std);
  }

  static fromJSON(json: StandardScalerJSON): StandardScaler {
    const n = json?.columns?.length;
    if (json?.type !== 'standard' || !n || json.mean?.length !== n || json.std?.length !== n) {
      throw new TrainingInputError(
        'invalid scaler JSON: expected {type: "standard", columns, mean, std} of equal lengths',
      );
    }
    return new StandardScaler([...json.columns], [...json.mean], [...json.std]);
  }

  toJSON(): StandardScalerJSON {
    return { type: 'standard', columns: [...this.columns], mean: [...this.mean], std: [...this.std] };
  }

  scaleValue(j: number, v: number): number {
    return (v - this.mean[j]) / this.std[j];
  }

  transform(rows: ReadonlyArray<ArrayLike<number>>): number[][] {
    return rows.map((row) => Array.from(row, (v, j) => this.scaleValue(j, v)));
  }
}
