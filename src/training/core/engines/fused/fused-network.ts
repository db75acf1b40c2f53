import { FusedKernels, instantiateKernels } from './kernels';
import { FUSED_MEMORY_LIMIT_BYTES, ParamLayout, Shape, WorkLayout } from './layout';

const PAGE = 65536;
const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };

export interface NetworkOptions extends Shape {
  dropout: number;
  /** Recurrent activation: sigmoid (what this engine trains) or hard_sigmoid (tfjs's default). */
  recurrentActivation: 'sigmoid' | 'hard_sigmoid';
}

/**
 * Stacked LSTM → Dense(1) on the WASM kernels: the numeric core of the fused engine. All state
 * lives in one instance's memory: parameters, gradients, Adam moments, then the workspace for
 * the current batch capacity (regrown when a larger batch arrives). Each call reuses it.
 */
export class FusedNetwork {
  readonly layout: ParamLayout;
  private readonly k: FusedKernels;
  private readonly base: number;
  private work!: WorkLayout;
  private mem!: Float32Array;
  private step = 0;
  private readonly hard: number;

  constructor(readonly options: NetworkOptions) {
    this.layout = new ParamLayout(options);
    this.k = instantiateKernels();
    this.base = Math.ceil(this.k.heapBase() / 64) * 64;
    this.hard = options.recurrentActivation === 'hard_sigmoid' ? 1 : 0;
    this.reserve(1);
  }

  /** Float offsets of the parameter, gradient and Adam blocks. */
  private get p(): number {
    return this.base / 4;
  }
  private get g(): number {
    return this.p + this.layout.size;
  }
  private get m(): number {
    return this.p + 2 * this.layout.size;
  }
  private get v(): number {
    return this.p + 3 * this.layout.size;
  }
  private get w0(): number {
    return this.p + 4 * this.layout.size;
  }

  get batchCapacity(): number {
    return this.work.batch;
  }

  /** The parameter block (padded layout); writes go straight into the model. */
  get params(): Float32Array {
    return this.mem.subarray(this.p, this.p + this.layout.size);
  }

  get grads(): Float32Array {
    return this.mem.subarray(this.g, this.g + this.layout.size);
  }

  /** Makes room for batches of `batch` windows. */
  reserve(batch: number): void {
    if (this.work && this.work.batch >= batch) return;
    const work = new WorkLayout(this.layout, batch);
    const bytes = 4 * (this.w0 + work.size);
    if (bytes - this.base > FUSED_MEMORY_LIMIT_BYTES) {
      throw new RangeError(`fused engine: ${Math.round(bytes / 2 ** 20)} MiB of WASM memory needed for batch ${batch}`);
    }
    const have = this.k.memory.buffer.byteLength;
    if (bytes > have) this.k.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.work = work;
    this.mem = new Float32Array(this.k.memory.buffer);
  }

  /** Copies windows `rows` (or the first `count`) of x [n, T, F] into the time-major input. */
  loadInput(x: Float32Array, count: number, first = 0, rows?: Uint32Array | number[]): void {
    const { seqLength: T, nFeatures: F } = this.options;
    const base = this.w0 + this.work.x;
    const mem = this.mem;
    for (let b = 0; b < count; b++) {
      const src = (rows ? rows[first + b] : first + b) * T * F;
      for (let t = 0; t < T; t++) {
        const dst = base + (t * count + b) * F;
        for (let f = 0; f < F; f++) mem[dst + f] = x[src + t * F + f];
      }
    }
  }

  /** Forward pass over the loaded input; returns a view of the B outputs (valid until the next call). */
  forward(B: number, training: boolean): Float32Array {
    const { seqLength: T, layers: L, dropout } = this.options;
    const { hp: H, g: G } = this.layout;
    const k = this.k;
    const w = this.work;
    const drop = training && dropout > 0;
    let input = this.w0 + w.x;
    let inDim = this.options.nFeatures;
    for (let l = 0; l < L; l++) {
      const lo = this.layout.layers[l];
      const lw = w.layers[l];
      const z = this.w0 + lw.z;
      const c = this.w0 + lw.c;
      const hs = this.w0 + lw.hs;
      k.broadcastRows(4 * z, 4 * (this.p + lo.b), T * B, G);
      k.gemm(T * B, G, inDim, 4 * input, inDim, 1, 4 * (this.p + lo.w), G, 4 * z, G);
      this.mem.fill(0, c, c + B * H);
      this.mem.fill(0, hs, hs + B * H);
      for (let t = 0; t < T; t++) {
        const zt = 4 * (z + t * B * G);
        if (t > 0) k.gemm(B, G, H, 4 * (hs + t * B * H), H, 1, 4 * (this.p + lo.u), G, zt, G);
        k.gateForward(B, H, zt, 4 * (c + t * B * H), 4 * (c + (t + 1) * B * H), 4 * (hs + (t + 1) * B * H), this.hard);
      }
      const top = l === L - 1;
      const out = top ? hs + T * B * H : hs + B * H;
      const n = top ? B * H : T * B * H;
      if (drop) k.dropoutForward(4 * out, 4 * (this.w0 + lw.dropped), 4 * (this.w0 + lw.mask), n, dropout);
      input = drop ? this.w0 + lw.dropped : out;
      inDim = H;
    }
    const y = this.w0 + w.y;
    k.dense(B, H, 4 * input, 4 * (this.p + this.layout.headW), this.mem[this.p + this.layout.headB], 4 * y);
    return this.mem.subarray(y, y + B);
  }

