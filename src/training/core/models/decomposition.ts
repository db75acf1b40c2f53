import { scaleIntervals } from './intervals';
import { SeriesForecast } from './series-model';

/**
 * Classical multiplicative decomposition and the seasonality test of the M4 benchmarks
 * (`Benchmarks and Evaluation.R`: SeasonalityTest + R's `decompose(type = "multiplicative")`),
 * used by Naive2, Theta and the other benchmark-style families. Everything is computed from the
 * values it is given (the history up to the origin).
 */

/** R's acf at lag k: sum_{t<n-k} (x_t − x̄)(x_{t+k} − x̄) / sum (x_t − x̄)². */
export function autocorrelation(x: ArrayLike<number>, k: number): number {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i];
  mean /= x.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i] - mean) ** 2;
    if (i + k < x.length) num += (x[i] - mean) * (x[i + k] - mean);
  }
  return den === 0 ? 0 : num / den;
}

/**
 * M4's 90% seasonality test: |acf(m)| > 1.645·sqrt((1 + 2·Σ_{k<m} acf(k)²) / n), and only for
 * series of at least 3 periods (shorter ones count as not seasonal).
 */
export function isSeasonal(x: ArrayLike<number>, m: number): boolean {
  if (m <= 1 || x.length < 3 * m) return false;
  let sumSquares = 0;
  for (let k = 1; k < m; k++) sumSquares += autocorrelation(x, k) ** 2;
  const limit = (1.645 * Math.sqrt(1 + 2 * sumSquares)) / Math.sqrt(x.length);
  return Math.abs(autocorrelation(x, m)) > limit;
}

/** The centred moving average of order m (2×m for even m), NaN where it does not reach. */
export function centredMovingAverage(x: ArrayLike<number>, m: number): Float64Array {
  const weights = new Float64Array(m % 2 === 0 ? m + 1 : m).fill(1 / m);
  if (m % 2 === 0) weights[0] = weights[m] = 0.5 / m;
  const half = (weights.length - 1) / 2;
  const out = new Float64Array(x.length).fill(NaN);
  for (let t = half; t < x.length - half; t++) {
    let s = 0;
    for (let j = 0; j < weights.length; j++) s += weights[j] * x[t - half + j];
    out[t] = s;
  }
  return out;
}

/**
 * Seasonal indices of R's multiplicative `decompose`: x / trend averaged per position in the
 * cycle (counted from the first value), normalised to mean 1. index[i] belongs to steps t ≡ i (mod m).
 */
export function multiplicativeIndices(x: ArrayLike<number>, m: number): Float64Array {
  const trend = centredMovingAverage(x, m);
  const sums = new Float64Array(m);
  const counts = new Float64Array(m);
  for (let t = 0; t < x.length; t++)
    if (Number.isFinite(trend[t])) {
      sums[t % m] += x[t] / trend[t];
      counts[t % m]++;
    }
  const figure = sums.map((s, i) => s / counts[i]);
  const mean = figure.reduce((a, b) => a + b, 0) / m;
  return figure.map((f) => f / mean);
}

export interface Deseasonalised {
  /** The seasonally adjusted history (the input when not seasonal). */
  adjusted: Float64Array;
  /** Seasonal factors for steps 1..horizon after the history (all 1 when not seasonal). */
  future(horizon: number): Float64Array;
  seasonal: boolean;
}

/**
 * M4's deseasonalisation: when the test finds seasonality (and every value is positive, which
 * a multiplicative decomposition needs), divide by the classical multiplicative indices;
 * forecasts are multiplied back by the indices that continue the cycle.
 */
export function deseasonalise(x: Float64Array, m: number): Deseasonalised {
  const positive = x.every((v) => v > 0);
  if (!positive || !isSeasonal(x, m))
    return { adjusted: x, future: (h) => new Float64Array(h).fill(1), seasonal: false };
  const indices = multiplicativeIndices(x, m);
  const n = x.length;
  return {
    adjusted: x.map((v, t) => v / indices[t % m]),
    future: (h) => Float64Array.from({ length: h }, (_, i) => indices[(n + i) % m]),
    seasonal: true,
  };
}

/**
 * Forecasts the M4-deseasonalised history with `forecastAdjusted` and multiplies mean and
 * interval bounds by the seasonal factors of the forecast steps (how M4's benchmarks reseasonalise).
 */
export function forecastDeseasonalised(
  y: Float64Array,
  m: number,
  horizon: number,
  forecastAdjusted: (adjusted: Float64Array) => SeriesForecast,
): SeriesForecast {
  const d = deseasonalise(y, m);
  const f = forecastAdjusted(d.adjusted);
  if (!d.seasonal) return f;
  const factors = d.future(horizon);
  return { mean: f.mean.map((v, h) => v * factors[h]), intervals: scaleIntervals(f.intervals, factors) };
}
