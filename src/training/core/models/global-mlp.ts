import { TrainingInputError } from '../errors';
import { seededRandom } from '../series/shuffle';
import { checkLevels } from './intervals';
import { futureKnown, KnownInputs, knownInputs, pastKnown, requiredKnown, writeKnown } from './known-inputs';
import { Mlp, MlpJSON } from './mlp';
import { ParallelMlpTrainer } from './mlp-parallel';
import { numberParam } from './params';
import { observedValues } from './observed';
import { FittedSeriesModel, SeriesModelFamily, SeriesPanel } from './series-model';

/**
 * A global model in the spirit of N-BEATS (Oreshkin et al. 2020) and of M4's winner: one MLP
 * trained across every series of the panel, mapping the last `input_size` values to all
 * `horizon` future values at once (direct multi-step). Each window is scaled by its own mean
 * absolute input value (per-series, per-window scaling computed only from the inputs), so one
 * network serves series of any level and nothing after a window's end reaches its scaling.
 * Training windows end `horizon` steps before each series' end; those last steps calibrate
 * split-conformal intervals per horizon step (scaled absolute errors, one per series).
 * Known-in-advance covariates (promotions, prices, holidays; `covariates`: 'known' by default,
 * 'known+calendar' adds the calendar features of the target times, 'none') are read for every
 * target step beside the window, standardised over the training data: a forecast then needs
 * their future values.
 */
export interface GlobalMlpConfig {
  inputSize: number;
  horizon: number;
  hidden: number;
  layers: number;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** How far back from each series' end training windows are drawn, in horizons. */
  lookbackHorizons: number;
}

interface GlobalMlpState {
  family: 'global_mlp';
  config: GlobalMlpConfig;
  seriesIds: string[];
  network: MlpJSON;
  /** Per horizon step: sorted scaled absolute calibration errors. */
  scores: number[][];
  /** Known covariates read for the target steps (absent in models saved before they were). */
  known?: KnownInputs;
}

const NO_KNOWN: KnownInputs = { names: [], means: [], scales: [] };

/** The last `size` values before `end` (left-padded with the first value), divided by their mean |value|. */
function window(y: Float64Array, end: number, size: number): { x: Float64Array; scale: number } {
  const x = new Float64Array(size);
  let sum = 0;
  for (let i = 0; i < size; i++) {
    const t = end - size + i;
    x[i] = y[Math.max(0, t)];
    sum += Math.abs(x[i]);
  }
  const scale = sum > 0 ? sum / size : 1;
  for (let i = 0; i < size; i++) x[i] = x[i] / scale - 1;
  return { x, scale };
}

/** The network's input: the scaled window, then the standardised known covariates of the `horizon` target steps. */
function inputs(
  y: Float64Array,
  end: number,
  config: GlobalMlpConfig,
  known: KnownInputs,
  at: (name: string, j: number) => number,
): { x: Float64Array; scale: number } {
  const w = window(y, end, config.inputSize);
  if (known.names.length === 0) return w;
  const x = new Float64Array(config.inputSize + known.names.length * config.horizon);
  x.set(w.x);
  writeKnown(known, config.horizon, at, x, config.inputSize);
  return { x, scale: w.scale };
}

function configure(panel: SeriesPanel, params: Readonly<Record<string, unknown>>, horizon: number): GlobalMlpConfig {
  const seasonal = panel.seasonalPeriods.filter((p) => p <= 4 * horizon);
  const defaultInput = Math.max(2 * horizon, ...seasonal);
  return {
    horizon,
    inputSize: numberParam(params, 'input_size', defaultInput, { min: 1, max: 2000, int: true }),
    hidden: numberParam(params, 'hidden', 128, { min: 4, max: 1024, int: true }),
    layers: numberParam(params, 'layers', 2, { min: 1, max: 6, int: true }),
    steps: numberParam(params, 'steps', 1500, { min: 1, max: 1_000_000, int: true }),
    batchSize: numberParam(params, 'batch_size', 64, { min: 1, max: 4096, int: true }),
    learningRate: numberParam(params, 'learning_rate', 1e-3, { min: 1e-6, max: 1 }),
    lookbackHorizons: numberParam(params, 'lookback_horizons', 20, { min: 1, max: 10_000, int: true }),
  };
}

function quantile(sorted: number[], level: number): number {
  if (sorted.length === 0) return 0;
  const k = Math.min(sorted.length, Math.ceil((sorted.length + 1) * level));
  return sorted[k - 1];
}

