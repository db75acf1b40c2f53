import { TrainingInputError } from '../errors';
import { naive2Forecast } from '../models/naive2';
import { observedValues } from '../models/observed';
import { FittedSeriesModel, SeriesModelFamily, SeriesPanel } from '../models/series-model';
import { MSIS_LEVEL, OriginScore, panelScore, PanelScore, scoreOrigin } from './panel-scores';

export interface BacktestOptions {
  horizon: number;
  /** Number of forecast origins per series (the last one ends at the series' end). */
  origins?: number;
  /** Steps between consecutive origins (default: the horizon, non-overlapping test windows). */
  step?: number;
  /** Interval levels to score (MSIS needs 0.95). */
  levels?: number[];
  /** MASE period (M4: 1 for yearly, weekly and daily; 4, 12, 24 otherwise). */
  masePeriod: number;
  /** Period of the Naive2 benchmark's seasonality test (M4 used the same as masePeriod). */
  naive2Period?: number;
  params?: Readonly<Record<string, unknown>>;
  seed?: number;
  /** Threads data-parallel families may train on (default 1). */
  threads?: number;
}

export interface BacktestResult {
  family: string;
  scores: OriginScore[];
  panel: PanelScore;
  /** Wall time of fitting and forecasting, in milliseconds. */
  fitMs: number;
  forecastMs: number;
}

function truncate(panel: SeriesPanel, cutFromEnd: number): SeriesPanel {
  return {
    ...panel,
    series: panel.series.map((s) => ({
      ...s,
      values: s.values.subarray(0, s.values.length - cutFromEnd),
      timestamps: s.timestamps.subarray(0, s.timestamps.length - cutFromEnd),
      known:
        s.known &&
        Object.fromEntries(Object.entries(s.known).map(([k, v]) => [k, v.subarray(0, v.length - cutFromEnd)])),
    })),
  };
}

/**
 * Rolling-origin evaluation of a family over a panel, M4-style: at each origin the family is fitted
 * on every series cut at the origin (a global family once per origin, on the whole cut panel),
 * forecasts `horizon` steps, and is scored against the actuals next to Naive2 on the same origin.
 * The cut copies end at the origin, so nothing after it reaches the fit.
 */
export async function backtest(
  family: SeriesModelFamily,
  panel: SeriesPanel,
  options: BacktestOptions,
): Promise<BacktestResult> {
  const { horizon, masePeriod } = options;
  const origins = options.origins ?? 1;
  const step = options.step ?? horizon;
  const levels = options.levels ?? [0.8, MSIS_LEVEL];
  if (!Number.isInteger(origins) || origins < 1)
    throw new TrainingInputError(`origins must be a positive integer, got ${origins}`);
  const shortest = Math.min(...panel.series.map((s) => s.values.length));
  const longestCut = horizon + (origins - 1) * step;
  if (shortest - longestCut < 2)
    throw new TrainingInputError(
      `a backtest of ${origins} origin(s) with horizon ${horizon} needs series longer than ${longestCut + 1}; the shortest has ${shortest}`,
    );
  const scores: OriginScore[] = [];
  let fitMs = 0;
  let forecastMs = 0;
  for (let k = origins - 1; k >= 0; k--) {
    const cut = horizon + k * step;
    const train = truncate(panel, cut);
    let t0 = performance.now();
    const model: FittedSeriesModel = await family.fit(train, options.params ?? {}, {
      horizon,
      seed: options.seed ?? 0,
      threads: options.threads,
    });
    fitMs += performance.now() - t0;
    t0 = performance.now();
    panel.series.forEach((full, i) => {
      const history = train.series[i];
      const origin = history.values.length;
      const actual = full.values.slice(origin, origin + horizon);
      const forecast = model.forecast({ history, horizon, levels });
      const insample = observedValues(history.values);
      const baseline = naive2Forecast(insample, options.naive2Period ?? masePeriod, horizon, []);
      scores.push(scoreOrigin(full.id, insample, actual, forecast, baseline, masePeriod));
    });
    forecastMs += performance.now() - t0;
    model.dispose?.();
  }
  return { family: family.name, scores, panel: panelScore(scores), fitMs, forecastMs };
}
