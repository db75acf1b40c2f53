import { ensureBackend, initBackend, BackendPreference } from './backend';
import { CleanBar } from '../series/bars';
import { BacktestResult, rollingOriginBacktest } from '../evaluation/price-backtest';
import { persistence } from '../evaluation/baselines';
import { evaluateForecasts, modelBands } from '../evaluation/evaluation';
import type { ExogenousBars } from '../series/features';
import {
  AnyPreprocessing,
  ForecastData,
  intervalScale,
  predictPart,
  prepareForecastData,
  preprocessingOf,
} from '../series/forecast-data';
import type { TrainingParams } from './hyperparams';
import { calibrate } from '../evaluation/intervals';
import type { EpochLog, ForecastModel, ForecastModelFactory, ModelSpec } from './forecast-model';
import { ENGINE_FACTORIES } from './engines';

export interface TrainInput {
  /** Cleaned, date-sorted bars (see cleanBars). */
  bars: readonly CleanBar[];
  /** Validated parameters (see validateParams). */
  params: TrainingParams;
  /** Exogenous series named in `params.exogenous` (cleaned bars, same source and period). */
  exogenous?: ExogenousBars;
  onEpoch?: (log: EpochLog) => void | boolean | Promise<void | boolean>;
  shouldStop?: () => boolean;
  /** Engine; by default the one `params.engine` names. */
  factory?: ForecastModelFactory;
  /** Backend preference; default: the one already initialised, else node → wasm → cpu. */
  backend?: BackendPreference;
}

/** Metric keys as logged to MLflow (see evaluateForecasts): errors in price units, MAPE in percent. */
export type TrainMetrics = Record<string, number>;

export interface TestPrediction {
  date: string;
  actual: number;
  predicted: number;
  /** Persistence baseline for the same date. */
  naive: number;
  /** The first interval level's band (e.g. 80%). */
  lower?: number;
  upper?: number;
}

export interface TrainResult {
  model: ForecastModel;
  data: ForecastData;
  metrics: TrainMetrics;
  history: EpochLog[];
  predictions: TestPrediction[];
  stoppedEarly: boolean;
  cancelled: boolean;
  bestEpoch: number;
  backend: string;
  dataRange: { first_date: string; last_date: string; rows: number };
  /** Ready for preprocessing.json / writeMlflowModel. */
  preprocessing: AnyPreprocessing;
  /** One raw input window (the latest), for input_example.json. */
  inputExample: number[][];
  windows: { train: number; validation: number; test: number };
  /** Rolling-origin backtest (params.backtest_folds > 0); its pooled metrics are in `metrics` too. */
  backtest?: BacktestResult;
}

/**
 * Trains and evaluates one forecaster: dataset preparation, model fit with early stopping,
 * validation/test metrics in price units against the persistence baseline. Pure: no tracking
 * or file I/O; the caller logs the result. The caller owns `result.model` (dispose it).
 */
export async function trainForecaster(input: TrainInput): Promise<TrainResult> {
  const { params: p } = input;
  const backend = await (input.backend ? initBackend(input.backend) : ensureBackend());
  const data = prepareForecastData(input.bars, p, input.exogenous);
  const model = (input.factory ?? ENGINE_FACTORIES[p.engine]).build(modelSpec(p, data.features.length));
  try {
    const fit = await model.fit(data.train, data.validation, {
      epochs: p.epochs,
      batchSize: p.batch_size,
      patience: p.patience,
      onEpoch: input.onEpoch,
      shouldStop: input.shouldStop,
    });
    const scale = intervalScale(data);
    const val = predictPart(model, data, data.validation, scale);
    const test = predictPart(model, data, data.test, scale);
    // Conformal scores come from validation, where no weight was fitted (early stopping only picked the epoch).
    const intervals = calibrate(val.actual, val.predicted, p.interval_levels, val.sigmas, scale);
    const metrics = evaluateForecasts(val, test, {
      closes: data.closes,
      horizon: p.horizon,
      seasonalPeriod: p.seasonal_period,
      train: data.split.train,
      intervals,
    });
    const preprocessing = preprocessingOf(data, intervals);
    const backtest =
      p.backtest_folds > 0 && !fit.cancelled
        ? await rollingOriginBacktest(input.bars, p, data.split, (bars, params) => trainFold(input, bars, params))
        : undefined;
    if (backtest) Object.assign(metrics, backtest.pooled);
    const naive = persistence(data.closes, test.targetRows, p.horizon);
    const band = modelBands(test, intervals)[0];
    return {
      model,
      data,
      metrics,
      history: fit.history,
      predictions: test.actual.map((actual, i) => ({
        date: test.dates[i],
        actual,
        predicted: test.predicted[i],
        naive: naive[i],
        lower: band.lower[i],
        upper: band.upper[i],
      })),
      stoppedEarly: fit.stoppedEarly,
      cancelled: fit.cancelled,
      bestEpoch: fit.bestEpoch,
      // tfjs models report their tfjs backend (`wasm`, ...), the fused engine itself.
      backend: model.backend.startsWith('tfjs-') ? backend : model.backend,
      dataRange: preprocessing.data_range,
      preprocessing,
      inputExample: preprocessing.last_window.values,
      windows: { train: data.train.count, validation: data.validation.count, test: data.test.count },
      ...(backtest ? { backtest } : {}),
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/** One backtest fold: a fresh model on the fold's past, no per-epoch reporting, same stop signal. */
async function trainFold(input: TrainInput, bars: readonly CleanBar[], params: TrainingParams) {
  const r = await trainForecaster({ ...input, bars, params, onEpoch: undefined });
  r.model.dispose();
  return r;
}

export function modelSpec(p: TrainingParams, nFeatures: number): ModelSpec {
  return {
    seqLength: p.seq_length,
    nFeatures,
    layers: p.layers,
    units: p.units,
    dropout: p.dropout,
    learningRate: p.learning_rate,
    loss: p.loss,
    seed: p.seed,
    ...(p.target === 'return' ? { outputInit: 'zeros' as const } : {}),
  };
}
