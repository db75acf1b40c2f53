import { CleanBar } from './bars';
import { backtestBlocks } from '../evaluation/price-backtest';
import { seasonalLag } from '../evaluation/baselines';
import { Dataset, prepareDataset, PreprocessingJSON, preprocessingJSON } from './dataset';
import { TrainingInputError } from '../errors';
import type { PartForecasts } from '../evaluation/evaluation';
import type { ExogenousBars } from './features';
import type { ForecastModel } from '../models/forecast-model';
import type { TrainingParams } from '../models/hyperparams';
import { IntervalScale, IntervalsJSON, volatilityOf } from '../evaluation/intervals';
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
  if (p.backtest_folds > 0) backtestBlocks(bars.length, data.split, p);
  return data;
}

/**
 * How intervals are scaled: by the volatility of the returns inside the input window when
 * the inputs carry closes (every return model; level models with a close feature).
 */
export function intervalScale(d: ForecastData): IntervalScale {
  const returns = d.kind === 'return' ? d.seqLength : d.features.includes('close') ? d.seqLength - 1 : 0;
  if (returns < 2) return { kind: 'none' };
  const train = d.split.train;
  const r = [];
  for (let t = Math.max(1, train.start + 1); t < train.end; t++) r.push(Math.log(d.closes[t] / d.closes[t - 1]));
  const rms = Math.sqrt(r.reduce((a, b) => a + b * b, 0) / Math.max(1, r.length));
  return { kind: 'window_volatility', returns, floor: 0.25 * rms };
}

/** The model's forecasts for a part's target rows, as prices (actuals: the raw closes). */
export function predictPart(model: ForecastModel, d: ForecastData, w: WindowSet, scale: IntervalScale): PartForecasts {
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
    sigmas: w.targetRows.map((t) => volatilityOf(d.closes, t - d.horizon, scale)),
  };
}

export function preprocessingOf(d: ForecastData, intervals: IntervalsJSON): AnyPreprocessing {
  return d.kind === 'level' ? { ...preprocessingJSON(d), intervals } : returnPreprocessingJSON(d, intervals);
}
