import { TrainingInputError } from './errors';

/**
 * Split-conformal prediction intervals. The scores are |ln(actual / predicted)| on the
 * calibration part (validation): for level a the interval is predicted · exp(±q_a) with q_a
 * the ⌈(n + 1)·a⌉-th smallest score, which covers at least a of exchangeable future days.
 * Working on log ratios keeps the width proportional to the price, so it transfers from the
 * validation period to later (higher or lower) prices.
 */
export interface IntervalsJSON {
  method: 'split_conformal';
  /** Where the scores came from, and how many. */
  calibration: 'validation';
  calibration_size: number;
  levels: number[];
  /** Half-widths in log-price units, one per level. */
  quantiles: number[];
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
): IntervalsJSON {
  checkLevels(levels);
  const scores = actual.map((a, i) => Math.abs(Math.log(a / predicted[i])));
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
  };
}

/**
 * Intervals around a point forecast `steps` sessions ahead of the model's own horizon: a
 * recursive forecast's uncertainty grows like √steps for roughly independent daily returns.
 */
export function intervalsAround(point: number, json: IntervalsJSON, steps = 1): PredictionInterval[] {
  const grow = Math.sqrt(Math.max(1, steps));
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
