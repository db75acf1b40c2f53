/** Multiply-adds ×2 of the GEMMs of one training step of a stacked LSTM (unpadded units). */
export function lstmTrainFlops(
  s: { seqLength: number; nFeatures: number; layers: number; units: number },
  batch: number,
): number {
  const { seqLength: T, units: n } = s;
  let flops = 0;
  for (let l = 0; l < s.layers; l++) {
    const D = l === 0 ? s.nFeatures : n;
    const input = 2 * T * batch * D * 4 * n;
    const recurrent = 2 * (T - 1) * batch * n * 4 * n;
    // forward: input projection + recurrent; backward: dh (recurrent), dU, dW, dX above layer 0
    flops += input + recurrent + recurrent + 2 * T * batch * n * 4 * n + input + (l > 0 ? input : 0);
  }
  return flops;
}
