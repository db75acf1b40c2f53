import { choiceParam } from './params';
import { normalQuantile } from './intervals';
import {
  FitContext,
  FittedSeriesModel,
  ForecastRequest,
  IntervalForecast,
  SeriesForecast,
  SeriesHistory,
  SeriesModelFamily,
  SeriesPanel,
} from './series-model';

/**
 * Conformal calibration of any family's intervals (split conformal, normalised by the model's
 * own interval): at fit time the family is also fitted on the panel without its last `horizon`
 * steps (and again without the last 2·horizon) and forecasts them; per horizon step, the ratio of each actual error to the model's 80%
 * half-width on the error's side is collected over the series, and its quantiles at a grid of
 * levels become the step's width factors. A served interval at level L is the model's 80%
 * interval scaled by the factor for L — so each series keeps its own (model-given) scale and
 * asymmetry while the panel's coverage is measured, not assumed. Model variances are wrong in
 * both directions (Theta's in-sample σ on hourly data covers ~0.9, MSTL's ~0.74): this is the fix.
 */
export const REFERENCE_LEVEL = 0.8;
export const CALIBRATION_LEVELS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.975, 0.99];
/** Forecast origins held out at fit time (each a fit of the family on a shortened panel). */
const HOLDOUT_ORIGINS = 2;
/** Ratios per step's quantile: neighbouring steps are pooled until about this many. */
const MIN_POOL = 200;

export interface Calibration {
  /** factors[h][j]: width factor at step h + 1 for CALIBRATION_LEVELS[j]. */
  factors: number[][];
  /** Ratios the quantiles came from (series × steps). */
  samples: number;
}

interface CalibratedState {
  family: string;
  calibrated: unknown;
  calibration: Calibration;
}

function halfWidthFloor(mean: number): number {
  return 1e-9 * (Math.abs(mean) + 1);
}

/** |error| over the reference half-width on the error's side (≤ 1 inside the reference interval). */
function ratios(forecast: SeriesForecast, actual: Float64Array): number[] {
  const band = forecast.intervals[0];
  return Array.from(actual, (y, h) => {
    const m = forecast.mean[h];
    const width = y >= m ? band.upper[h] - m : m - band.lower[h];
    return Number.isFinite(y) && Number.isFinite(m) ? Math.abs(y - m) / Math.max(width, halfWidthFloor(m)) : NaN;
  });
}

/** The conformal quantile ⌈(n + 1)·L⌉ / n of the sorted sample (its largest value beyond it). */
function conformalQuantile(sorted: number[], level: number): number {
  const k = Math.min(sorted.length, Math.ceil((sorted.length + 1) * level));
  return sorted[Math.max(0, k - 1)];
}

export function calibrationFrom(byStep: number[][]): Calibration | undefined {
  const horizon = byStep.length;
  const perStep = Math.max(1, ...byStep.map((r) => r.length));
  const half = Math.min(horizon, Math.ceil(Math.max(0, MIN_POOL / perStep - 1) / 2));
  const factors: number[][] = [];
  for (let h = 0; h < horizon; h++) {
    const pool = byStep
      .slice(Math.max(0, h - half), h + half + 1)
      .flat()
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
    if (pool.length < 10) return undefined;
    factors.push(CALIBRATION_LEVELS.map((l) => conformalQuantile(pool, l)));
  }
  return { factors, samples: byStep.reduce((a, r) => a + r.length, 0) };
}

/** The width factor at a level, interpolated on the grid (0 at level 0; normal tails beyond 0.99). */
export function factorAt(row: number[], level: number): number {
  const levels = CALIBRATION_LEVELS;
  const last = levels.length - 1;
  if (level >= levels[last]) return (row[last] * normalQuantile(level)) / normalQuantile(levels[last]);
  const j = levels.findIndex((l) => l >= level);
  const [l0, f0] = j === 0 ? [0, 0] : [levels[j - 1], row[j - 1]];
  return f0 + ((row[j] - f0) * (level - l0)) / (levels[j] - l0);
}

function cut(panel: SeriesPanel, steps: number): SeriesPanel {
  const keep = (s: SeriesHistory) => s.values.length - steps;
  return {
    ...panel,
    series: panel.series.map((s) => ({
      ...s,
      values: s.values.subarray(0, keep(s)),
      timestamps: s.timestamps.subarray(0, keep(s)),
      ...(s.known
        ? { known: Object.fromEntries(Object.entries(s.known).map(([k, v]) => [k, v.subarray(0, keep(s))])) }
        : {}),
    })),
  };
}

