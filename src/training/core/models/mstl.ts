import { centredMovingAverage } from './decomposition';
import { forecastFromFit } from './ets';
import { candidateSpecs, selectEts } from './ets-fit';
import { localFamily } from './local-family';
import { choiceParam, periodsParam } from './params';
import { SeriesForecast } from './series-model';

/**
 * Several seasonal periods at once (hourly data: 24 and 168; daily: 7 and 365): an MSTL-style
 * decomposition — each seasonal component in turn estimated by classical additive decomposition
 * of the series less the other components, twice round — then a non-seasonal ETS (additive error,
 * trend N/A/Ad by AICc) on the seasonally adjusted series, plus each component's last cycle
 * repeated. On the log scale when every value is positive (`transform: "auto"`), so the seasonal
 * swings can grow with the level. Periods with fewer than two full cycles in the history are left out.
 */
export interface MstlConfig {
  periods: number[];
  transform: 'auto' | 'log' | 'none';
}

/** Seasonal components (one per usable period), each a profile of length p indexed by t mod p. */
export function seasonalProfiles(
  y: Float64Array,
  periods: number[],
  rounds = 2,
): { period: number; profile: Float64Array }[] {
  const usable = periods.filter((p) => y.length >= 2 * p);
  const profiles = usable.map((period) => ({ period, profile: new Float64Array(period) }));
  for (let round = 0; round < rounds; round++)
    for (const component of profiles) {
      const p = component.period;
      const others = y.map((v, t) =>
        profiles.reduce((acc, c) => (c === component ? acc : acc - c.profile[t % c.period]), v),
      );
      const trend = centredMovingAverage(others, p);
      const sums = new Float64Array(p);
      const counts = new Float64Array(p);
      trend.forEach((tr, t) => {
        if (!Number.isFinite(tr)) return;
        sums[t % p] += others[t] - tr;
        counts[t % p]++;
      });
      const raw = sums.map((s, i) => (counts[i] > 0 ? s / counts[i] : 0));
      const centre = raw.reduce((a, b) => a + b, 0) / p;
      component.profile = raw.map((v) => v - centre);
    }
  return profiles;
}

export function mstlForecast(
  y: Float64Array,
  config: MstlConfig,
  horizon: number,
  levels: readonly number[],
): SeriesForecast {
  const log = config.transform === 'log' || (config.transform === 'auto' && y.every((v) => v > 0));
  const z = log ? y.map(Math.log) : y;
  const profiles = seasonalProfiles(z, config.periods);
  const seasonalAt = (t: number) => profiles.reduce((acc, c) => acc + c.profile[t % c.period], 0);
  const adjusted = z.map((v, t) => v - seasonalAt(t));
  const specs = candidateSpecs(adjusted, 1, { error: 'A', season: 'N' });
  const inner = forecastFromFit(selectEts(adjusted, specs), adjusted.length, horizon, levels);
  const n = y.length;
  // The ETS variance counts its own parameters only; the seasonal profiles were estimated from
  // the same values (Σ periods of them), which shrinks the in-sample residuals: widen by sqrt(n / (n − Σp)).
  const estimated = profiles.reduce((acc, c) => acc + c.period, 0);
  const widen = Math.sqrt(n / Math.max(1, n - estimated));
  const back = (v: number, h: number) => {
    const w = v + seasonalAt(n + h);
    return log ? Math.exp(w) : w;
  };
  return {
    mean: inner.mean.map(back),
    intervals: inner.intervals.map(({ level, lower, upper }) => ({
      level,
      lower: lower.map((v, h) => back(inner.mean[h] - widen * (inner.mean[h] - v), h)),
      upper: upper.map((v, h) => back(inner.mean[h] + widen * (v - inner.mean[h]), h)),
    })),
  };
}

export const mstlFamily = localFamily<MstlConfig>({
  name: 'mstl',
  configure: (panel, params) => ({
    periods: periodsParam(panel, params),
    transform: choiceParam(params, 'transform', ['auto', 'log', 'none'], 'auto'),
  }),
  minLength: () => 3,
  forecast: (config, y, horizon, levels) => mstlForecast(y, config, horizon, levels),
});
