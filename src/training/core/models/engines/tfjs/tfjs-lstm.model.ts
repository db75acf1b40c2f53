import { promises as fs } from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import type { LossName } from '../../hyperparams';
import { WindowSet } from '../../../series/windows';
import { EarlyStopping } from '../../early-stopping';
import { epochOrder } from '../../../series/shuffle';

import type {
  EpochLog,
  FitOptions,
  FitResult,
  ForecastModel,
  ForecastModelFactory,
  ModelSpec,
} from '../../forecast-model';

export interface WeightTensor {
  shape: number[];
  values: Float32Array;
}

type DropoutArgs = { rate: number; seed?: number };
type LayerCall = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];
const DropoutLayer = tf.layers.dropout({ rate: 0.5 }).constructor as new (args: DropoutArgs) => tf.layers.Layer;

/**
 * tfjs's Dropout draws its mask from `seed` on every call: a fixed seed drops the same units
 * in every batch, no seed is unreproducible. This one derives a new seed per call from a
 * counter. It inherits the class name `Dropout`, so saved models stay standard tfjs files.
 */
class SeededDropout extends DropoutLayer {
  private calls = 0;
  private readonly baseSeed: number;

  constructor(args: DropoutArgs) {
    super(args);
    this.baseSeed = args.seed ?? 0;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
    const self = this as unknown as { seed: number };
    self.seed = this.baseSeed + 7919 * ++this.calls;
    try {
      return (super.call as unknown as LayerCall).call(this, inputs, kwargs);
    } finally {
      self.seed = this.baseSeed;
    }
  }
}

const LOSS_FNS: Record<LossName, string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor)> = {
  mae: 'meanAbsoluteError',
  mse: 'meanSquaredError',
  huber: (yTrue, yPred) => tf.losses.huberLoss(yTrue, yPred),
};

/**
 * tfjs warns that orthogonal initialisation of matrices over 2000 elements "may be slow"
 * (LSTM(32) already qualifies); it takes milliseconds here, so the warning is only noise.
 */
function quietOrthogonal<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith('Orthogonal initializer')) warn(...args);
  };
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

/** LSTM recurrent activations both engines compute (tfjs's own default is hard_sigmoid). */
export type RecurrentActivation = 'sigmoid' | 'hard_sigmoid';

/** tfjs identifier of each activation as the layer config takes it. */
const TFJS_ACTIVATION = { sigmoid: 'sigmoid', hard_sigmoid: 'hardSigmoid' } as const;

/**
 * Stacked LSTM → Dense(1), seeded initialisers, per-layer seeded dropout. The activations are
 * explicit (tanh, sigmoid as in Keras and PyTorch), so model.json states what was trained.
 */
function buildNetwork(spec: ModelSpec, recurrent: RecurrentActivation = 'sigmoid'): tf.Sequential {
  return quietOrthogonal(() => {
    const model = tf.sequential();
    for (let l = 0; l < spec.layers; l++) {
      const seed = spec.seed + 101 * l;
      model.add(
        tf.layers.lstm({
          units: spec.units,
          returnSequences: l < spec.layers - 1,
          activation: 'tanh',
          recurrentActivation: TFJS_ACTIVATION[recurrent],
          ...(l === 0 ? { inputShape: [spec.seqLength, spec.nFeatures] } : {}),
          kernelInitializer: tf.initializers.glorotUniform({ seed }),
          recurrentInitializer: tf.initializers.orthogonal({ seed: seed + 1 }),
        }),
      );
      if (spec.dropout > 0) model.add(new SeededDropout({ rate: spec.dropout, seed: seed + 2 }));
    }
    const kernelInitializer =
      spec.outputInit === 'zeros' ? tf.initializers.zeros() : tf.initializers.glorotUniform({ seed: spec.seed + 9973 });
    model.add(tf.layers.dense({ units: 1, kernelInitializer }));
    return model;
  });
}

export class TfjsLstmModel implements ForecastModel {
  readonly backend: string;

  private constructor(
    readonly spec: ModelSpec,
    private readonly model: tf.LayersModel,
  ) {
    this.backend = `tfjs-${tf.getBackend()}`;
    model.compile({ optimizer: tf.train.adam(spec.learningRate), loss: LOSS_FNS[spec.loss] });
  }

  static build(spec: ModelSpec): TfjsLstmModel {
    return new TfjsLstmModel({ ...spec }, buildNetwork(spec));
  }

  /** A tfjs model holding the given weights (tfjs order and shapes), e.g. to save another engine's model. */
  static fromWeights(spec: ModelSpec, weights: readonly WeightTensor[], recurrent: RecurrentActivation): TfjsLstmModel {
    const model = new TfjsLstmModel({ ...spec }, buildNetwork(spec, recurrent));
    const tensors = weights.map((w) => tf.tensor(w.values, w.shape));
    try {
      model.model.setWeights(tensors);
    } finally {
      tf.dispose(tensors);
    }
    return model;
  }

  static async load(dir: string): Promise<TfjsLstmModel> {
    const { artifacts, spec } = await readModelFiles(dir);
    return new TfjsLstmModel(spec, await tf.loadLayersModel(tf.io.fromMemory(artifacts)));
  }

