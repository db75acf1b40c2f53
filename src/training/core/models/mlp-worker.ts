import { workerData } from 'node:worker_threads';
import { Mlp, shardRange } from './mlp';
import { CTRL_BATCH, CTRL_DONE, CTRL_GENERATION, MlpWorkerData, shardsOf } from './mlp-parallel';

/** A worker thread of `ParallelMlpTrainer`: computes its shards of every batch until told to stop. */
const data = workerData as MlpWorkerData;
const net = Mlp.over(data.sizes, data.params);
const grads = data.grads.map((b) => new Float64Array(b));
const batchData = new Float64Array(data.batch);
const losses = new Float64Array(data.losses);
const control = new Int32Array(data.control);
const inSize = data.sizes[0];
const stride = inSize + data.sizes[data.sizes.length - 1];
const mine = shardsOf(data.thread, data.threads);

let seen = 0;
for (;;) {
  Atomics.wait(control, CTRL_GENERATION, seen);
  const generation = Atomics.load(control, CTRL_GENERATION);
  if (generation < 0) break;
  if (generation === seen) continue;
  seen = generation;
  const batch = Atomics.load(control, CTRL_BATCH);
  const xs: Float64Array[] = [];
  const ys: Float64Array[] = [];
  for (let k = 0; k < batch; k++) {
    xs.push(batchData.subarray(k * stride, k * stride + inSize));
    ys.push(batchData.subarray(k * stride + inSize, (k + 1) * stride));
  }
  for (const s of mine) {
    grads[s].fill(0);
    const [from, to] = shardRange(batch, s);
    losses[s] = net.shardGradient(xs, ys, from, to, grads[s]);
  }
  Atomics.add(control, CTRL_DONE, mine.length);
  Atomics.notify(control, CTRL_DONE);
}
