import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Mlp, MLP_SHARDS, shardRange } from './mlp';

/**
 * Data-parallel training of an `Mlp` on several threads of one process: the parameters live in a
 * SharedArrayBuffer, each batch is written to shared memory, the fixed shards of the batch are
 * split between the calling thread and `threads - 1` worker threads, and the calling thread sums
 * the shard gradients in shard order and takes the Adam step. Same network as `Mlp.trainBatch`
 * bit for bit, for any thread count. Workers are woken and awaited with Atomics (no messages
 * per step); `close` ends them.
 */
export interface MlpWorkerData {
  sizes: number[];
  params: SharedArrayBuffer;
  grads: SharedArrayBuffer[];
  batch: SharedArrayBuffer;
  losses: SharedArrayBuffer;
  control: SharedArrayBuffer;
  maxBatch: number;
  thread: number;
  threads: number;
}

/** Control words: generation (bumped per batch, or -1 to stop), shards finished, batch size. */
export const CTRL_GENERATION = 0;
export const CTRL_DONE = 1;
export const CTRL_BATCH = 2;

/** Shards computed by thread `thread` of `threads` (thread 0 is the caller). */
export function shardsOf(thread: number, threads: number): number[] {
  return Array.from({ length: MLP_SHARDS }, (_, s) => s).filter((s) => s % threads === thread);
}

/** The compiled worker (always JavaScript under dist/, also when tests run the TypeScript sources). */
export function mlpWorkerFile(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json')))
      return path.join(dir, 'dist', 'src', 'training', 'core', 'models', 'mlp-worker.js');
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${__dirname}`);
  }
}

export class ParallelMlpTrainer {
  private readonly workers: Worker[] = [];
  private readonly grads: Float64Array[];
  private readonly batchData: Float64Array;
  private readonly losses: Float64Array;
  private readonly control: Int32Array;
  private readonly inSize: number;
  private readonly outSize: number;
  private failure?: Error;

  private constructor(
    private readonly net: Mlp,
    private readonly threads: number,
    private readonly maxBatch: number,
  ) {
    this.inSize = net.sizes[0];
    this.outSize = net.sizes[net.sizes.length - 1];
    const params = net.share();
    const n = net.paramCount();
    const gradBuffers = Array.from({ length: MLP_SHARDS }, () => new SharedArrayBuffer(n * 8));
    this.grads = gradBuffers.map((b) => new Float64Array(b));
    const batch = new SharedArrayBuffer(maxBatch * (this.inSize + this.outSize) * 8);
    this.batchData = new Float64Array(batch);
    const losses = new SharedArrayBuffer(MLP_SHARDS * 8);
    this.losses = new Float64Array(losses);
    const control = new SharedArrayBuffer(3 * 4);
    this.control = new Int32Array(control);
    for (let t = 1; t < threads; t++) {
      const data: MlpWorkerData = {
        sizes: net.sizes,
        params,
        grads: gradBuffers,
        batch,
        losses,
        control,
        maxBatch,
        thread: t,
        threads,
      };
      const worker = new Worker(mlpWorkerFile(), { workerData: data });
      worker.on('error', (err) => (this.failure = err));
      this.workers.push(worker);
    }
  }

  /**
   * A trainer for `net` using `threads` threads (1: no worker, the plain path). Falls back to one
   * thread when the compiled worker is not there (sources run before a build).
   */
  static create(net: Mlp, threads: number, maxBatch: number): ParallelMlpTrainer {
    const usable = Math.max(1, Math.min(Math.floor(threads), MLP_SHARDS));
    return new ParallelMlpTrainer(net, usable > 1 && existsSync(mlpWorkerFile()) ? usable : 1, maxBatch);
  }

  get threadCount(): number {
    return this.threads;
  }

  /** One Adam step on the mean L1 loss of the batch; returns that loss. */
  trainBatch(inputs: Float64Array[], targets: Float64Array[], learningRate: number): number {
    if (this.threads === 1) return this.net.trainBatch(inputs, targets, learningRate);
    if (this.failure) throw this.failure;
    const batch = inputs.length;
    if (batch > this.maxBatch) throw new RangeError(`batch of ${batch} exceeds ${this.maxBatch}`);
    const stride = this.inSize + this.outSize;
    const xs: Float64Array[] = [];
    const ys: Float64Array[] = [];
    for (let k = 0; k < batch; k++) {
      const row = this.batchData.subarray(k * stride, (k + 1) * stride);
      row.set(inputs[k], 0);
      row.set(targets[k], this.inSize);
      xs.push(row.subarray(0, this.inSize));
      ys.push(row.subarray(this.inSize));
    }
    Atomics.store(this.control, CTRL_BATCH, batch);
    Atomics.store(this.control, CTRL_DONE, 0);
    Atomics.add(this.control, CTRL_GENERATION, 1);
    Atomics.notify(this.control, CTRL_GENERATION);
    const mine = shardsOf(0, this.threads);
    for (const s of mine) {
      this.grads[s].fill(0);
      const [from, to] = shardRange(batch, s);
      this.losses[s] = this.net.shardGradient(xs, ys, from, to, this.grads[s]);
    }
    const others = MLP_SHARDS - mine.length;
    for (;;) {
      const done = Atomics.load(this.control, CTRL_DONE);
      if (done >= others) break;
      if (this.failure) throw this.failure;
      // Bounded wait: a worker that died is noticed through `failure` instead of hanging forever.
      Atomics.wait(this.control, CTRL_DONE, done, 1000);
    }
    this.net.applyShards(this.grads, batch, learningRate);
    let loss = 0;
    for (let s = 0; s < MLP_SHARDS; s++) loss += this.losses[s];
    return loss / batch;
  }

  async close(): Promise<void> {
    Atomics.store(this.control, CTRL_GENERATION, -1);
    Atomics.notify(this.control, CTRL_GENERATION);
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
  }
}
