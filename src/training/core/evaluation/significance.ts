import { jStat } from 'jstat';
import { TrainingInputError } from '../errors';

export interface DieboldMariano {
  /** Positive: the model's losses are lower than the baseline's. */
  statistic: number;
  /** Two-sided p-value (Student t with n - 1 degrees of freedom). */
  pValue: number;
  n: number;
}

/**
 * Diebold-Mariano test of equal accuracy under absolute-error loss, with the Harvey,
 * Leybourne & Newbold (1997) small-sample correction: d_t = |e_base| - |e_model|, its
 * long-run variance with lags up to horizon - 1 (h-step forecasts overlap), t(n - 1).
 */
export function dieboldMariano(
  modelErrors: readonly number[],
  baselineErrors: readonly number[],
  horizon = 1,
): DieboldMariano {
  const n = modelErrors.length;
  if (n !== baselineErrors.length) throw new TrainingInputError('Diebold-Mariano: error series differ in length');
  if (n < 3) throw new TrainingInputError('Diebold-Mariano needs at least 3 forecasts');
  const d = modelErrors.map((e, i) => Math.abs(baselineErrors[i]) - Math.abs(e));
  const mean = d.reduce((a, b) => a + b, 0) / n;
  const gamma = (k: number) => {
    let s = 0;
    for (let t = k; t < n; t++) s += (d[t] - mean) * (d[t - k] - mean);
    return s / n;
  };
  let variance = gamma(0);
  for (let k = 1; k < Math.min(horizon, n); k++) variance += 2 * gamma(k);
  if (!(variance > 0)) return { statistic: 0, pValue: 1, n };
  const h = horizon;
  const correction = Math.sqrt((n + 1 - 2 * h + (h * (h - 1)) / n) / n);
  const statistic = (mean / Math.sqrt(variance / n)) * correction;
  const pValue = 2 * (1 - jStat.studentt.cdf(Math.abs(statistic), n - 1));
  return { statistic, pValue: Math.min(1, Math.max(0, pValue)), n };
}

/**
 * Share of days where the forecast moved from the last close in the direction the price
 * did (days without a move are skipped; a forecast of no move counts as wrong).
 */
export function directionAccuracy(
  actual: readonly number[],
  predicted: readonly number[],
  base: readonly number[],
): number {
  let hits = 0;
  let n = 0;
  actual.forEach((y, i) => {
    const real = Math.sign(y - base[i]);
    if (real === 0) return;
    n++;
    if (Math.sign(predicted[i] - base[i]) === real) hits++;
  });
  return n === 0 ? NaN : hits / n;
}