  async fit(train: WindowSet, validation: WindowSet, o: FitOptions): Promise<FitResult> {
    const [xs, ys, vx, vy] = [
      windowsTensor(train),
      targetTensor(train),
      windowsTensor(validation),
      targetTensor(validation),
    ];
    const stopper = new EarlyStopping(
      o.patience,
      // Optimisers assign new tensors to the variables, so clones stay valid snapshots.
      () => this.model.getWeights().map((w) => tf.keep(w.clone())),
      (weights) => tf.dispose(weights),
    );
    let cancelled = false;
    const stop = (): void => {
      cancelled = true;
      this.model.stopTraining = true;
    };
    try {
      for (let epoch = 1; epoch <= o.epochs && !cancelled && !stopper.stopped; epoch++) {
        const log = await this.fitEpoch(xs, ys, [vx, vy], epoch, o, stop);
        if (cancelled || log === null) break;
        stopper.update(log);
        if ((await o.onEpoch?.(log)) === true || o.shouldStop?.()) stop();
      }
      stopper.restoreBest((weights) => this.model.setWeights(weights));
    } finally {
      tf.dispose([xs, ys, vx, vy]);
      stopper.dispose();
    }
    return {
      history: stopper.history,
      stoppedEarly: stopper.stopped,
      cancelled,
      bestEpoch: stopper.bestEpoch,
      bestValLoss: stopper.bestValLoss,
    };
  }

  /**
   * One epoch over the training windows in a seeded order (tfjs's own shuffle uses
   * Math.random); null when a batch-level stop cut it short (no val_loss to judge).
   */
  private async fitEpoch(
    xs: tf.Tensor3D,
    ys: tf.Tensor2D,
    validation: [tf.Tensor3D, tf.Tensor2D],
    epoch: number,
    o: FitOptions,
    stop: () => void,
  ): Promise<EpochLog | null> {
    const order = tf.tensor1d(epochOrder(xs.shape[0], this.spec.seed, epoch), 'int32');
    const [ex, ey] = [tf.gather(xs, order), tf.gather(ys, order)];
    try {
      const h = await this.model.fit(ex, ey, {
        epochs: 1,
        batchSize: o.batchSize,
        shuffle: false,
        validationData: validation,
        verbose: 0,
        callbacks: {
          onBatchEnd: async () => {
            if (o.shouldStop?.()) stop();
          },
        },
      });
      const loss = h.history.loss?.[0];
      const valLoss = h.history.val_loss?.[0];
      if (valLoss === undefined) return null;
      return { epoch, loss: Number(loss), val_loss: Number(valLoss) };
    } finally {
      tf.dispose([order, ex, ey]);
    }
  }

  predict(x: Float32Array, count: number): Float32Array {
    const out = tf.tidy(
      () => this.model.predict(tf.tensor3d(x, [count, this.spec.seqLength, this.spec.nFeatures])) as tf.Tensor,
    );
    try {
      return out.dataSync() as Float32Array;
    } finally {
      out.dispose();
    }
  }

  async save(dir: string): Promise<void> {
    await fs.mkdir(dir, { recursive: true });
    await this.model.save(tf.io.withSaveHandler((artifacts) => writeModelFiles(dir, artifacts, this.spec)));
  }

  dispose(): void {
    this.model.dispose();
  }
}

export const tfjsLstmFactory: ForecastModelFactory = {
  build: (spec) => TfjsLstmModel.build(spec),
  load: (dir) => TfjsLstmModel.load(dir),
};

function windowsTensor(w: WindowSet): tf.Tensor3D {
  return tf.tensor3d(w.x, [w.count, w.seqLength, w.nFeatures]);
}

function targetTensor(w: WindowSet): tf.Tensor2D {
  return tf.tensor2d(w.y, [w.count, 1]);
}

export const MODEL_JSON = 'model.json';
const WEIGHTS_BIN = 'weights.bin';

/**
 * A file IOHandler in the tfjs `model.json` + `weights.bin` layout (what tfjs-node's
 * `file://` handler writes; that handler is unavailable without tfjs-node). The optimizer
 * state is not saved: the artifact is for inference.
 */
async function writeModelFiles(
  dir: string,
  artifacts: tf.io.ModelArtifacts,
  spec: ModelSpec,
): Promise<tf.io.SaveResult> {
  const weights = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: null,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
    userDefinedMetadata: { tsflow_model_spec: spec },
  };
  await fs.writeFile(path.join(dir, WEIGHTS_BIN), Buffer.from(weights));
  await fs.writeFile(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
  return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
}

async function readModelFiles(dir: string): Promise<{ artifacts: tf.io.ModelArtifacts; spec: ModelSpec }> {
  const json = JSON.parse(await fs.readFile(path.join(dir, MODEL_JSON), 'utf8')) as tf.io.ModelJSON & {
    userDefinedMetadata?: { tsflow_model_spec?: ModelSpec };
  };
  const spec = json.userDefinedMetadata?.tsflow_model_spec;
  if (!spec) throw new Error(`${path.join(dir, MODEL_JSON)} has no tsflow_model_spec metadata`);
  const buffers: Buffer[] = [];
  const weightSpecs: tf.io.WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths) buffers.push(await fs.readFile(path.join(dir, p)));
    weightSpecs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return { artifacts: { modelTopology: json.modelTopology, weightSpecs, weightData }, spec };
}
