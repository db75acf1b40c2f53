import type { LossName } from '../../hyperparams';

/**
 * Mean loss over a batch and its gradient w.r.t. each prediction (written into `grad`), as
 * tfjs computes them: mae, mse, and Huber with delta 1 (tf.losses.huberLoss), all means.
 */
export function lossAndGradient(
  loss: LossName,
  pred: Float32Array,
  target: Float32Array,
  targetRows: ArrayLike<number> | null,
  first: number,
  n: number,
  grad: Float32Array | null,
): number {
  let sum = 0;
  for (let b = 0; b < n; b++) {
    const e = pred[b] - target[targetRows ? targetRows[first + b] : first + b];
    const a = Math.abs(e);
    let g: number;
    if (loss === 'mse') {
      sum += e * e;
      g = 2 * e;
    } else if (loss === 'mae') {
      sum += a;
      g = Math.sign(e);
    } else {
      sum += a <= 1 ? 0.5 * e * e : a - 0.5;
      g = a <= 1 ? e : Math.sign(e);
    }
    if (grad) grad[b] = g / n;
  }
  return sum / n;
}
