import { gaussian } from './gaussian';

/**
 * A small fully connected network (ReLU hidden layers, linear output) trained with Adam on an L1
 * loss, in plain TypeScript: the global forecaster's inputs are a few dozen lags and its
 * outputs the horizon, so a forward and backward pass is ~10^5 multiply-adds and needs neither
 * tfjs's per-kernel overhead nor the LSTM engine's WASM kernels.
 */
export interface MlpJSON {
  sizes: number[];
  weights: number[][];
  biases: number[][];
}

/**
 * Every batch is cut into this many fixed shards whose gradients are summed in shard order, so
 * training gives the same network whether one thread or several computed the shards.
 */
export const MLP_SHARDS = 4;

/** Samples [from, to) of shard `shard` of a batch of `batch`. */
export function shardRange(batch: number, shard: number): [number, number] {
  return [Math.floor((batch * shard) / MLP_SHARDS), Math.floor((batch * (shard + 1)) / MLP_SHARDS)];
}

export class Mlp {
  readonly weights: Float64Array[];
  readonly biases: Float64Array[];
  private readonly m: Float64Array[] = [];
  private readonly v: Float64Array[] = [];
  private step = 0;
  /** Gradient buffers of the single-thread path, reused from batch to batch. */
  private shardBuffers?: Float64Array[];

  constructor(
    readonly sizes: number[],
    random: () => number,
    init?: MlpJSON,
  ) {
    this.weights = sizes
      .slice(1)
      .map((out, l) =>
        init
          ? Float64Array.from(init.weights[l])
          : Float64Array.from({ length: out * sizes[l] }, () => gaussian(random) * Math.sqrt(2 / sizes[l])),
      );
    this.biases = sizes.slice(1).map((out, l) => (init ? Float64Array.from(init.biases[l]) : new Float64Array(out)));
  }

  static fromJSON(json: MlpJSON): Mlp {
    return new Mlp(json.sizes, Math.random, json);
  }

  toJSON(): MlpJSON {
    return {
      sizes: this.sizes,
      weights: this.weights.map((w) => Array.from(w)),
      biases: this.biases.map((b) => Array.from(b)),
    };
  }

  /** Activations of every layer for one input (the last is the output). */
  forward(x: ArrayLike<number>): Float64Array[] {
    const acts: Float64Array[] = [Float64Array.from(x)];
    const last = this.weights.length - 1;
    for (let l = 0; l <= last; l++) {
      const inp = acts[l];
      const nIn = this.sizes[l];
      const w = this.weights[l];
      const out = Float64Array.from(this.biases[l]);
      for (let o = 0; o < out.length; o++) {
        let s = out[o];
        const row = o * nIn;
        for (let i = 0; i < nIn; i++) s += w[row + i] * inp[i];
        out[o] = l < last && s < 0 ? 0 : s;
      }
      acts.push(out);
    }
    return acts;
  }

  predict(x: ArrayLike<number>): Float64Array {
    const acts = this.forward(x);
    return acts[acts.length - 1];
  }

  /** Number of weights and biases (the length of a flat gradient). */
  paramCount(): number {
    return this.weights.reduce((n, w) => n + w.length, 0) + this.biases.reduce((n, b) => n + b.length, 0);
  }

  /**
   * Moves the weights and biases into one SharedArrayBuffer (weights layer by layer, then biases):
   * threads holding views of it (`Mlp.over`) always compute with the current parameters.
   */
  share(): SharedArrayBuffer {
    const sab = new SharedArrayBuffer(this.paramCount() * 8);
    let offset = 0;
    for (const arrays of [this.weights, this.biases])
      arrays.forEach((a, l) => {
        const view = new Float64Array(sab, offset * 8, a.length);
        view.set(a);
        arrays[l] = view;
        offset += a.length;
      });
    return sab;
  }

  /** A network whose parameters are views of `sab` (made by `share`), for another thread. */
  static over(sizes: number[], sab: SharedArrayBuffer): Mlp {
    const zeros = (n: number) => new Array<number>(n).fill(0);
    const net = new Mlp(sizes, () => 0, {
      sizes,
      weights: sizes.slice(1).map((out, l) => zeros(out * sizes[l])),
      biases: sizes.slice(1).map((out) => zeros(out)),
    });
    let offset = 0;
    for (const arrays of [net.weights, net.biases])
      arrays.forEach((a, l) => {
        arrays[l] = new Float64Array(sab, offset * 8, a.length);
        offset += a.length;
      });
    return net;
  }

