import { ensureBackend, initBackend, BackendPreference } from './backend';
import { CleanBar } from './bars';
import { Dataset, prepareDataset, preprocessingJSON, PreprocessingJSON } from './dataset';
import type { TrainingParams } from './hyperparams';
import { errorMetrics, naiveForecast, skill } from './metrics';
import type { EpochLog, ForecastModel, ForecastModelFactory, ModelSpec } from './forecast-model';
import { ENGINE_FACTORIES } from './engines';
import { MinMaxScaler } from './scaler';
import { WindowSet } from './windows';

export interface TrainInput {
  /** Cleaned, date-sorted bars (see cleanBars). */
  bars: readonly CleanBar[];
  /** Validated parameters (see validateParams). */
  params: TrainingParams;
  onEpoch?: (log: EpochLog) => void | boolean | Promise<void | boolean>;
  shouldStop?: () => boolean;
  /** Engine; by default the one `params.engine` names. */
  factory?: ForecastModelFactory;
  /** Backend preference; default: the one already initialised, else node → wasm → cpu. */
  backend?: BackendPreference;
}

/** Metric keys as logged to MLflow. Errors are in price units, MAPE in percent. */
export interface TrainMetrics {
  val_mae: number;
  val_rmse: number;
  val_mape: number;
  test_mae: number;
  test_rmse: number;
  test_mape: number;
  naive_val_mae: number;
  naive_test_mae: number;
  naive_test_rmse: number;
  naive_test_mape: number;
  test_skill: number;
}

export interface TestPrediction {
  date: string;
  actual: number;
  predicted: number;
  /** Persistence baseline for the same date. */
  naive: number;
}

export interface TrainResult {
  model: ForecastModel;
  scaler: MinMaxScaler;
  metrics: TrainMetrics;
  history: EpochLog[];
  predictions: TestPrediction[];
  stoppedEarly: boolean;
  cancelled: boolean;
  bestEpoch: number;
  backend: string;
  dataRange: { first_date: string; last_date: string; rows: number };
  /** Ready for preprocessing.json / writeMlflowModel. */
  preprocessing: PreprocessingJSON;
  /** One raw input window (the latest), for input_example.json. */
  inputExample: number[][];
  windows: { train: number; validation: number; test: number };
}

/**
 * Trains and evaluates one forecaster: dataset preparation, model fit with early stopping,
 * validation/test metrics in price units against the persistence baseline. Pure: no tracking
 * or file I/O; the caller logs the result. The caller owns `result.model` (dispose it).
 */
export async function trainForecaster(input: TrainInput): Promise<TrainResult> {
  const { params: p } = input;
  const backend = await (input.backend ? initBackend(input.backend) : ensureBackend());
  const data = prepareDataset(input.bars, p);
  const model = (input.factory ?? ENGINE_FACTORIES[p.engine]).build(modelSpec(p, data.features.length));
  try {
    const fit = await model.fit(data.train, data.validation, {
      epochs: p.epochs,
      batchSize: p.batch_size,
      patience: p.patience,
      onEpoch: input.onEpoch,
      shouldStop: input.shouldStop,
    });
    const val = evaluate(model, data, data.validation);
    const test = evaluate(model, data, data.test);
    const preprocessing = preprocessingJSON(data);
    return {
      model,
      scaler: data.scaler,
      metrics: metricsOf(val, test),
      history: fit.history,
      predictions: test.actual.map((actual, i) => ({
        date: test.dates[i],
        actual,
        predicted: test.predicted[i],
        naive: test.naive[i],
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
    };
  } catch (err) {
    model.dispose();
    throw err;
  }
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
  };
}

interface Evaluation {
  dates: string[];
  actual: number[];
  predicted: number[];
  naive: number[];
}

/** Predictions back in price units; actuals are the raw closes (no float32 round trip). */
function evaluate(model: ForecastModel, d: Dataset, w: WindowSet): Evaluation {
  const scaled = model.predict(w.x, w.count);
  return {
    dates: w.targetRows.map((t) => d.dates[t]),
    actual: w.targetRows.map((t) => d.closes[t]),
    predicted: d.scaler.inverseTransformColumn('close', scaled),
    naive: naiveForecast(d.closes, w.targetRows, d.horizon),
  };
}

function metricsOf(val: Evaluation, test: Evaluation): TrainMetrics {
  const v = errorMetrics(val.actual, val.predicted);
  const t = errorMetrics(test.actual, test.predicted);
  const nv = errorMetrics(val.actual, val.naive);
  const nt = errorMetrics(test.actual, test.naive);
  return {
    val_mae: v.mae,
    val_rmse: v.rmse,
    val_mape: v.mape,
    test_mae: t.mae,
    test_rmse: t.rmse,
    test_mape: t.mape,
    naive_val_mae: nv.mae,
    naive_test_mae: nt.mae,
    naive_test_rmse: nt.rmse,
    naive_test_mape: nt.mape,
    test_skill: skill(t.mae, nt.mae),
  };
}
