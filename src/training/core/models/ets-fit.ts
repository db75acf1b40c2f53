import { centredMovingAverage } from './decomposition';
import { EtsParams, EtsRun, EtsSpec, etsFilter, parameterCount } from './ets-core';
import { nelderMead } from './nelder-mead';

export interface EtsFit {
  spec: EtsSpec;
  params: EtsParams;
  run: EtsRun;
  aicc: number;
  /** Residual variance with the parameter count as degrees of freedom (for intervals). */
  sigma2: number;
}

const logistic = (x: number): number => 1 / (1 + Math.exp(-x));
const logit = (p: number): number => Math.log(p / (1 - p));
const PHI_MIN = 0.8;
const PHI_SPAN = 0.18;

/**
 * Initial states as Hyndman et al. (2008, sec. 2.6.1): seasonal indices from a classical
 * decomposition of the first periods, level and slope from a regression on the first (adjusted)
 * values. Fixed during optimisation for the seasonal states (m of them would make the simplex
 * crawl); level and slope are optimised.
 */
export function initialStates(spec: EtsSpec, y: Float64Array): Pick<EtsParams, 'level' | 'slope' | 'seasonal'> {
  const m = spec.period;
  let seasonal: number[] = [];
  let adjusted = y;
  if (spec.season !== 'N') {
    const head = y.subarray(0, Math.min(y.length, 4 * m));
    const trend = centredMovingAverage(head, m);
    const sums = new Float64Array(m);
    const counts = new Float64Array(m);
    trend.forEach((tr, t) => {
      if (!Number.isFinite(tr)) return;
      sums[t % m] += spec.season === 'M' ? head[t] / tr : head[t] - tr;
      counts[t % m]++;
    });
    const raw = Array.from(sums, (s, i) => s / counts[i]);
    const centre = raw.reduce((a, b) => a + b, 0) / m;
    seasonal = raw.map((s) => (spec.season === 'M' ? s / centre : s - centre));
    adjusted = y.map((v, t) => (spec.season === 'M' ? v / seasonal[t % m] : v - seasonal[t % m]));
  }
  const k = Math.min(adjusted.length, Math.max(10, spec.season === 'N' ? 10 : 2 * m));
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let sxx = 0;
  for (let t = 0; t < k; t++) {
    sx += t + 1;
    sy += adjusted[t];
    sxy += (t + 1) * adjusted[t];
    sxx += (t + 1) ** 2;
  }
  const slope = k > 1 ? (k * sxy - sx * sy) / (k * sxx - sx * sx) : 0;
  const intercept = (sy - slope * sx) / k;
  return spec.trend === 'N' ? { level: sy / k, slope: 0, seasonal } : { level: intercept, slope, seasonal };
}

/** Maps unbounded optimiser coordinates to admissible smoothing parameters: 0 < β < α < 1, 0 < γ < 1 − α. */
function decode(spec: EtsSpec, x: Float64Array, scale: number, seasonal: number[]): EtsParams {
  const alpha = 1e-4 + (1 - 2e-4) * logistic(x[0]);
  let i = 1;
  const beta = spec.trend === 'N' ? 0 : alpha * logistic(x[i++]);
  const gamma = spec.season === 'N' ? 0 : (1 - alpha) * logistic(x[i++]);
  const phi = spec.trend === 'Ad' ? PHI_MIN + PHI_SPAN * logistic(x[i++]) : 1;
  const level = x[i++] * scale;
  const slope = spec.trend === 'N' ? 0 : x[i] * scale;
  return { alpha, beta, gamma, phi, level, slope, seasonal };
}

/** Maximum likelihood fit of one ETS model (Nelder–Mead over the smoothing parameters, level and slope). */
export function fitEts(spec: EtsSpec, y: Float64Array): EtsFit {
  const init = initialStates(spec, y);
  const scale = Math.max(1e-8, y.reduce((a, v) => a + Math.abs(v), 0) / y.length);
  const x0 = [logit(0.3)];
  if (spec.trend !== 'N') x0.push(logit(0.1));
  if (spec.season !== 'N') x0.push(logit(0.1));
  if (spec.trend === 'Ad') x0.push(logit((0.97 - PHI_MIN) / PHI_SPAN));
  x0.push(init.level / scale);
  if (spec.trend !== 'N') x0.push(init.slope / scale);
  const objective = (x: Float64Array) => etsFilter(spec, decode(spec, x, scale, init.seasonal), y).minus2LogLik;
  const best = nelderMead(objective, x0, { step: 0.5, maxIterations: 150 * x0.length, tolerance: 1e-7 });
  const params = decode(spec, best.x, scale, init.seasonal);
  const run = etsFilter(spec, params, y);
  const n = y.length;
  const k = parameterCount(spec);
  const aicc = run.minus2LogLik + 2 * k + (n - k - 1 > 0 ? (2 * k * (k + 1)) / (n - k - 1) : Infinity);
  const sigma2 = (run.sigma2 * n) / Math.max(1, n - k);
  return { spec, params, run, aicc, sigma2 };
}

/**
 * The candidate models of an automatic choice, as forecast's `ets()` with `restrict = TRUE`:
 * no additive error with multiplicative season; multiplicative parts only for positive data;
 * seasonal ones only with at least two full periods.
 */
export function candidateSpecs(
  y: Float64Array,
  period: number,
  want: { error?: string; trend?: string; season?: string },
): EtsSpec[] {
  const positive = y.every((v) => v > 0);
  const seasonal = period >= 2 && y.length >= 2 * period;
  const out: EtsSpec[] = [];
  for (const error of ['A', 'M'] as const)
    for (const trend of ['N', 'A', 'Ad'] as const)
      for (const season of ['N', 'A', 'M'] as const) {
        if (want.error && want.error !== 'auto' && want.error !== error) continue;
        if (want.trend && want.trend !== 'auto' && want.trend !== trend) continue;
        if (want.season && want.season !== 'auto' && want.season !== season) continue;
        if (error === 'A' && season === 'M') continue;
        if ((error === 'M' || season === 'M') && !positive) continue;
        if (season !== 'N' && !seasonal) continue;
        out.push({ error, trend, season, period });
      }
  return out;
}

/** Fits every candidate and keeps the lowest AICc (ties: the first, the simpler). */
export function selectEts(y: Float64Array, specs: EtsSpec[]): EtsFit {
  let best: EtsFit | undefined;
  for (const spec of specs) {
    const fit = fitEts(spec, y);
    if (Number.isFinite(fit.aicc) && (!best || fit.aicc < best.aicc)) best = fit;
  }
  return best ?? fitEts({ error: 'A', trend: 'N', season: 'N', period: 1 }, y);
}
