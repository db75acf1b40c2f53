import { TrainingInputError } from '../errors';

/**
 * Naive forecasts for target rows `t` made `horizon` rows after the last observation
 * (row t - horizon), exactly like the model's: on the same dates, from the same information.
 */

/** Persistence (random walk): tomorrow = the last close. */
export function persistence(closes: ArrayLike<number>, targets: readonly number[], horizon: number): number[] {
  return targets.map((t) => {
    if (t - horizon < 0) throw new TrainingInputError(`target row ${t} has no observation ${horizon} steps earlier`);
    return closes[t - horizon];
  });
}

/** Random walk with drift: the last close grown by the mean training log return per step. */
export function randomWalkDrift(
  closes: ArrayLike<number>,
  targets: readonly number[],
  horizon: number,
  drift: number,
): number[] {
  return persistence(closes, targets, horizon).map((c) => c * Math.exp(drift * horizon));
}

/**
 * Seasonal naive: the close one season before the target, going back whole seasons until
 * that close was observed at forecast time (lag = period · ⌈horizon / period⌉).
 */
export function seasonalNaive(
  closes: ArrayLike<number>,
  targets: readonly number[],
  horizon: number,
  period: number,
): number[] {
  const lag = seasonalLag(horizon, period);
  return targets.map((t) => {
    if (t - lag < 0)
      throw new TrainingInputError(`seasonal_period ${period}: target row ${t} has no close ${lag} rows earlier`);
    return closes[t - lag];
  });
}

export function seasonalLag(horizon: number, period: number): number {
  return period * Math.ceil(horizon / period);
}

/** Mean log return per row over rows [start, end) (the drift, from training rows only). */
export function meanLogReturn(closes: ArrayLike<number>, start: number, end: number): number {
  const from = Math.max(1, start);
  if (end - from < 1) return 0;
  return Math.log(closes[end - 1] / closes[from - 1]) / (end - from);
}

/** log(close[t] / close[t - horizon]) for each target row (the realised h-step log returns). */
export function logReturns(closes: ArrayLike<number>, targets: readonly number[], horizon: number): number[] {
  return targets.map((t) => Math.log(closes[t] / closes[t - horizon]));
}
