import { seededRandom } from '../../../series/shuffle';
import type { ParamLayout } from './layout';

/** One tensor in tfjs layers order: per LSTM kernel, recurrent_kernel, bias; then dense kernel, bias. */
export interface NamedTensor {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** Shapes of the unpadded (tfjs / Keras) tensors of a layout, in saved order. */
export function tensorShapes(p: ParamLayout): { name: string; shape: number[] }[] {
  const { units: n, nFeatures } = p.shape;
  const out: { name: string; shape: number[] }[] = [];
  p.layers.forEach((_, l) => {
    const inDim = l === 0 ? nFeatures : n;
    out.push({ name: `lstm_${l}/kernel`, shape: [inDim, 4 * n] });
    out.push({ name: `lstm_${l}/recurrent_kernel`, shape: [n, 4 * n] });
    out.push({ name: `lstm_${l}/bias`, shape: [4 * n] });
  });
  out.push({ name: 'dense/kernel', shape: [n, 1] });
  out.push({ name: 'dense/bias', shape: [1] });
  return out;
}

/** Maps (row r, column j) of an unpadded [rows, 4n] gate matrix to the padded block offset. */
function gateMatrix(p: ParamLayout, offset: number, rows: number, visit: (padded: number, flat: number) => void): void {
  const n = p.shape.units;
  for (let r = 0; r < rows; r++)
    for (let q = 0; q < 4; q++)
      for (let j = 0; j < n; j++) visit(offset + r * p.g + q * p.hp + j, r * 4 * n + q * n + j);
}

function eachTensor(p: ParamLayout, visit: (index: number, padded: number, flat: number) => void): void {
  const n = p.shape.units;
  let t = 0;
  p.layers.forEach((lo, l) => {
    const inDim = l === 0 ? p.shape.nFeatures : n;
    const ti = t;
    gateMatrix(p, lo.w, inDim, (a, b) => visit(ti, a, b));
    gateMatrix(p, lo.u, n, (a, b) => visit(ti + 1, a, b));
    gateMatrix(p, lo.b, 1, (a, b) => visit(ti + 2, a, b));
    t += 3;
  });
  for (let j = 0; j < n; j++) visit(t, p.headW + j, j);
  visit(t + 1, p.headB, 0);
}

/** The parameter block as tfjs tensors (padding dropped). */
export function exportTensors(p: ParamLayout, params: Float32Array): NamedTensor[] {
  const out = tensorShapes(p).map((s) => ({ ...s, values: new Float32Array(s.shape.reduce((a, b) => a * b, 1)) }));
  eachTensor(p, (i, padded, flat) => (out[i].values[flat] = params[padded]));
  return out;
}

/** Writes tfjs tensors (in saved order, shapes checked by the caller) into a zeroed parameter block. */
export function importTensors(p: ParamLayout, tensors: readonly Float32Array[], params: Float32Array): void {
  params.fill(0);
  eachTensor(p, (i, padded, flat) => (params[padded] = tensors[i][flat]));
}

function normal(rand: () => number): number {
  const u = 1 - rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

function glorotUniform(rand: () => number, fanIn: number, fanOut: number, size: number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: size }, () => (2 * rand() - 1) * limit);
}

/** Keras `Orthogonal` for [rows, cols] with rows ≤ cols: orthonormal rows (Gram-Schmidt in float64). */
function orthogonal(rand: () => number, rows: number, cols: number): Float32Array {
  const m = Array.from({ length: rows }, () => Float64Array.from({ length: cols }, () => normal(rand)));
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < i; j++) {
      let dot = 0;
      for (let c = 0; c < cols; c++) dot += m[i][c] * m[j][c];
      for (let c = 0; c < cols; c++) m[i][c] -= dot * m[j][c];
    }
    const norm = Math.hypot(...m[i]);
    for (let c = 0; c < cols; c++) m[i][c] /= norm;
  }
  const out = new Float32Array(rows * cols);
  m.forEach((row, i) => out.set(row, i * cols));
  return out;
}

/**
 * Seeded initial weights, Keras defaults: Glorot-uniform kernels, orthogonal recurrent
 * kernels, zero biases with the forget gate's at 1 (unit_forget_bias). Same seed, same weights.
 * `outputInit: 'zeros'` starts the dense head at zero (a return model then answers persistence).
 */
export function initialTensors(
  p: ParamLayout,
  seed: number,
  outputInit: 'zeros' | 'glorot' = 'glorot',
): Float32Array[] {
  const n = p.shape.units;
  const out: Float32Array[] = [];
  p.layers.forEach((_, l) => {
    const rand = seededRandom(seed + 101 * l);
    const inDim = l === 0 ? p.shape.nFeatures : n;
    out.push(glorotUniform(rand, inDim, 4 * n, inDim * 4 * n));
    out.push(orthogonal(rand, n, 4 * n));
    const bias = new Float32Array(4 * n);
    bias.fill(1, n, 2 * n);
    out.push(bias);
  });
  out.push(outputInit === 'zeros' ? new Float32Array(n) : glorotUniform(seededRandom(seed + 9973), n, 1, n));
  out.push(new Float32Array(1));
  return out;
}
