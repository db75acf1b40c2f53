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
  loadInput(x: Float32Array, count: number, first = 0, rows?: ArrayLike<number>): void {
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
    const drop = training && this.options.dropout > 0;
    for (let l = 0; l < this.options.layers; l++) this.forwardLayer(l, B, drop);
    const y = this.w0 + this.work.y;
    const head = this.layout.headW;
    this.k.dense(
      B,
      this.layout.hp,
      4 * this.output(this.options.layers - 1, B, drop),
      4 * (this.p + head),
      this.mem[this.p + this.layout.headB],
      4 * y,
    );
    return this.mem.subarray(y, y + B);
  }

  /** Float offset of what layer l passes on: its (dropped) output sequence, or h_T on top. */
  private output(l: number, B: number, drop: boolean): number {
    const lw = this.work.layers[l];
    if (drop) return this.w0 + lw.dropped;
    const top = l === this.options.layers - 1;
    return this.w0 + lw.hs + (top ? this.options.seqLength : 1) * B * this.layout.hp;
  }

  private input(l: number, B: number, drop: boolean): number {
    return l === 0 ? this.w0 + this.work.x : this.output(l - 1, B, drop);
  }

  private forwardLayer(l: number, B: number, drop: boolean): void {
    const { seqLength: T, dropout } = this.options;
    const { hp: H, g: G } = this.layout;
    const k = this.k;
    const lo = this.layout.layers[l];
    const lw = this.work.layers[l];
    const [z, c, hs] = [this.w0 + lw.z, this.w0 + lw.c, this.w0 + lw.hs];
    k.broadcastRows(4 * z, 4 * (this.p + lo.b), T * B, G);
    k.gemm(T * B, G, lo.inDim, 4 * this.input(l, B, drop), lo.inDim, 1, 4 * (this.p + lo.w), G, 4 * z, G);
    this.mem.fill(0, c, c + B * H);
    this.mem.fill(0, hs, hs + B * H);
    for (let t = 0; t < T; t++) {
      const zt = 4 * (z + t * B * G);
      const [prev, next] = [t * B * H, (t + 1) * B * H];
      if (t > 0) k.gemm(B, G, H, 4 * (hs + prev), H, 1, 4 * (this.p + lo.u), G, zt, G);
      k.gateForward(B, H, zt, 4 * (c + prev), 4 * (c + next), 4 * (hs + next), this.hard);
    }
    if (!drop) return;
    const top = l === this.options.layers - 1;
    const out = hs + (top ? T : 1) * B * H;
    k.dropoutForward(4 * out, 4 * (this.w0 + lw.dropped), 4 * (this.w0 + lw.mask), (top ? 1 : T) * B * H, dropout);
  }

  /** The loss gradient w.r.t. the outputs of the last forward pass (write B values). */
  get outputGrad(): Float32Array {
    const dy = this.w0 + this.work.dy;
    return this.mem.subarray(dy, dy + this.work.batch);
  }

  /** Backpropagation through time of the last (training) forward pass into the gradient block. */
  backward(B: number): void {
    const drop = this.options.dropout > 0;
    this.grads.fill(0);
    this.backwardHead(B, drop);
    for (let l = this.options.layers - 1; l >= 0; l--) this.backwardLayer(l, B, drop);
  }

  /** Dense head: its gradients, and dh of the top layer's last step into dH (zero elsewhere). */
  private backwardHead(B: number, drop: boolean): void {
    const { seqLength: T, layers: L } = this.options;
    const H = this.layout.hp;
    const dH = this.w0 + this.work.dH;
    this.mem.fill(0, dH, dH + T * B * H);
    const last = dH + (T - 1) * B * H;
    const { headW, headB } = this.layout;
    const hTop = this.output(L - 1, B, drop);
    const dy = this.w0 + this.work.dy;
    this.mem[this.g + headB] = this.k.denseBackward(
      B,
      H,
      4 * hTop,
      4 * (this.p + headW),
      4 * dy,
      4 * (this.g + headW),
      4 * last,
    );
    if (drop) this.k.multiplyInPlace(4 * last, 4 * (this.w0 + this.work.layers[L - 1].mask), B * H);
  }

  /**
   * BPTT of layer l given dH (the gradient w.r.t. its output sequence): gate gradients per step,
   * then dU, dW, db as single GEMMs over all steps, and dH of the layer below (through its dropout).
   */
  private backwardLayer(l: number, B: number, drop: boolean): void {
    const T = this.options.seqLength;
    const { hp: H, g: G } = this.layout;
    const k = this.k;
    const o = this.w0;
    const w = this.work;
    const lo = this.layout.layers[l];
    const lw = w.layers[l];
    const [z, c, dZ, dH, dhRec, dc, ut] = [o + lw.z, o + lw.c, o + w.dZ, o + w.dH, o + w.dhRec, o + w.dc, o + w.ut];
    k.transpose(4 * ut, 4 * (this.p + lo.u), H, G);
    this.mem.fill(0, dhRec, dhRec + B * H);
    this.mem.fill(0, dc, dc + B * H);
    for (let t = T - 1; t >= 0; t--) {
      const [zt, dzt, cPrev, cCur] = [
        4 * (z + t * B * G),
        4 * (dZ + t * B * G),
        4 * (c + t * B * H),
        4 * (c + (t + 1) * B * H),
      ];
      k.gateBackward(B, H, zt, cPrev, cCur, 4 * (dH + t * B * H), 4 * dhRec, 4 * dc, dzt, this.hard);
      if (t === 0) break;
      this.mem.fill(0, dhRec, dhRec + B * H);
      k.gemm(B, H, G, dzt, G, 1, 4 * ut, H, 4 * dhRec, H);
    }
    const D = lo.inDim;
    // Hs rows 0..T-1 are h_{t-1} of each step (row block 0 is the zero initial state).
    k.gemm(H, G, T * B, 4 * (o + lw.hs), 1, H, 4 * dZ, G, 4 * (this.g + lo.u), G);
    k.gemm(D, G, T * B, 4 * this.input(l, B, drop), 1, D, 4 * dZ, G, 4 * (this.g + lo.w), G);
    k.addColumnSums(4 * (this.g + lo.b), 4 * dZ, T * B, G);
    if (l === 0) return;
    k.transpose(4 * (o + w.wt), 4 * (this.p + lo.w), D, G);
    this.mem.fill(0, dH, dH + T * B * H);
    k.gemm(T * B, D, G, 4 * dZ, G, 1, 4 * (o + w.wt), D, 4 * dH, D);
    if (drop) k.multiplyInPlace(4 * dH, 4 * (o + w.layers[l - 1].mask), T * B * H);
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
