import { OriginScore, panelScore, PanelScore, scoreOrigin } from '../evaluation/panel-scores';
import { FittedSeriesModel, modelFamily, SeriesForecast, SeriesPanel } from '../models';
import { withTransform } from '../models/transformed';
import { knownSlice, splitPanel, toPanel } from '../series/panel';
import type { SeriesDataset } from '../series/series-dataset';
import type { SeriesTrainingParams } from './series-params';

/** The M4 period of MASE and Naive2 per frequency (M4 treated daily, weekly and yearly data as non-seasonal). */
export function masePeriod(frequency: string): number {
  return ({ H: 24, M: 12, Q: 4 } as Record<string, number>)[frequency] ?? 1;
}

export interface SeriesTrainInput {
  dataset: SeriesDataset;
  params: SeriesTrainingParams;
  onProgress?: (fraction: number, info?: Record<string, number>) => void | Promise<void>;
  shouldStop?: () => boolean;
  /** Threads data-parallel families may train on (default 1). */
  threads?: number;
}

/** One series' test forecast beside its actuals and the seasonal-naive baseline (for plots and per-series reports). */
export interface SeriesTestForecast {
  id: string;
  timestamps: number[];
  actual: number[];
  predicted: number[];
  baseline: number[];
  lower?: number[];
  upper?: number[];
  smape: number;
  mase: number;
  owa: number;
}

export interface SeriesTrainResult {
  /** Fitted on train + validation: scored on the test part, and the model served. */
  model: FittedSeriesModel;
  metrics: Record<string, number>;
  /** Per step metrics (coverage per horizon step), as metric → values by step. */
  stepMetrics: Record<string, number[]>;
  test: SeriesTestForecast[];
  panel: SeriesPanel;
  fitMs: number;
  cancelled: boolean;
}

interface PartScore {
  model: PanelScore;
  baseline: PanelScore;
  scores: OriginScore[];
  forecasts: SeriesForecast[];
  baselines: SeriesForecast[];
}

/**
 * Trains one family on a series dataset, M4-style: every series cut at the same distances
 * from its end (train / validation / test). The family is fitted on the training parts and
 * scored on the validation steps, then fitted on train + validation and scored on the test
 * steps; Naive2 (for OWA) and seasonal naive (for skill, and the promotion floor) forecast
 * from exactly the same origins. Pure: the caller logs and saves the result.
 */
export async function trainSeriesModel(input: SeriesTrainInput): Promise<SeriesTrainResult> {
  const { params: p } = input;
  const panel = toPanel(input.dataset);
  const split = splitPanel(panel, { validation: p.validation_steps, test: p.test_steps }, 2);
  const family = withTransform(modelFamily(p.model), p.transform);
  const t0 = performance.now();
  const context = (fraction0: number) => ({
    horizon: p.horizon,
    seed: p.seed,
    threads: input.threads,
    shouldStop: input.shouldStop,
    onProgress: (f: number, info?: Record<string, number>) => input.onProgress?.(fraction0 + f / 2, info),
  });
  const valModel = await family.fit(split.train, p.family, { ...context(0), validation: validationPart(split) });
  const val = await score(valModel, split.train, panel, p);
  valModel.dispose?.();
  if (input.shouldStop?.()) return { ...empty(panel, performance.now() - t0), cancelled: true, model: valModel };
  const model = await family.fit(split.trainValidation, p.family, context(0.5));
  const fitMs = performance.now() - t0;
  const test = await score(model, split.trainValidation, panel, p);
  return {
    model,
    metrics: { ...metricsOf('val', val), ...metricsOf('test', test), fit_seconds: fitMs / 1000 },
    stepMetrics: stepMetricsOf(test),
    test: testForecasts(split.trainValidation, panel, test, p.horizon),
    panel,
    fitMs,
    cancelled: false,
  };
}

function empty(panel: SeriesPanel, fitMs: number) {
  return { metrics: {}, stepMetrics: {}, test: [], panel, fitMs };
}

/** The validation steps of every series (the part after its training part), for early stopping and weights. */
function validationPart(split: ReturnType<typeof splitPanel>): SeriesPanel {
  return {
    ...split.trainValidation,
    series: split.trainValidation.series.map((s, i) => {
      const from = split.train.series[i].values.length;
      return {
        id: s.id,
        values: s.values.subarray(from),
        timestamps: s.timestamps.subarray(from),
        ...(s.known ? { known: knownSlice(s, from, s.values.length) } : {}),
      };
    }),
  };
}

