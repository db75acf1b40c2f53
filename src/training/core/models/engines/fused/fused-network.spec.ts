import { describe, expect, it } from 'vitest';
import { referenceForward } from '../../../../../../test/support/reference-lstm';
import { FusedNetwork } from './fused-network';
import { lossAndGradient } from './losses';
import { seededRandom } from '../../../series/shuffle';
import { exportTensors, importTensors, tensorShapes } from './weights';

/** 5 units pad to 8 (the padding must stay neutral); 6 windows exercise both GEMM row paths. */
const shape = { seqLength: 4, nFeatures: 2, layers: 2, units: 5 };
const B = 6;

function randomArray(n: number, rand: () => number, scale: number): Float64Array {
  return Float64Array.from({ length: n }, () => (2 * rand() - 1) * scale);
}

const norm = (v: ArrayLike<number>): number => Math.sqrt(Array.from(v).reduce((a, x) => a + x * x, 0));

describe.each([
  [0, 'sigmoid'],
  [0.3, 'sigmoid'],
  [0.3, 'hard_sigmoid'],
] as const)('FusedNetwork backward vs finite differences (dropout %s, %s)', (dropout, act) => {
  it('matches every parameter tensor to a relative error < 1e-3', () => {
    const rand = seededRandom(11);
    const net = new FusedNetwork({ ...shape, dropout, recurrentActivation: act });
    const tensors = tensorShapes(net.layout).map((s) =>
      Float32Array.from(
        randomArray(
          s.shape.reduce((a, b) => a * b, 1),
          rand,
          0.6,
        ),
      ),
    );
    importTensors(net.layout, tensors, net.params);
    const x = Float32Array.from(randomArray(B * shape.seqLength * shape.nFeatures, rand, 1));
    const y = Float32Array.from(randomArray(B, rand, 1));
    net.reserve(B);
    net.loadInput(x, B);
    net.seedDropout(5);
    const pred = net.forward(B, true);
    lossAndGradient('mse', pred, y, null, 0, B, net.outputGrad);
    net.backward(B);
    const analytic = exportTensors(net.layout, net.grads);
    const mask = (l: number, t: number, b: number, j: number) => (dropout > 0 ? net.dropoutMask(l, t, b, j, B) : 1);
    if (dropout > 0) {
      const values = new Set<number>();
      for (let t = 0; t < shape.seqLength; t++)
        for (let b = 0; b < B; b++) for (let j = 0; j < 5; j++) values.add(mask(0, t, b, j));
      expect([...values].sort()).toEqual([0, Math.fround(1 / 0.7)]);
    }

    const ref = tensors.map((t) => Float64Array.from(t));
    const loss = (): number => {
      const out = referenceForward(shape, ref, x, B, mask, act);
      return out.reduce((acc, v, b) => acc + (v - y[b]) ** 2, 0) / B;
    };
    const refOut = referenceForward(shape, ref, x, B, mask, act);
    refOut.forEach((v, b) => expect(Math.abs(v - pred[b])).toBeLessThan(1e-5));

    const eps = 1e-6;
    ref.forEach((tensor, ti) => {
      const numeric = new Float64Array(tensor.length);
      for (let i = 0; i < tensor.length; i++) {
        const keep = tensor[i];
        tensor[i] = keep + eps;
        const up = loss();
        tensor[i] = keep - eps;
        const down = loss();
        tensor[i] = keep;
        numeric[i] = (up - down) / (2 * eps);
      }
      const diff = norm(numeric.map((v, i) => v - analytic[ti].values[i]));
      const rel = diff / Math.max(norm(numeric), norm(analytic[ti].values), 1e-12);
      expect(rel, `${analytic[ti].name}: relative error ${rel}`).toBeLessThan(1e-3);
      expect(norm(numeric), `${analytic[ti].name} has a gradient`).toBeGreaterThan(1e-6);
    });
  });
});
