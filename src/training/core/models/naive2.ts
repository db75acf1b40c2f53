import { forecastDeseasonalised } from './decomposition';
import { localFamily } from './local-family';
import { seasonalRandomWalk } from './naive';
import { periodParam } from './params';
import { SeriesForecast } from './series-model';

/**
 * M4's Naive2: the naive forecast of the seasonally adjusted series (classical multiplicative
 * decomposition when M4's 90% autocorrelation test finds seasonality), reseasonalised. It is the
 * benchmark OWA is relative to. Intervals: the naive ones on the adjusted scale, reseasonalised.
 */
export function naive2Forecast(y: Float64Array, m: number, horizon: number, levels: readonly number[]): SeriesForecast {
  return forecastDeseasonalised(y, m, horizon, (adjusted) => seasonalRandomWalk(adjusted, 1, horizon, levels));
}

export const naive2Family = localFamily<{ period: number }>({
  name: 'naive2',
  configure: (panel, params) => ({ period: periodParam(panel, params) }),
  forecast: (config, y, horizon, levels) => naive2Forecast(y, config.period, horizon, levels),
});
