import { TrainingInputError } from '../errors';

function checkPair(actual: ArrayLike<number>, predicted: ArrayLike<number>): void {
  if (actual.length !== predicted.length) {
    throw new TrainingInputError(`actual (${actual.length}) and predicted (${predicted.length}) differ in length`);
  }
  if (actual.length === 0) throw new TrainingInputError('cannot compute a metric on zero values');
}

/** Mean absolute error, in the units of the inputs (price units). */
export function mae(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += Math.abs(actual[i] - predicted[i]);
  return sum / actual.length;
}

/** Root mean squared error, in the units of the inputs. */
export function rmse(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  let sum = 0;
  for (let i = 0; i < actual.length; i++) sum += (actual[i] - predicted[i]) ** 2;
  return Math.sqrt(sum / actual.length);
}

/**
 * Mean absolute percentage error in percent. Zero actuals are skipped (their error is
 * undefined); NaN when every actual is zero.
 */
export function mape(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  checkPair(actual, predicted);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (actual[i] === 0) continue;
    sum += Math.abs((actual[i] - predicted[i]) / actual[i]);
    n++;
  }
  return n === 0 ? NaN : (100 * sum) / n;
}

/**
 * Persistence baseline: the forecast for row t (h steps after the window's last input) is
 * the last observed close, closes[t - h]. Any model worth deploying must beat it.
 */
export function naiveForecast(closes: ArrayLike<number>, targetRows: readonly number[], horizon: number): number[] {
  return targetRows.map((t) => {
    if (t - horizon < 0) throw new TrainingInputError(`target row ${t} has no observation ${horizon} steps earlier`);
    return closes[t - horizon];
  });
}

/**
 * Forecast skill against the naive baseline: 1 - mae_model / mae_naive. 1 is perfect, 0 is
 * no better than persistence, negative is worse. NaN when the baseline is exact (mae 0).
 */
export function skill(maeModel: number, maeNaive: number): number {
  return maeNaive === 0 ? NaN : 1 - maeModel / maeNaive;
}

export interface ErrorMetrics {
  mae: number;
  rmse: number;
  mape: number;
}

export function errorMetrics(actual: ArrayLike<number>, predicted: ArrayLike<number>): ErrorMetrics {
  return { mae: mae(actual, predicted), rmse: rmse(actual, predicted), mape: mape(actual, predicted) };
}
