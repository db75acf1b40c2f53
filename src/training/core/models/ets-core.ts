/**
 * The innovations state space models of exponential smoothing, ETS(error, trend, season)
 * (Hyndman, Koehler, Ord & Snyder 2008): error A/M, trend N/A/Ad (damped), season N/A/M.
 * Written in the raw-error form e = y − ŷ, in which the state updates of the additive- and
 * multiplicative-error models coincide (only their likelihoods and variances differ):
 *   base = l + φb, ŷ = base (+ s | · s),
 *   l ← base + α·e (/s), b ← φb + β·e (/s), s ← s + γ·e (/ base for multiplicative season).
 * Seasonal states are a ring: the state used at step t is seasonal[t mod m] (oldest first).
 */

export type EtsError = 'A' | 'M';
export type EtsTrend = 'N' | 'A' | 'Ad';
export type EtsSeason = 'N' | 'A' | 'M';

export interface EtsSpec {
  error: EtsError;
  trend: EtsTrend;
  season: EtsSeason;
  /** Seasonal period (ignored when season is N). */
  period: number;
}

export interface EtsParams {
  alpha: number;
  beta: number;
  gamma: number;
  phi: number;
  level: number;
  slope: number;
  /** m initial seasonal states, the first used by the first observation. */
  seasonal: number[];
}

export interface EtsRun {
  /** −2·log-likelihood up to a constant shared by every ETS model (Infinity when inadmissible). */
  minus2LogLik: number;
  /** Residual variance: of e (additive error) or of e/ŷ (multiplicative error). */
  sigma2: number;
  level: number;
  slope: number;
  seasonal: Float64Array;
  residuals: Float64Array;
}

export const specName = (s: EtsSpec): string => `${s.error}${s.trend}${s.season}`;

/** Number of estimated parameters (smoothing, initial states, and σ), as AICc counts them. */
export function parameterCount(spec: EtsSpec): number {
  const trend = spec.trend === 'N' ? 0 : spec.trend === 'A' ? 2 : 3;
  const season = spec.season === 'N' ? 0 : spec.period;
  return 2 + trend + season + 1;
}

/** Runs the filter over y with the given parameters. */
export function etsFilter(spec: EtsSpec, p: EtsParams, y: ArrayLike<number>): EtsRun {
  const m = spec.season === 'N' ? 1 : spec.period;
  const phi = spec.trend === 'Ad' ? p.phi : 1;
  const multSeason = spec.season === 'M';
  const seasonal = Float64Array.from(spec.season === 'N' ? [multSeason ? 1 : 0] : p.seasonal);
  let l = p.level;
  let b = spec.trend === 'N' ? 0 : p.slope;
  let sumSq = 0;
  let sumLog = 0;
  const residuals = new Float64Array(y.length);
  for (let t = 0; t < y.length; t++) {
    const i = t % m;
    const s = spec.season === 'N' ? 0 : seasonal[i];
    const base = l + phi * b;
    const yhat = multSeason ? base * s : base + s;
    if ((spec.error === 'M' || multSeason) && !(yhat > 0 && base > 0)) return inadmissible(y.length);
    const e = y[t] - yhat;
    residuals[t] = e;
    if (spec.error === 'M') {
      sumSq += (e / yhat) ** 2;
      sumLog += Math.log(yhat);
    } else sumSq += e * e;
    const scaled = multSeason ? e / s : e;
    l = base + p.alpha * scaled;
    if (spec.trend !== 'N') b = phi * b + p.beta * scaled;
    if (spec.season !== 'N') seasonal[i] = s + p.gamma * (multSeason ? e / base : e);
  }
  const n = y.length;
  const minus2LogLik = n * Math.log(sumSq / n) + 2 * sumLog;
  return { minus2LogLik, sigma2: sumSq / n, level: l, slope: b, seasonal, residuals };
}

function inadmissible(n: number): EtsRun {
  return {
    minus2LogLik: Infinity,
    sigma2: NaN,
    level: NaN,
    slope: NaN,
    seasonal: new Float64Array(0),
    residuals: new Float64Array(n),
  };
}

/** Point forecasts for steps 1..horizon after the n observations the run filtered. */
export function etsForecast(spec: EtsSpec, p: EtsParams, run: EtsRun, n: number, horizon: number): Float64Array {
  const phi = spec.trend === 'Ad' ? p.phi : 1;
  const out = new Float64Array(horizon);
  let damped = 0;
  let power = 1;
  for (let h = 1; h <= horizon; h++) {
    power *= phi;
    damped += power;
    const base = run.level + (spec.trend === 'N' ? 0 : damped * run.slope);
    if (spec.season === 'N') out[h - 1] = base;
    else {
      const s = run.seasonal[(n + h - 1) % spec.period];
      out[h - 1] = spec.season === 'M' ? base * s : base + s;
    }
  }
  return out;
}

/**
 * Forecast standard deviations: the class-1 formula σ²(1 + Σ_{j<h} c_j²), c_j = α + β·φ_j + γ·[j ≡ 0 mod m]
 * (exact for additive error and season); for multiplicative error it is applied to the relative
 * error and scaled by the forecast (the usual first-order approximation of classes 2 and 3).
 */
export function etsForecastSd(spec: EtsSpec, p: EtsParams, sigma2: number, mean: Float64Array): Float64Array {
  const phi = spec.trend === 'Ad' ? p.phi : 1;
  const out = new Float64Array(mean.length);
  let sum = 1;
  let phiJ = 0;
  let power = 1;
  for (let h = 1; h <= mean.length; h++) {
    const sd = Math.sqrt(sigma2 * sum);
    out[h - 1] = spec.error === 'M' ? Math.abs(mean[h - 1]) * sd : sd;
    power *= phi;
    phiJ += power;
    const c =
      p.alpha + (spec.trend === 'N' ? 0 : p.beta * phiJ) + (spec.season !== 'N' && h % spec.period === 0 ? p.gamma : 0);
    sum += c * c;
  }
  return out;
}