  /**
   * Adds the gradient of the summed L1 loss of samples [from, to) to `grad` (flat, in the layout
   * of `share`) and returns their summed loss. One shard of a batch: see `MLP_SHARDS`.
   */
  shardGradient(
    inputs: ArrayLike<Float64Array>,
    targets: ArrayLike<Float64Array>,
    from: number,
    to: number,
    grad: Float64Array,
  ): number {
    const gw: Float64Array[] = [];
    const gb: Float64Array[] = [];
    let offset = 0;
    for (const w of this.weights) {
      gw.push(grad.subarray(offset, offset + w.length));
      offset += w.length;
    }
    for (const b of this.biases) {
      gb.push(grad.subarray(offset, offset + b.length));
      offset += b.length;
    }
    let loss = 0;
    for (let k = from; k < to; k++) loss += this.accumulate(inputs[k], targets[k], gw, gb);
    return loss;
  }

  /** One Adam step on the mean of a batch of `batch` samples whose shard gradients are summed in order (into the first). */
  applyShards(shardGrads: Float64Array[], batch: number, learningRate: number): void {
    // Summed into the first shard's buffer (its owner zeroes it before the next batch).
    const total = shardGrads[0];
    for (let s = 1; s < shardGrads.length; s++) {
      const g = shardGrads[s];
      for (let i = 0; i < total.length; i++) total[i] += g[i];
    }
    const grads: Float64Array[] = [];
    let offset = 0;
    for (const p of [...this.weights, ...this.biases]) {
      grads.push(total.subarray(offset, offset + p.length));
      offset += p.length;
    }
    this.adam(grads, [...this.weights, ...this.biases], 1 / batch, learningRate);
  }

  /** One Adam step on the mean L1 loss of a batch; returns that loss. */
  trainBatch(inputs: Float64Array[], targets: Float64Array[], learningRate: number): number {
    const n = this.paramCount();
    this.shardBuffers ??= Array.from({ length: MLP_SHARDS }, () => new Float64Array(n));
    const grads = this.shardBuffers;
    for (const g of grads) g.fill(0);
    let loss = 0;
    for (let s = 0; s < MLP_SHARDS; s++) {
      const [from, to] = shardRange(inputs.length, s);
      loss += this.shardGradient(inputs, targets, from, to, grads[s]);
    }
    this.applyShards(grads, inputs.length, learningRate);
    return loss / inputs.length;
  }

  private accumulate(x: Float64Array, y: Float64Array, gw: Float64Array[], gb: Float64Array[]): number {
    const acts = this.forward(x);
    const out = acts[acts.length - 1];
    let delta = new Float64Array(out.length);
    let loss = 0;
    for (let o = 0; o < out.length; o++) {
      const d = out[o] - y[o];
      loss += Math.abs(d) / out.length;
      delta[o] = Math.sign(d) / out.length;
    }
    for (let l = this.weights.length - 1; l >= 0; l--) {
      const nIn = this.sizes[l];
      const inp = acts[l];
      const w = this.weights[l];
      const back = new Float64Array(nIn);
      for (let o = 0; o < delta.length; o++) {
        const d = delta[o];
        if (d === 0) continue;
        gb[l][o] += d;
        const row = o * nIn;
        for (let i = 0; i < nIn; i++) {
          gw[l][row + i] += d * inp[i];
          back[i] += d * w[row + i];
        }
      }
      if (l > 0) for (let i = 0; i < nIn; i++) if (inp[i] <= 0) back[i] = 0;
      delta = back;
    }
    return loss;
  }

  private adam(grads: Float64Array[], params: Float64Array[], scale: number, lr: number): void {
    const b1 = 0.9;
    const b2 = 0.999;
    this.step++;
    if (this.m.length === 0)
      for (const p of params) {
        this.m.push(new Float64Array(p.length));
        this.v.push(new Float64Array(p.length));
      }
    const c1 = 1 - b1 ** this.step;
    const c2 = 1 - b2 ** this.step;
    params.forEach((p, k) => {
      const g = grads[k];
      const m = this.m[k];
      const v = this.v[k];
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] * scale;
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + 1e-8);
      }
    });
  }
}
