import { normalIntervals, rms } from './intervals';
import { localFamily } from './local-family';
import { periodParam } from './params';
import { SeriesForecast } from './series-model';

/**
 * Seasonal random walk with period m (m = 1: the naive forecast): ŷ_{n+h} = y_{n+h−m·k}, k the
 * number of whole periods that reach back into the history. Intervals as R's `snaive`/`naive`:
 * σ from the in-sample lag-m differences, sd_h = σ·sqrt(⌊(h−1)/m⌋ + 1).
 */
export function seasonalRandomWalk(
  y: Float64Array,
  m: number,
  horizon: number,
  levels: readonly number[],
): SeriesForecast {
  const lag = y.length >= m ? m : 1;
  const n = y.length;
  const mean = Float64Array.from({ length: horizon }, (_, h) => y[n - lag + (h % lag)]);
  const diffs = Float64Array.from({ length: Math.max(0, n - lag) }, (_, i) => y[i + lag] - y[i]);
  const sigma = rms(diffs);
  const sd = Float64Array.from({ length: horizon }, (_, h) => sigma * Math.sqrt(Math.floor(h / lag) + 1));
  return { mean, intervals: normalIntervals(mean, sd, levels) };
}

export const naiveFamily = localFamily<Record<string, never>>({
  name: 'naive',
  configure: () => ({}),
  forecast: (_config, y, horizon, levels) => seasonalRandomWalk(y, 1, horizon, levels),
});

export const seasonalNaiveFamily = localFamily<{ period: number }>({
  name: 'seasonal_naive',
  configure: (panel, params) => ({ period: periodParam(panel, params) }),
  forecast: (config, y, horizon, levels) => seasonalRandomWalk(y, config.period, horizon, levels),
});
