import { TrainingInputError } from '../errors';

/**
 * Split-conformal prediction intervals, normalised by recent volatility. The score of a
 * calibration day (validation) is |ln(actual / predicted)| / σ, σ the volatility of the daily
 * log returns in the forecast's own input window; for level a the interval is
 * predicted · exp(±q_a · σ) with q_a the ⌈(n + 1)·a⌉-th smallest score, which covers at least
 * a of exchangeable future days. Log ratios keep the width proportional to the price, and σ
 * makes it follow the volatility regime (calm test periods after a volatile validation
 * period would otherwise be over-covered): volatility is predictable where the level is not.
 */
export interface IntervalsJSON {
  method: 'split_conformal';
  /** Where the scores came from, and how many. */
  calibration: 'validation';
  calibration_size: number;
  levels: number[];
  /** Half-widths in units of σ (log-price units when scale is `none`), one per level. */
  quantiles: number[];
  scale: IntervalScale;
}

/**
 * `window_volatility`: σ = root mean square of the last `returns` daily log returns of the
 * input window (at least `floor`, a quarter of the training volatility, so a flat window of
 * filled days does not give a zero-width interval). `none`: σ = 1 (models without closes in
 * their inputs).
 */
export type IntervalScale = { kind: 'none' } | { kind: 'window_volatility'; returns: number; floor: number };

/** σ at a forecast origin: `closes` up to and including the origin (the last input close). */
export function volatilityOf(closes: ArrayLike<number>, end: number, scale: IntervalScale): number {
  if (scale.kind === 'none') return 1;
  let sum = 0;
  let n = 0;
  for (let i = Math.max(1, end - scale.returns + 1); i <= end; i++) {
    sum += Math.log(closes[i] / closes[i - 1]) ** 2;
    n++;
  }
  const sigma = n > 0 ? Math.sqrt(sum / n) : 0;
  return Number.isFinite(sigma) ? Math.max(sigma, scale.floor) : scale.floor;
}

export interface PredictionInterval {
  level: number;
  lower: number;
  upper: number;
}

export function checkLevels(levels: readonly number[]): void {
  if (levels.length === 0 || !levels.every((l) => Number.isFinite(l) && l > 0 && l < 1)) {
    throw new TrainingInputError(`interval levels must be numbers strictly between 0 and 1, got ${levels.join(', ')}`);
  }
}

/** The conformal quantile of `scores` for `level` (Infinity when the sample is too small for it). */
export function conformalQuantile(scores: readonly number[], level: number): number {
  const sorted = [...scores].sort((a, b) => a - b);
  const k = Math.ceil((sorted.length + 1) * level);
  return k > sorted.length ? Infinity : sorted[k - 1];
}

export function calibrate(
  actual: readonly number[],
  predicted: readonly number[],
  levels: readonly number[],
  sigmas: readonly number[] = actual.map(() => 1),
  scale: IntervalScale = { kind: 'none' },
): IntervalsJSON {
  checkLevels(levels);
  const scores = actual.map((a, i) => Math.abs(Math.log(a / predicted[i])) / sigmas[i]);
  const quantiles = levels.map((l) => {
    const q = conformalQuantile(scores, l);
    // A tiny calibration set cannot support a high level: fall back to the largest score, said in the size.
    return Number.isFinite(q) ? q : Math.max(...scores);
  });
  return {
    method: 'split_conformal',
    calibration: 'validation',
    calibration_size: scores.length,
    levels: [...levels],
    quantiles,
    scale,
  };
}

/**
 * Intervals around a point forecast with volatility σ, `steps` sessions ahead of the model's
 * own horizon: a recursive forecast's uncertainty grows like √steps for roughly independent
 * daily returns.
 */
export function intervalsAround(point: number, json: IntervalsJSON, sigma = 1, steps = 1): PredictionInterval[] {
  const grow = Math.sqrt(Math.max(1, steps)) * sigma;
  return json.levels.map((level, i) => ({
    level,
    lower: point * Math.exp(-json.quantiles[i] * grow),
    upper: point * Math.exp(json.quantiles[i] * grow),
  }));
}

/** Share of actuals inside [lower, upper]. */
export function coverage(actual: readonly number[], lower: readonly number[], upper: readonly number[]): number {
  let inside = 0;
  actual.forEach((y, i) => {
    if (y >= lower[i] && y <= upper[i]) inside++;
  });
  return inside / actual.length;
}

/**
 * Mean interval score (Gneiting & Raftery 2007) at nominal level `level`: width plus 2/α
 * times the distance by which the actual falls outside; lower is better, in price units.
 */
export function intervalScore(
  actual: readonly number[],
  lower: readonly number[],
  upper: readonly number[],
  level: number,
): number {
  const alpha = 1 - level;
  let sum = 0;
  actual.forEach((y, i) => {
    const l = lower[i];
    const u = upper[i];
    sum += u - l + (y < l ? (2 / alpha) * (l - y) : 0) + (y > u ? (2 / alpha) * (y - u) : 0);
  });
  return sum / actual.length;
}

/** Empirical quantile (linear interpolation, like numpy's default). */
export function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Metric-key suffix of a level: 0.8 → `80`, 0.975 → `97.5`. */
export function levelKey(level: number): string {
  return String(Math.round(level * 1000) / 10);
}