/** Fits on the panel less its last `back` steps and adds each series' ratios for the next `horizon` steps; false when it cannot. */
async function holdoutRatios(
  family: SeriesModelFamily,
  panel: SeriesPanel,
  params: Readonly<Record<string, unknown>>,
  context: FitContext,
  back: number,
  byStep: number[][],
): Promise<boolean> {
  const h = context.horizon;
  const held = { ...panel, series: panel.series.filter((s) => s.values.length - back >= 3) };
  if (held.series.length === 0) return false;
  const history = cut(held, back);
  let model: FittedSeriesModel;
  try {
    model = await family.fit(history, params, {
      horizon: h,
      seed: context.seed,
      threads: context.threads,
      shouldStop: context.shouldStop,
    });
  } catch {
    return false; // a panel too short to hold out: the model's own intervals stay
  }
  history.series.forEach((s, i) => {
    const full = held.series[i];
    const n = s.values.length;
    const futureKnown = full.known
      ? Object.fromEntries(Object.entries(full.known).map(([k, v]) => [k, v.subarray(n, n + h)]))
      : undefined;
    try {
      const f = model.forecast({ history: s, horizon: h, levels: [REFERENCE_LEVEL], futureKnown });
      ratios(f, full.values.subarray(n, n + h)).forEach((r, step) => byStep[step].push(r));
    } catch {
      // a series the family cannot forecast at this origin adds no ratios
    }
  });
  model.dispose?.();
  return true;
}

/**
 * Ratios from the last HOLDOUT_ORIGINS non-overlapping windows of `horizon` steps (one origin
 * alone is one calendar moment of the panel: a quiet quarter, a holiday week).
 */
async function holdoutCalibration(
  family: SeriesModelFamily,
  panel: SeriesPanel,
  params: Readonly<Record<string, unknown>>,
  context: FitContext,
): Promise<Calibration | undefined> {
  const h = context.horizon;
  const byStep: number[][] = Array.from({ length: h }, () => []);
  for (let k = 1; k <= HOLDOUT_ORIGINS; k++)
    if (!(await holdoutRatios(family, panel, params, context, k * h, byStep))) break;
  return calibrationFrom(byStep);
}

/** Rescales the model's reference interval to every requested level with the step's factors. */
export function applyCalibration(
  inner: FittedSeriesModel,
  calibration: Calibration,
  request: ForecastRequest,
): SeriesForecast {
  if (request.levels.length === 0) return inner.forecast(request);
  const f = inner.forecast({ ...request, levels: [REFERENCE_LEVEL] });
  const band = f.intervals[0];
  const steps = calibration.factors.length;
  const intervals: IntervalForecast[] = request.levels.map((level) => {
    const lower = new Float64Array(f.mean.length);
    const upper = new Float64Array(f.mean.length);
    f.mean.forEach((m, h) => {
      const k = factorAt(calibration.factors[Math.min(h, steps - 1)], level);
      const floor = halfWidthFloor(m);
      lower[h] = m - k * Math.max(m - band.lower[h], floor);
      upper[h] = m + k * Math.max(band.upper[h] - m, floor);
    });
    return { level, lower, upper };
  });
  return { mean: f.mean, intervals };
}

function calibratedModel(name: string, inner: FittedSeriesModel, calibration: Calibration): FittedSeriesModel {
  return {
    family: name,
    seriesIds: inner.seriesIds,
    knownInputs: inner.knownInputs,
    forecast: (request) => applyCalibration(inner, calibration, request),
    state: (): CalibratedState => ({ family: name, calibrated: inner.state(), calibration }),
    dispose: () => inner.dispose?.(),
  };
}

/**
 * The family with conformally calibrated intervals (param `intervals`: `conformal`, the default,
 * or `model` for the family's own). Saved states of uncalibrated models still load.
 */
export function calibratedFamily(family: SeriesModelFamily): SeriesModelFamily {
  if (family.calibratesIntervals) return family; // global_mlp: split-conformal on its own validation windows
  return {
    name: family.name,
    scope: family.scope,
    async fit(panel, params, context) {
      const how = choiceParam(params, 'intervals', ['conformal', 'model'], 'conformal');
      const inner = await family.fit(panel, params, context);
      if (how === 'model') return inner;
      const calibration = await holdoutCalibration(family, panel, params, context);
      return calibration ? calibratedModel(family.name, inner, calibration) : inner;
    },
    load(state) {
      const s = state as Partial<CalibratedState> | null;
      if (s && typeof s === 'object' && 'calibrated' in s && s.calibration && Array.isArray(s.calibration.factors))
        return calibratedModel(family.name, family.load(s.calibrated), s.calibration);
      return family.load(state);
    },
  };
}
