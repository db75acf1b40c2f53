import { TrainingInputError } from '../errors';
import { forecastDeseasonalised } from './decomposition';
import { etsForecast, etsForecastSd } from './ets-core';
import { candidateSpecs, EtsFit, selectEts } from './ets-fit';
import { normalIntervals } from './intervals';
import { localFamily } from './local-family';
import { choiceParam, deseasonalPeriodParam, usablePeriod } from './params';
import { SeriesForecast } from './series-model';

/** Longer periods (weekly data's 52, hourly's 168) are removed by M4's classical decomposition first, as forecast's ets() refuses them. */
export const MAX_ETS_PERIOD = 24;

export interface EtsConfig {
  period: number;
  /** The shorter period for series under three cycles of `period` (see deseasonalPeriodParam). */
  fallback?: number;
  error: 'auto' | 'A' | 'M';
  trend: 'auto' | 'N' | 'A' | 'Ad';
  season: 'auto' | 'N' | 'A' | 'M';
}

export function forecastFromFit(fit: EtsFit, n: number, horizon: number, levels: readonly number[]): SeriesForecast {
  const mean = etsForecast(fit.spec, fit.params, fit.run, n, horizon);
  return { mean, intervals: normalIntervals(mean, etsForecastSd(fit.spec, fit.params, fit.sigma2, mean), levels) };
}

/** The ETS model of lowest AICc among the allowed ones, fitted on y. */
export function autoEts(y: Float64Array, config: EtsConfig): EtsFit {
  const specs = candidateSpecs(y, config.period, config);
  if (specs.length === 0)
    throw new TrainingInputError(
      `no ETS model fits ETS(${config.error},${config.trend},${config.season}) with period ${config.period} to this series (multiplicative parts need positive values, seasonal ones two full periods; additive error with multiplicative season is not offered)`,
    );
  return selectEts(y, specs);
}

export function etsAutoForecast(
  y: Float64Array,
  config: EtsConfig,
  horizon: number,
  levels: readonly number[],
): SeriesForecast {
  if (config.period > MAX_ETS_PERIOD) {
    const inner = { ...config, period: 1, season: 'N' as const };
    return forecastDeseasonalised(y, config.period, horizon, (adjusted) =>
      forecastFromFit(autoEts(adjusted, inner), adjusted.length, horizon, levels),
    );
  }
  return forecastFromFit(autoEts(y, config), y.length, horizon, levels);
}

/**
 * Exponential smoothing chosen by AICc like forecast's/statsforecast's `ets`: error A/M, trend
 * N/A/Ad, season N/A/M (each fixed by `ets_error`, `ets_trend`, `ets_season` or 'auto'),
 * parameters by maximum likelihood (Nelder–Mead), intervals from the model's variance.
 */
export const etsFamily = localFamily<EtsConfig>({
  name: 'ets',
  configure: (panel, params) => ({
    ...deseasonalPeriodParam(panel, params),
    error: choiceParam(params, 'ets_error', ['auto', 'A', 'M'], 'auto'),
    trend: choiceParam(params, 'ets_trend', ['auto', 'N', 'A', 'Ad'], 'auto'),
    season: choiceParam(params, 'ets_season', ['auto', 'N', 'A', 'M'], 'auto'),
  }),
  minLength: () => 3,
  forecast: (config, y, horizon, levels) =>
    etsAutoForecast(y, { ...config, period: usablePeriod(config, y.length) }, horizon, levels),
});
