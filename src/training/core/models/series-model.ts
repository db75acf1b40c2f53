/**
 * The contract between series datasets (core/series, the training pipeline, serving, monitors)
 * and model families (core/models/*: naive/seasonal naive/Naive2, exponential smoothing, theta,
 * the LSTM engines, global neural models, ensembles). A family is one file (or folder) that
 * exports a `SeriesModelFamily`; the registry in `core/models/index.ts` lists them by name, and
 * the `model` training param picks one.
 *
 * Pure: no Nest, no I/O except through `save`/`load` of a plain JSON state.
 */

/** One series of a panel, oldest first. `values[i]` was observed at `timestamps[i]` (epoch ms). NaN = missing. */
export interface SeriesHistory {
  id: string;
  values: Float64Array;
  timestamps: Float64Array;
  /** Known-in-advance covariates by name, aligned with `values` (optional). */
  known?: Record<string, Float64Array>;
}

/** What every family is fitted on: a panel of one or many series with one frequency. */
export interface SeriesPanel {
  series: SeriesHistory[];
  /** Step length in milliseconds for fixed frequencies (minutes..weeks); undefined for calendar months/quarters/years. */
  stepMs?: number;
  /** Frequency alias: 'min', '5min', 'H', 'D', 'B', 'W', 'M', 'Q', 'Y' (pandas-like). */
  frequency: string;
  /** Seasonal periods in steps, shortest first (e.g. [24, 168] hourly, [7] daily, [52] weekly, [12] monthly); may be empty. */
  seasonalPeriods: number[];
}

export interface IntervalForecast {
  /** Nominal coverage, e.g. 0.8. */
  level: number;
  lower: Float64Array;
  upper: Float64Array;
}

export interface SeriesForecast {
  /** Point forecast for steps 1..horizon after the history's last value. */
  mean: Float64Array;
  intervals: IntervalForecast[];
}

export interface ForecastRequest {
  /** The history up to the forecast origin (for a panel model: one of the series it was fitted on, or any series for families that allow it). */
  history: SeriesHistory;
  horizon: number;
  /** Interval levels in (0, 1); may be empty. */
  levels: number[];
  /** Known covariates for the horizon steps (same names as history.known). */
  futureKnown?: Record<string, Float64Array>;
}

export interface FitContext {
  /** Polled between expensive steps; true stops fitting (the job was cancelled). */
  shouldStop?: () => boolean;
  /** Progress in [0, 1] and an optional loss, for tracking. */
  onProgress?: (fraction: number, info?: Record<string, number>) => void | Promise<void>;
  /** Validation part (same series, the steps after the training part), for early stopping and weights. */
  validation?: SeriesPanel;
  /** The horizon the model will be asked for (direct multi-step models size their output by it). */
  horizon: number;
  seed: number;
  /** Threads a model may train on (data-parallel families); 1 when not given. Results do not depend on it. */
  threads?: number;
}

/** A fitted model: forecasts any history of the series it knows, and serialises to JSON. */
export interface FittedSeriesModel {
  readonly family: string;
  /** Series ids this model was fitted on (global models); empty for local families that refit per request. */
  readonly seriesIds: readonly string[];
  /** Declared known covariates whose future values every forecast needs (none for most families). */
  readonly knownInputs?: readonly string[];
  forecast(request: ForecastRequest): SeriesForecast;
  /** JSON-serialisable state; `family.load(state)` restores an equivalent model. */
  state(): unknown;
  dispose?(): void;
}

export interface SeriesModelFamily {
  /** The value of the `model` param, e.g. 'seasonal_naive', 'ets', 'theta', 'lstm', 'global_mlp', 'ensemble'. */
  readonly name: string;
  /** Whether one fit serves every series of a panel (global) or fits per series (local). */
  readonly scope: 'local' | 'global';
  /** True when the family calibrates its intervals out of sample itself (the registry adds no conformal layer). */
  readonly calibratesIntervals?: boolean;
  fit(panel: SeriesPanel, params: Readonly<Record<string, unknown>>, context: FitContext): Promise<FittedSeriesModel>;
  load(state: unknown): FittedSeriesModel;
}