  /** The loss gradient w.r.t. the outputs of the last forward pass (write B values). */
  get outputGrad(): Float32Array {
    const dy = this.w0 + this.work.dy;
    return this.mem.subarray(dy, dy + this.work.batch);
  }

  /** Backpropagation through time of the last (training) forward pass into the gradient block. */
  backward(B: number): void {
    const { seqLength: T, layers: L, dropout } = this.options;
    const { hp: H, g: G } = this.layout;
    const k = this.k;
    const w = this.work;
    const o = this.w0;
    const drop = dropout > 0;
    this.grads.fill(0);
    const dH = o + w.dH;
    this.mem.fill(0, dH, dH + T * B * H);
    const top = w.layers[L - 1];
    const hTop = drop ? o + top.dropped : o + top.hs + T * B * H;
    const headDh = dH + (T - 1) * B * H;
    const db = k.denseBackward(
      B,
      H,
      4 * hTop,
      4 * (this.p + this.layout.headW),
      4 * (o + w.dy),
      4 * (this.g + this.layout.headW),
      4 * headDh,
    );
    this.mem[this.g + this.layout.headB] = db;
    if (drop) k.multiplyInPlace(4 * headDh, 4 * (o + top.mask), B * H);
    for (let l = L - 1; l >= 0; l--) {
      const lo = this.layout.layers[l];
      const lw = w.layers[l];
      const z = o + lw.z;
      const c = o + lw.c;
      const hs = o + lw.hs;
      const dZ = o + w.dZ;
      const dhRec = o + w.dhRec;
      const dc = o + w.dc;
      k.transpose(4 * (o + w.ut), 4 * (this.p + lo.u), H, G);
      this.mem.fill(0, dhRec, dhRec + B * H);
      this.mem.fill(0, dc, dc + B * H);
      for (let t = T - 1; t >= 0; t--) {
        const cur = t * B;
        k.gateBackward(
          B,
          H,
          4 * (z + cur * G),
          4 * (c + cur * H),
          4 * (c + (cur + B) * H),
          4 * (dH + cur * H),
          4 * dhRec,
          4 * dc,
          4 * (dZ + cur * G),
          this.hard,
        );
        if (t > 0) {
          this.mem.fill(0, dhRec, dhRec + B * H);
          k.gemm(B, H, G, 4 * (dZ + cur * G), G, 1, 4 * (o + w.ut), H, 4 * dhRec, H);
        }
      }
      const input = l === 0 ? o + w.x : drop ? o + w.layers[l - 1].dropped : o + w.layers[l - 1].hs + B * H;
      const D = lo.inDim;
      k.gemm(H, G, T * B, 4 * hs, 1, H, 4 * dZ, G, 4 * (this.g + lo.u), G);
      k.gemm(D, G, T * B, 4 * input, 1, D, 4 * dZ, G, 4 * (this.g + lo.w), G);
      k.addColumnSums(4 * (this.g + lo.b), 4 * dZ, T * B, G);
      if (l === 0) break;
      k.transpose(4 * (o + w.wt), 4 * (this.p + lo.w), D, G);
      this.mem.fill(0, dH, dH + T * B * H);
      k.gemm(T * B, D, G, 4 * dZ, G, 1, 4 * (o + w.wt), D, 4 * dH, D);
      if (drop) k.multiplyInPlace(4 * dH, 4 * (o + w.layers[l - 1].mask), T * B * H);
    }
  }

  /** One Adam step on the gradient block. */
  adam(learningRate: number): void {
    this.step++;
    const n = this.layout.size;
    const { beta1, beta2, epsilon } = ADAM;
    this.k.adam(
      4 * this.p,
      4 * this.g,
      4 * this.m,
      4 * this.v,
      n,
      learningRate,
      beta1,
      beta2,
      beta1 ** this.step,
      beta2 ** this.step,
      epsilon,
    );
  }

  /** The dropout mask of layer l from the last training pass at (t, b, unit j) (tests). */
  dropoutMask(l: number, t: number, b: number, j: number, B: number): number {
    const lw = this.work.layers[l];
    const top = l === this.options.layers - 1;
    return this.mem[this.w0 + lw.mask + (top ? b : t * B + b) * this.layout.hp + j];
  }

  seedDropout(seed: number): void {
    this.k.seedDropout(seed >>> 0);
  }

  /** Runs the forward pass over `count` windows in chunks of the current capacity. */
  predict(x: Float32Array, count: number, chunk: number): Float32Array {
    const out = new Float32Array(count);
    this.reserve(Math.min(chunk, Math.max(count, 1)));
    const cap = this.work.batch;
    for (let first = 0; first < count; first += cap) {
      const n = Math.min(cap, count - first);
      this.loadInput(x, n, first);
      out.set(this.forward(n, false), first);
    }
    return out;
  }
}
