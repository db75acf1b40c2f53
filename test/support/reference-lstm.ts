/**
 * A plain float64 stacked LSTM → Dense(1) (Keras gate order i f g o, sigmoid or hard_sigmoid
 * recurrent activation), written for clarity, not speed: the yardstick the fused engine's gradients are
 * checked against by finite differences.
 */
export interface ReferenceShape {
  seqLength: number;
  nFeatures: number;
  layers: number;
  units: number;
}

const ACTIVATIONS = {
  sigmoid: (x: number): number => 1 / (1 + Math.exp(-x)),
  hard_sigmoid: (x: number): number => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
};

/**
 * Outputs for `count` windows x [count, T, F]. `tensors` are in tfjs order; `masks(l, t, b, j)`
 * is the dropout factor applied to layer l's output (top layer: only its last step).
 */
export function referenceForward(
  s: ReferenceShape,
  tensors: ArrayLike<number>[],
  x: ArrayLike<number>,
  count: number,
  masks: (l: number, t: number, b: number, j: number) => number = () => 1,
  recurrent: keyof typeof ACTIVATIONS = 'sigmoid',
): number[] {
  const sigmoid = ACTIVATIONS[recurrent];
  const { seqLength: T, nFeatures: F, units: n } = s;
  const out: number[] = [];
  for (let b = 0; b < count; b++) {
    let seq: number[][] = Array.from({ length: T }, (_, t) =>
      Array.from({ length: F }, (_, f) => x[(b * T + t) * F + f]),
    );
    let last: number[] = [];
    for (let l = 0; l < s.layers; l++) {
      const [W, U, bias] = tensors.slice(3 * l, 3 * l + 3);
      const D = seq[0].length;
      let h = new Array<number>(n).fill(0);
      let c = new Array<number>(n).fill(0);
      const hs: number[][] = [];
      for (let t = 0; t < T; t++) {
        const z = Array.from({ length: 4 * n }, (_, q) => {
          let acc = bias[q];
          for (let d = 0; d < D; d++) acc += seq[t][d] * W[d * 4 * n + q];
          for (let k = 0; k < n; k++) acc += h[k] * U[k * 4 * n + q];
          return acc;
        });
        c = c.map((cv, j) => sigmoid(z[n + j]) * cv + sigmoid(z[j]) * Math.tanh(z[2 * n + j]));
        h = c.map((cv, j) => sigmoid(z[3 * n + j]) * Math.tanh(cv));
        hs.push(h);
      }
      const top = l === s.layers - 1;
      if (top) last = h.map((v, j) => v * masks(l, T - 1, b, j));
      else seq = hs.map((row, t) => row.map((v, j) => v * masks(l, t, b, j)));
    }
    const [dw, db] = tensors.slice(3 * s.layers);
    out.push(last.reduce((acc, v, j) => acc + v * dw[j], db[0]));
  }
  return out;
}