/** Forecasts `horizon` steps from the end of every series of `history` and scores them against `full`. */
async function score(
  model: FittedSeriesModel,
  history: SeriesPanel,
  full: SeriesPanel,
  p: SeriesTrainingParams,
): Promise<PartScore> {
  const m = masePeriod(full.frequency.replace(/^1(?=\D)/, ''));
  const naive2 = modelFamily('naive2');
  const snaive = modelFamily('seasonal_naive');
  const context = { horizon: p.horizon, seed: p.seed };
  const baselines = {
    // Naive2 as M4 scored it: seasonally adjusted with M4's period of the frequency (none for daily and weekly).
    naive2: await naive2.fit(history, { period: m, intervals: 'model' }, context),
    snaive: await snaive.fit(history, { intervals: 'model' }, context),
  };
  const scores: OriginScore[] = [];
  const baseScores: OriginScore[] = [];
  const forecasts: SeriesForecast[] = [];
  const snaiveForecasts: SeriesForecast[] = [];
  history.series.forEach((h, i) => {
    const n = h.values.length;
    const s = full.series[i];
    const actual = s.values.subarray(n, n + p.horizon);
    const request = (levels: number[]) => ({
      history: h,
      horizon: p.horizon,
      levels,
      futureKnown: knownSlice(s, n, n + p.horizon),
    });
    const forecast = model.forecast(request(p.interval_levels));
    const n2 = baselines.naive2.forecast(request([]));
    const sn = baselines.snaive.forecast(request([]));
    scores.push(scoreOrigin(h.id, h.values, actual, forecast, n2, m));
    baseScores.push(scoreOrigin(h.id, h.values, actual, sn, n2, m));
    forecasts.push(forecast);
    snaiveForecasts.push(sn);
  });
  return {
    model: panelScore(scores),
    baseline: panelScore(baseScores),
    scores,
    forecasts,
    baselines: snaiveForecasts,
  };
}

const pct = (level: string) => String(Math.round(Number(level) * 100));

function metricsOf(part: 'val' | 'test', s: PartScore): Record<string, number> {
  const out: Record<string, number> = {
    [`${part}_smape`]: s.model.smape,
    [`${part}_mase`]: s.model.mase,
    [`${part}_owa`]: s.model.owa,
    [`${part}_naive2_smape`]: s.model.naive2Smape,
    [`${part}_naive2_mase`]: s.model.naive2Mase,
    [`${part}_snaive_smape`]: s.baseline.smape,
    [`${part}_snaive_mase`]: s.baseline.mase,
    [`${part}_snaive_owa`]: s.baseline.owa,
    // Skill against seasonal naive on the same origins: 1 - MASE / MASE of seasonal naive (> 0: better).
    [`${part}_skill`]: 1 - s.model.mase / s.baseline.mase,
    [`${part}_series`]: s.scores.length,
  };
  if (s.model.msis !== undefined) out[`${part}_msis`] = s.model.msis;
  for (const [level, value] of Object.entries(s.model.coverageAll)) out[`${part}_coverage_${pct(level)}`] = value;
  return Object.fromEntries(Object.entries(out).filter(([, v]) => Number.isFinite(v)));
}

function stepMetricsOf(s: PartScore): Record<string, number[]> {
  return Object.fromEntries(
    Object.entries(s.model.coverage).map(([level, perStep]) => [`test_coverage_${pct(level)}_step`, perStep]),
  );
}

function testForecasts(history: SeriesPanel, full: SeriesPanel, s: PartScore, horizon: number): SeriesTestForecast[] {
  return history.series.map((h, i) => {
    const n = h.values.length;
    const f = s.forecasts[i];
    const band = f.intervals[0];
    return {
      id: h.id,
      timestamps: Array.from(full.series[i].timestamps.subarray(n, n + horizon)),
      actual: Array.from(full.series[i].values.subarray(n, n + horizon)),
      predicted: Array.from(f.mean),
      baseline: Array.from(s.baselines[i].mean),
      ...(band ? { lower: Array.from(band.lower), upper: Array.from(band.upper) } : {}),
      smape: s.scores[i].smape,
      mase: s.scores[i].mase,
      owa: s.scores[i].owa,
    };
  });
}
