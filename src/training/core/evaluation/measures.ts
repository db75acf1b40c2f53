/**
 * The M4 competition's accuracy measures (Makridakis, Spiliotis & Assimakopoulos, IJF 2020;
 * the organisers' `Benchmarks and Evaluation.R`): sMAPE in percent, MASE scaled by the
 * in-sample seasonal-naive error with the series' period, MSIS (the interval score of a
 * (1 - alpha) interval, alpha 0.05 in M4) on the same scale, and OWA, the mean of the sMAPE and
 * MASE ratios to Naive2. Pure functions over plain arrays; NaN actuals are skipped.
 */

type Values = ArrayLike<number>;

/** Symmetric MAPE in percent: mean of 200·|y − f| / (|y| + |f|) (M4; a 0/0 step counts as 0). */
export function smape(actual: Values, forecast: Values): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    const f = forecast[i];
    if (Number.isNaN(y)) continue;
    const denominator = Math.abs(y) + Math.abs(f);
    sum += denominator === 0 ? 0 : (200 * Math.abs(y - f)) / denominator;
    n++;
  }
  return n > 0 ? sum / n : NaN;
}

/**
 * The MASE denominator: the in-sample mean absolute error of the seasonal naive forecast with
 * period `m` (m = 1: naive), mean(|y_t − y_{t−m}|) over t = m..n−1. M4 falls back to m = 1 when
 * the series is not longer than m; so do we.
 */
export function maseScale(insample: Values, m: number): number {
  const lag = insample.length > m ? Math.max(1, m) : 1;
  let sum = 0;
  let n = 0;
  for (let t = lag; t < insample.length; t++) {
    const d = insample[t] - insample[t - lag];
    if (Number.isNaN(d)) continue;
    sum += Math.abs(d);
    n++;
  }
  return n > 0 ? sum / n : NaN;
}

function meanAbsoluteError(actual: Values, forecast: Values): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    if (Number.isNaN(actual[i])) continue;
    sum += Math.abs(actual[i] - forecast[i]);
    n++;
  }
  return n > 0 ? sum / n : NaN;
}

/** Mean absolute scaled error: MAE of the forecast / maseScale(insample, m). */
export function mase(insample: Values, actual: Values, forecast: Values, m: number): number {
  return meanAbsoluteError(actual, forecast) / maseScale(insample, m);
}

/**
 * Mean scaled interval score of a (1 − alpha) interval (M4: alpha 0.05, the 95% interval):
 * mean(U − L + 2/alpha·(L − y)·[y < L] + 2/alpha·(y − U)·[y > U]) / maseScale(insample, m).
 */
export function msis(insample: Values, actual: Values, lower: Values, upper: Values, m: number, alpha = 0.05): number {
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length; i++) {
    const y = actual[i];
    if (Number.isNaN(y)) continue;
    const below = y < lower[i] ? (2 / alpha) * (lower[i] - y) : 0;
    const above = y > upper[i] ? (2 / alpha) * (y - upper[i]) : 0;
    sum += upper[i] - lower[i] + below + above;
    n++;
  }
  return n > 0 ? sum / n / maseScale(insample, m) : NaN;
}

/** Per horizon step: 1 when the actual lies inside [lower, upper], 0 outside, NaN when missing. */
export function coveredSteps(actual: Values, lower: Values, upper: Values): Float64Array {
  const out = new Float64Array(actual.length);
  for (let i = 0; i < actual.length; i++)
    out[i] = Number.isNaN(actual[i]) ? NaN : actual[i] >= lower[i] && actual[i] <= upper[i] ? 1 : 0;
  return out;
}

/** OWA of one method: the mean of its sMAPE and MASE ratios to Naive2's on the same origins. */
export function owa(smapeValue: number, maseValue: number, naive2Smape: number, naive2Mase: number): number {
  return 0.5 * (smapeValue / naive2Smape + maseValue / naive2Mase);
}
