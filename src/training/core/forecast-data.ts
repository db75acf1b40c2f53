import { CleanBar } from './bars';
import { seasonalLag } from './baselines';
import { Dataset, prepareDataset, PreprocessingJSON, preprocessingJSON } from './dataset';
import { TrainingInputError } from './errors';
import type { PartForecasts } from './evaluation';
import type { ExogenousBars } from './features';
import type { ForecastModel } from './forecast-model';
import type { TrainingParams } from './hyperparams';
import type { IntervalsJSON } from './intervals';
import { PreprocessingV2, prepareReturnDataset, ReturnDataset, returnPreprocessingJSON } from './return-dataset';
import { WindowSet } from './windows';

/** Either formulation: `return` (default, preprocessing format 2) or `level` (format 1). */
export type ForecastData = Dataset | ReturnDataset;
export type AnyPreprocessing = PreprocessingJSON | PreprocessingV2;

/**
 * The dataset for `p.target`, checked for everything the evaluation needs as well (the
 * seasonal baseline must find a close one season back for every evaluation day).
 */
export function prepareForecastData(
  bars: readonly CleanBar[],
  p: TrainingParams,
  exo: ExogenousBars = {},
): ForecastData {
  if (bars.length === 0) throw new TrainingInputError('no price data to train on');
  const data = p.target === 'level' ? prepareDataset(bars, p) : prepareReturnDataset(bars, p, exo);
  const lag = seasonalLag(p.horizon, p.seasonal_period);
  if (lag >= data.split.train.rows) {
    throw new TrainingInputError(
      `seasonal_period ${p.seasonal_period} is larger than the data allows: the seasonal-naive baseline looks back ${lag} rows ` +
        `but the training part has ${data.split.train.rows}; use a smaller seasonal_period or more data`,
    );
  }
  return data;
}

/** The model's forecasts for a part's target rows, as prices (actuals: the raw closes). */
export function predictPart(model: ForecastModel, d: ForecastData, w: WindowSet): PartForecasts {
  const out = model.predict(w.x, w.count);
  const predicted =
    d.kind === 'level'
      ? d.scaler.inverseTransformColumn('close', out)
      : w.targetRows.map((t, i) => d.closes[t - d.horizon] * Math.exp(out[i] * d.targetScale));
  return {
    targetRows: [...w.targetRows],
    dates: w.targetRows.map((t) => d.dates[t]),
    actual: w.targetRows.map((t) => d.closes[t]),
    predicted,
  };
}

export function preprocessingOf(d: ForecastData, intervals: IntervalsJSON): AnyPreprocessing {
  return d.kind === 'level' ? { ...preprocessingJSON(d), intervals } : returnPreprocessingJSON(d, intervals);
}
