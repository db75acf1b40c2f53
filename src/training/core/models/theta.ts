import { forecastDeseasonalised } from './decomposition';
import { fitEts } from './ets-fit';
import { etsForecast } from './ets-core';
import { normalIntervals, rms } from './intervals';
import { localFamily } from './local-family';
import { DeseasonalPeriod, deseasonalPeriodParam, usablePeriod } from './params';
import { SeriesForecast } from './series-model';

const ANN = { error: 'A', trend: 'N', season: 'N', period: 1 } as const;

/**
 * The standard Theta method (Assimakopoulos & Nikolopoulos 2000) as M4's `Theta.classic` on the
 * (M4-)deseasonalised series: theta line 0 is the least-squares line, theta line 2 = 2y − line 0
 * is extrapolated by SES (α and the initial level by maximum likelihood), and the forecast is
 * their equal-weight mean — which is SES with drift of half the slope (Hyndman & Billah 2003).
 * Intervals: SES's variance σ²(1 + (h − 1)α²) with σ the rms of the in-sample one-step errors of
 * the combined forecast.
 */
export function thetaForecast(y: Float64Array, horizon: number, levels: readonly number[]): SeriesForecast {
  const n = y.length;
  const tMean = (n + 1) / 2;
  const yMean = y.reduce((a, v) => a + v, 0) / n;
  let sxy = 0;
  let sxx = 0;
  y.forEach((v, i) => {
    sxy += (i + 1 - tMean) * (v - yMean);
    sxx += (i + 1 - tMean) ** 2;
  });
  const slope = sxx > 0 ? sxy / sxx : 0;
  const line0 = (t: number) => yMean + slope * (t - tMean);
  const line2 = y.map((v, i) => 2 * v - line0(i + 1));
  const ses = fitEts(ANN, line2);
  const sesMean = etsForecast(ANN, ses.params, ses.run, n, horizon);
  const mean = sesMean.map((v, h) => 0.5 * v + 0.5 * line0(n + h + 1));
  // In-sample: the SES one-step fit of line 2 is line2 − residual.
  const errors = y.map((v, i) => v - (0.5 * (line2[i] - ses.run.residuals[i]) + 0.5 * line0(i + 1)));
  const sigma = rms(errors);
  const alpha = ses.params.alpha;
  const sd = Float64Array.from({ length: horizon }, (_, h) => sigma * Math.sqrt(1 + h * alpha * alpha));
  return { mean, intervals: normalIntervals(mean, sd, levels) };
}

export const thetaFamily = localFamily<DeseasonalPeriod>({
  name: 'theta',
  configure: deseasonalPeriodParam,
  minLength: () => 3,
  forecast: (config, y, horizon, levels) =>
    forecastDeseasonalised(y, usablePeriod(config, y.length), horizon, (adjusted) =>
      thetaForecast(adjusted, horizon, levels),
    ),
});

/** M4's SES benchmark: SES (ETS(A,N,N) by maximum likelihood) of the deseasonalised series. */
export const sesFamily = localFamily<DeseasonalPeriod>({
  name: 'ses',
  configure: deseasonalPeriodParam,
  minLength: () => 2,
  forecast: (config, y, horizon, levels) =>
    forecastDeseasonalised(y, usablePeriod(config, y.length), horizon, (adjusted) => {
      const fit = fitEts(ANN, adjusted);
      const mean = etsForecast(ANN, fit.params, fit.run, adjusted.length, horizon);
      const sd = Float64Array.from({ length: horizon }, (_, h) =>
        Math.sqrt(fit.sigma2 * (1 + h * fit.params.alpha ** 2)),
      );
      return { mean, intervals: normalIntervals(mean, sd, levels) };
    }),
});
