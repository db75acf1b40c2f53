import { EarlyStopping } from '../../early-stopping';
import { TrainingInputError } from '../../../errors';
import type {
  EpochLog,
  FitOptions,
  FitResult,
  ForecastModel,
  ForecastModelFactory,
  ModelSpec,
} from '../../forecast-model';
import { seededRandom, shuffledIndices } from '../../../series/shuffle';
import type { WindowSet } from '../../../series/windows';
import { RecurrentActivation, TfjsLstmModel } from '../tfjs/tfjs-lstm.model';
import { FusedNetwork } from './fused-network';
import { fusedMemoryBytes, fusedUnsupportedReason } from './layout';
import { readLayersModel, UnsupportedModelError } from './layers-format';
import { lossAndGradient } from './losses';
import { exportTensors, importTensors, initialTensors, NamedTensor, tensorShapes } from './weights';

export { fusedUnsupportedReason };

export const FUSED_BACKEND = 'fused-wasm-simd';

/** Windows per forward pass when predicting (bounded so inference memory stays small). */
const PREDICT_CHUNK = 128;
const PREDICT_MEMORY_BYTES = 2 ** 28;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The fused LSTM engine: the whole network (forward, BPTT, Adam) runs in WebAssembly SIMD
 * kernels over preallocated memory (see fused-network.ts). It saves and loads the tfjs layers
 * format, so either engine reads the other's models.
 */
export class FusedLstmModel implements ForecastModel {
  readonly backend = FUSED_BACKEND;

  private constructor(
    readonly spec: ModelSpec,
    private readonly net: FusedNetwork,
  ) {}

  static build(spec: ModelSpec, recurrentActivation: RecurrentActivation = 'sigmoid'): FusedLstmModel {
    const model = FusedLstmModel.allocate(spec, recurrentActivation);
    model.setTensors(initialTensors(model.net.layout, spec.seed, spec.outputInit));
    return model;
  }

  /** A model with zero weights (loading skips the initialisers: up to a second for large models). */
  private static allocate(spec: ModelSpec, recurrentActivation: RecurrentActivation): FusedLstmModel {
    const reason = fusedUnsupportedReason(spec, 1);
    if (reason) throw new TrainingInputError(reason);
    return new FusedLstmModel({ ...spec }, new FusedNetwork({ ...spec, recurrentActivation }));
  }

  /** Loads a tfjs layers model written by either engine; UnsupportedModelError if it is not a plain stacked LSTM. */
  static async load(dir: string): Promise<FusedLstmModel> {
    const saved = await readLayersModel(dir);
    const tooLarge = fusedUnsupportedReason(saved.spec, 1);
    if (tooLarge) throw new UnsupportedModelError(tooLarge);
    const model = FusedLstmModel.allocate(saved.spec, saved.recurrentActivation);
    const expected = tensorShapes(model.net.layout);
    const shapes = saved.tensors.map((t) => t.shape.join('x'));
    if (shapes.join() !== expected.map((e) => e.shape.join('x')).join())
      throw new UnsupportedModelError(`weight shapes ${shapes.join(', ')} do not match the spec`);
    model.setTensors(saved.tensors.map((t) => t.values));
    return model;
  }

  get recurrentActivation(): RecurrentActivation {
    return this.net.options.recurrentActivation;
  }

  /** Weights in tfjs order and shapes. */
  getTensors(): NamedTensor[] {
    return exportTensors(this.net.layout, this.net.params);
  }

  setTensors(tensors: readonly Float32Array[]): void {
    importTensors(this.net.layout, tensors, this.net.params);
  }

  async fit(train: WindowSet, validation: WindowSet, o: FitOptions): Promise<FitResult> {
    const reason = fusedUnsupportedReason(this.spec, o.batchSize);
    if (reason) throw new TrainingInputError(reason);
    const net = this.net;
    const batch = Math.max(1, Math.min(o.batchSize, train.count));
    net.reserve(batch);
    const stopper = new EarlyStopping(o.patience, () => net.params.slice());
    const rand = seededRandom(this.spec.seed ^ 0x5bd1e995);
    net.seedDropout(Math.imul(this.spec.seed, 2654435761) + 1);
    let cancelled = false;
    for (let epoch = 1; epoch <= o.epochs && !cancelled; epoch++) {
      const loss = await this.trainEpoch(train, batch, shuffledIndices(train.count, rand), o);
      if (loss === null) {
        cancelled = true;
        break;
      }
      const log: EpochLog = { epoch, loss, val_loss: this.loss(validation) };
      const stop = stopper.update(log);
      if ((await o.onEpoch?.(log)) === true || o.shouldStop?.()) cancelled = true;
      if (stop) break;
    }
    stopper.restoreBest((weights) => net.params.set(weights));
    stopper.dispose();
    return {
      history: stopper.history,
      stoppedEarly: stopper.stopped,
      cancelled,
      bestEpoch: stopper.bestEpoch,
      bestValLoss: stopper.bestValLoss,
    };
  }

  /** Mean training loss of one shuffled epoch, or null when shouldStop cut it short. */
  private async trainEpoch(
    train: WindowSet,
    batch: number,
    order: ArrayLike<number>,
    o: FitOptions,
  ): Promise<number | null> {
    const net = this.net;
    let sum = 0;
    for (let first = 0; first < train.count; first += batch) {
      const n = Math.min(batch, train.count - first);
      net.loadInput(train.x, n, first, order);
      const pred = net.forward(n, true);
      sum += n * lossAndGradient(this.spec.loss, pred, train.y, order, first, n, net.outputGrad);
      net.backward(n);
      net.adam(this.spec.learningRate);
      if (o.shouldStop?.()) return null;
      await yieldToEventLoop();
    }
    return sum / train.count;
  }

  /** Mean loss over a window set (inference mode). */
  loss(w: WindowSet): number {
    return lossAndGradient(this.spec.loss, this.predict(w.x, w.count), w.y, null, 0, w.count, null);
  }

  predict(x: Float32Array, count: number): Float32Array {
    const perWindow = fusedMemoryBytes(this.spec, 2) - fusedMemoryBytes(this.spec, 1);
    const chunk = Math.max(1, Math.min(PREDICT_CHUNK, Math.floor(PREDICT_MEMORY_BYTES / perWindow)));
    return this.net.predict(x, count, chunk);
  }

  /** The tfjs layers format, through tfjs itself, so the file is exactly what tfjs writes. */
  async save(dir: string): Promise<void> {
    const tfjs = TfjsLstmModel.fromWeights(this.spec, this.getTensors(), this.recurrentActivation);
    try {
      await tfjs.save(dir);
    } finally {
      tfjs.dispose();
    }
  }

  dispose(): void {
    // The instance's memory goes with the last reference; nothing native to free.
  }
}

export const fusedLstmFactory: ForecastModelFactory = {
  build: (spec) => FusedLstmModel.build(spec),
  load: (dir) => FusedLstmModel.load(dir),
};
