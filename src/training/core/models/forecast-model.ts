import type { LossName } from './hyperparams';
import type { WindowSet } from '../series/windows';

/** Architecture and optimiser settings of a forecaster (everything needed to rebuild it). */
export interface ModelSpec {
  seqLength: number;
  nFeatures: number;
  layers: number;
  units: number;
  dropout: number;
  learningRate: number;
  loss: LossName;
  seed: number;
  /**
   * How the output layer starts. `zeros`: the untrained model answers exactly 0, which the
   * return target reads as persistence, so training starts at the naive baseline instead of a
   * random bias. Default (absent): seeded Glorot, as for the level target.
   */
  outputInit?: 'zeros' | 'glorot';
}

export interface EpochLog {
  /** 1-based. */
  epoch: number;
  loss: number;
  val_loss: number;
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  /** Epochs without val_loss improvement before stopping (Keras semantics: 0 = stop at the first). */
  patience: number;
  /** After every epoch; resolve to `true` to stop training (e.g. the job was cancelled). */
  onEpoch?: (log: EpochLog) => void | boolean | Promise<void | boolean>;
  /** Polled after every batch; `true` stops training as soon as the batch ends. */
  shouldStop?: () => boolean;
}

export interface FitResult {
  history: EpochLog[];
  /** Early stopping ended training (patience exhausted). */
  stoppedEarly: boolean;
  /** onEpoch or shouldStop asked to stop. */
  cancelled: boolean;
  /** Epoch whose weights the model holds after fit (best val_loss); 0 if none completed. */
  bestEpoch: number;
  bestValLoss: number;
}

/**
 * The engine boundary: jobs, tracking and serving only see this, so a faster engine can
 * replace tfjs-layers without touching them. Inputs are windows flattened row-major as
 * [count, seqLength, nFeatures]; outputs are one scaled value per window.
 */
export interface ForecastModel {
  readonly spec: ModelSpec;
  /** Engine/backend that computes, e.g. `tfjs-wasm`. */
  readonly backend: string;
  fit(train: WindowSet, validation: WindowSet, options: FitOptions): Promise<FitResult>;
  predict(x: Float32Array, count: number): Float32Array;
  /** Writes the model into `dir` (created if needed). */
  save(dir: string): Promise<void>;
  dispose(): void;
}

export interface ForecastModelFactory {
  build(spec: ModelSpec): ForecastModel;
  load(dir: string): Promise<ForecastModel>;
}
