import { logReturns, meanLogReturn, persistence, randomWalkDrift, seasonalNaive } from './baselines';
import { coverage, intervalScore, IntervalsJSON, levelKey, quantile } from './intervals';
import { errorMetrics, skill } from './metrics';
import { dieboldMariano, directionAccuracy } from './significance';

/** A model's forecasts on one evaluation part, in price units. */
export interface PartForecasts {
  targetRows: number[];
  dates: string[];
  actual: number[];
  predicted: number[];
  /** Volatility σ at each forecast origin (see IntervalScale; 1 when unscaled). */
  sigmas: number[];
}

export interface EvaluationContext {
  closes: readonly number[];
  horizon: number;
  seasonalPeriod: number;
  /** Training rows [start, end): the drift and the naive interval's return quantiles come from them only. */
  train: { start: number; end: number };
  intervals: IntervalsJSON;
}

/**
 * Every metric of a run, in MLflow keys (errors in price units, MAPE in percent):
 * - `<part>_mae|rmse|mape`, `<part>_skill` (1 - MAE / persistence MAE), `<part>_skill_drift`,
 *   `<part>_skill_seasonal`, `<part>_dm_stat` / `<part>_dm_pvalue` (Diebold-Mariano against
 *   persistence, positive = better), `<part>_direction_accuracy`, for part = val and test;
 * - `naive_*` (persistence), `drift_*`, `seasonal_*` MAEs on the same dates;
 * - test interval metrics per level L (80, 95, ...): `test_coverage_L`, `test_interval_score_L`,
 *   the naive interval's (`naive_test_coverage_L`, `naive_test_interval_score_L`, training
 *   return quantiles around the last close) and `test_interval_skill_L`.
 */
export function evaluateForecasts(
  val: PartForecasts,
  test: PartForecasts,
  ctx: EvaluationContext,
): Record<string, number> {
  const out: Record<string, number> = {};
  Object.assign(out, partMetrics('val', val, ctx), partMetrics('test', test, ctx), intervalMetrics(test, ctx));
  return out;
}

function partMetrics(part: 'val' | 'test', f: PartForecasts, ctx: EvaluationContext): Record<string, number> {
  const { closes, horizon } = ctx;
  const naive = persistence(closes, f.targetRows, horizon);
  const drift = randomWalkDrift(closes, f.targetRows, horizon, meanLogReturn(closes, ctx.train.start, ctx.train.end));
  const seasonal = seasonalNaive(closes, f.targetRows, horizon, ctx.seasonalPeriod);
  const m = errorMetrics(f.actual, f.predicted);
  const n = errorMetrics(f.actual, naive);
  const d = errorMetrics(f.actual, drift);
  const s = errorMetrics(f.actual, seasonal);
  const err = (p: number[]) => f.actual.map((y, i) => y - p[i]);
  const dm = dieboldMariano(err(f.predicted), err(naive), horizon);
  return {
    [`${part}_mae`]: m.mae,
    [`${part}_rmse`]: m.rmse,
    [`${part}_mape`]: m.mape,
    [`naive_${part}_mae`]: n.mae,
    [`naive_${part}_rmse`]: n.rmse,
    [`naive_${part}_mape`]: n.mape,
    [`drift_${part}_mae`]: d.mae,
    [`seasonal_${part}_mae`]: s.mae,
    [`${part}_skill`]: skill(m.mae, n.mae),
    [`${part}_skill_drift`]: skill(m.mae, d.mae),
    [`${part}_skill_seasonal`]: skill(m.mae, s.mae),
    [`${part}_dm_stat`]: dm.statistic,
    [`${part}_dm_pvalue`]: dm.pValue,
    [`${part}_direction_accuracy`]: directionAccuracy(f.actual, f.predicted, naive),
  };
}

export interface IntervalBands {
  level: number;
  lower: number[];
  upper: number[];
}

/** The model's conformal bands around its forecasts (each σ-scaled). */
export function modelBands(f: PartForecasts, intervals: IntervalsJSON): IntervalBands[] {
  return intervals.levels.map((level, i) => ({
    level,
    lower: f.predicted.map((p, k) => p * Math.exp(-intervals.quantiles[i] * f.sigmas[k])),
    upper: f.predicted.map((p, k) => p * Math.exp(intervals.quantiles[i] * f.sigmas[k])),
  }));
}

/** The naive interval: the last close times the training h-step return quantiles. */
export function naiveBands(f: PartForecasts, ctx: EvaluationContext): IntervalBands[] {
  const rows = [];
  for (let t = Math.max(ctx.train.start + ctx.horizon, ctx.horizon); t < ctx.train.end; t++) rows.push(t);
  const returns = logReturns(ctx.closes, rows, ctx.horizon);
  const base = persistence(ctx.closes, f.targetRows, ctx.horizon);
  return ctx.intervals.levels.map((level) => {
    const lo = quantile(returns, (1 - level) / 2);
    const hi = quantile(returns, (1 + level) / 2);
    return { level, lower: base.map((b) => b * Math.exp(lo)), upper: base.map((b) => b * Math.exp(hi)) };
  });
}

function intervalMetrics(test: PartForecasts, ctx: EvaluationContext): Record<string, number> {
  const out: Record<string, number> = {};
  const naive = naiveBands(test, ctx);
  modelBands(test, ctx.intervals).forEach((band, i) => {
    const k = levelKey(band.level);
    const score = intervalScore(test.actual, band.lower, band.upper, band.level);
    const naiveScore = intervalScore(test.actual, naive[i].lower, naive[i].upper, band.level);
    out[`test_coverage_${k}`] = coverage(test.actual, band.lower, band.upper);
    out[`test_interval_score_${k}`] = score;
    out[`naive_test_coverage_${k}`] = coverage(test.actual, naive[i].lower, naive[i].upper);
    out[`naive_test_interval_score_${k}`] = naiveScore;
    out[`test_interval_skill_${k}`] = skill(score, naiveScore);
  });
  return out;
}