function model(state: GlobalMlpState, network: Mlp): FittedSeriesModel {
  const { config } = state;
  return {
    family: 'global_mlp',
    seriesIds: state.seriesIds,
    knownInputs: requiredKnown(state.known),
    forecast(request) {
      if (!Number.isInteger(request.horizon) || request.horizon < 1 || request.horizon > config.horizon)
        throw new TrainingInputError(
          `horizon must be an integer in [1, ${config.horizon}] (the horizon this global_mlp was trained for), got ${request.horizon}`,
        );
      checkLevels(request.levels);
      const y = observedValues(request.history.values);
      const known = state.known ?? NO_KNOWN;
      const { x, scale } = inputs(y, y.length, config, known, futureKnown(known, request.futureKnown, request.horizon));
      const out = network.predict(x);
      const mean = Float64Array.from({ length: request.horizon }, (_, h) => (out[h] + 1) * scale);
      const intervals = request.levels.map((level) => {
        const q = state.scores.map((s) => quantile(s, level) * scale);
        return { level, lower: mean.map((v, h) => v - q[h]), upper: mean.map((v, h) => v + q[h]) };
      });
      return { mean, intervals };
    },
    state: () => ({ ...state, network: network.toJSON() }),
  };
}

export const globalMlpFamily: SeriesModelFamily = {
  name: 'global_mlp',
  scope: 'global',
  calibratesIntervals: true,
  async fit(panel, params, context) {
    const config = configure(panel, params, context.horizon);
    const h = config.horizon;
    const series = panel.series.map((s) => observedValues(s.values));
    const trainable = series.map((_, i) => i).filter((i) => series[i].length >= 2 * h + 1);
    if (trainable.length === 0)
      throw new TrainingInputError(`global_mlp needs series of at least ${2 * h + 1} values (twice the horizon + 1)`);
    const random = seededRandom(context.seed);
    const known = knownInputs(panel, params);
    const width = config.inputSize + known.names.length * h;
    const network = new Mlp([width, ...Array<number>(config.layers).fill(config.hidden), h], random);
    // Every core the caller grants: the same network for any thread count (fixed gradient shards).
    const trainer = ParallelMlpTrainer.create(network, context.threads ?? 1, config.batchSize);
    try {
      for (let step = 0; step < config.steps; step++) {
        if (context.shouldStop?.()) break;
        const batchX: Float64Array[] = [];
        const targets: Float64Array[] = [];
        for (let k = 0; k < config.batchSize; k++) {
          const i = trainable[Math.floor(random() * trainable.length)];
          const y = series[i];
          // Targets end at most at n − h: the last horizon is kept for calibration.
          const last = y.length - 2 * h;
          const first = Math.max(1, last - config.lookbackHorizons * h);
          const end = first + Math.floor(random() * (last - first + 1));
          const { x, scale } = inputs(y, end, config, known, pastKnown(panel.series[i], end));
          batchX.push(x);
          targets.push(Float64Array.from({ length: h }, (_, j) => y[end + j] / scale - 1));
        }
        const loss = trainer.trainBatch(batchX, targets, config.learningRate);
        if ((step + 1) % 100 === 0) await context.onProgress?.((step + 1) / config.steps, { loss });
      }
    } finally {
      await trainer.close();
    }
    const scores: number[][] = Array.from({ length: h }, () => []);
    for (const i of trainable) {
      const y = series[i];
      const end = y.length - h;
      const { x, scale } = inputs(y, end, config, known, pastKnown(panel.series[i], end));
      const out = network.predict(x);
      for (let j = 0; j < h; j++) scores[j].push(Math.abs(y[end + j] - (out[j] + 1) * scale) / scale);
    }
    scores.forEach((s) => s.sort((a, b) => a - b));
    const state: GlobalMlpState = {
      family: 'global_mlp',
      config,
      seriesIds: panel.series.map((s) => s.id),
      network: network.toJSON(),
      scores,
      known,
    };
    return model(state, network);
  },
  load(raw) {
    const s = raw as GlobalMlpState | null;
    if (!s || s.family !== 'global_mlp' || !s.network || !Array.isArray(s.scores))
      throw new TrainingInputError("not a saved 'global_mlp' model state");
    return model(s, Mlp.fromJSON(s.network));
  },
};
