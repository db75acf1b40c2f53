/**
 * WebAssembly SIMD kernels of the fused LSTM engine (src/training/core/models/engines/fused).
 * Compiled by `npm run build:wasm` (asc --enable simd -O3 --runtime stub). Pointers are byte
 * offsets into this module's memory, laid out by the TypeScript side; sizes are in floats.
 * Every row length given as `n`/`H`/`N` is a multiple of 4 (the engine pads units to 4).
 */

/** Floats of K processed per pass, so a K-panel of B stays in cache across row blocks. */
const KC: i32 = 256;

export function heapBase(): usize {
  return __heap_base;
}

/**
 * C[M×N] += A[M×K] · B[K×N]. A element (i, k) sits at a + 4·(i·ars + k·acs), so a transposed
 * operand is passed by swapping its strides; B and C are row-major with leading dims ldb, ldc.
 */
export function gemm(
  M: i32,
  N: i32,
  K: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
): void {
  for (let k0 = 0; k0 < K; k0 += KC) {
    const k1 = min(K, k0 + KC);
    let i = 0;
    for (; i + 4 <= M; i += 4) rows4(i, N, k0, k1, a, ars, acs, b, ldb, c, ldc);
    for (; i < M; i++) rows1(i, N, k0, k1, a, ars, acs, b, ldb, c, ldc);
  }
}

// @ts-ignore: decorator
@inline
function rows4(
  i: i32,
  N: i32,
  k0: i32,
  k1: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
): void {
  const rs = <usize>ars << 2;
  const cs = <usize>acs << 2;
  const ra = a + (<usize>(i * ars) << 2);
  const bStep = <usize>ldb << 2;
  const cStep = <usize>ldc << 2;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    const c0 = c + (<usize>(i * ldc + j) << 2);
    const c1 = c0 + cStep;
    const c2 = c1 + cStep;
    const c3 = c2 + cStep;
    let x00 = v128.load(c0);
    let x01 = v128.load(c0, 16);
    let x10 = v128.load(c1);
    let x11 = v128.load(c1, 16);
    let x20 = v128.load(c2);
    let x21 = v128.load(c2, 16);
    let x30 = v128.load(c3);
    let x31 = v128.load(c3, 16);
    let pb = b + (<usize>(k0 * ldb + j) << 2);
    let pa = ra + <usize>k0 * cs;
    for (let k = k0; k < k1; k++) {
      const b0 = v128.load(pb);
      const b1 = v128.load(pb, 16);
      const s0 = f32x4.splat(load<f32>(pa));
      const s1 = f32x4.splat(load<f32>(pa + rs));
      const s2 = f32x4.splat(load<f32>(pa + 2 * rs));
      const s3 = f32x4.splat(load<f32>(pa + 3 * rs));
      x00 = f32x4.add(x00, f32x4.mul(s0, b0));
      x01 = f32x4.add(x01, f32x4.mul(s0, b1));
      x10 = f32x4.add(x10, f32x4.mul(s1, b0));
      x11 = f32x4.add(x11, f32x4.mul(s1, b1));
      x20 = f32x4.add(x20, f32x4.mul(s2, b0));
      x21 = f32x4.add(x21, f32x4.mul(s2, b1));
      x30 = f32x4.add(x30, f32x4.mul(s3, b0));
      x31 = f32x4.add(x31, f32x4.mul(s3, b1));
      pb += bStep;
      pa += cs;
    }
    v128.store(c0, x00);
    v128.store(c0, x01, 16);
    v128.store(c1, x10);
    v128.store(c1, x11, 16);
    v128.store(c2, x20);
    v128.store(c2, x21, 16);
    v128.store(c3, x30);
    v128.store(c3, x31, 16);
  }
  for (; j < N; j += 4) {
    const c0 = c + (<usize>(i * ldc + j) << 2);
    const c1 = c0 + cStep;
    const c2 = c1 + cStep;
    const c3 = c2 + cStep;
    let x0 = v128.load(c0);
    let x1 = v128.load(c1);
    let x2 = v128.load(c2);
    let x3 = v128.load(c3);
    let pb = b + (<usize>(k0 * ldb + j) << 2);
    let pa = ra + <usize>k0 * cs;
    for (let k = k0; k < k1; k++) {
      const b0 = v128.load(pb);
      x0 = f32x4.add(x0, f32x4.mul(f32x4.splat(load<f32>(pa)), b0));
      x1 = f32x4.add(x1, f32x4.mul(f32x4.splat(load<f32>(pa + rs)), b0));
      x2 = f32x4.add(x2, f32x4.mul(f32x4.splat(load<f32>(pa + 2 * rs)), b0));
      x3 = f32x4.add(x3, f32x4.mul(f32x4.splat(load<f32>(pa + 3 * rs)), b0));
      pb += bStep;
      pa += cs;
    }
    v128.store(c0, x0);
    v128.store(c1, x1);
    v128.store(c2, x2);
    v128.store(c3, x3);
  }
}

// @ts-ignore: decorator
@inline
function rows1(
  i: i32,
  N: i32,
  k0: i32,
  k1: i32,
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  ldb: i32,
  c: usize,
  ldc: i32,
): void {
  const cs = <usize>acs << 2;
  const ra = a + (<usize>(i * ars) << 2);
  const bStep = <usize>ldb << 2;
  let j = 0;
  for (; j + 8 <= N; j += 8) {
    const c0 = c + (<usize>(i * ldc + j) << 2);
    let x0 = v128.load(c0);
    let x1 = v128.load(c0, 16);
    let pb = b + (<usize>(k0 * ldb + j) << 2);
    let pa = ra + <usize>k0 * cs;
    for (let k = k0; k < k1; k++) {
      const s = f32x4.splat(load<f32>(pa));
      x0 = f32x4.add(x0, f32x4.mul(s, v128.load(pb)));
      x1 = f32x4.add(x1, f32x4.mul(s, v128.load(pb, 16)));
      pb += bStep;
      pa += cs;
    }
    v128.store(c0, x0);
    v128.store(c0, x1, 16);
  }
  for (; j < N; j += 4) {
    const c0 = c + (<usize>(i * ldc + j) << 2);
    let x0 = v128.load(c0);
    let pb = b + (<usize>(k0 * ldb + j) << 2);
    let pa = ra + <usize>k0 * cs;
    for (let k = k0; k < k1; k++) {
      x0 = f32x4.add(x0, f32x4.mul(f32x4.splat(load<f32>(pa)), v128.load(pb)));
      pb += bStep;
      pa += cs;
    }
    v128.store(c0, x0);
  }
}

// ---- activations (f32x4) ----

/** e^x, Cephes expf: range reduction by ln 2, degree-5 polynomial, 2^n from the exponent bits. */
// @ts-ignore: decorator
@inline
function exp4(x: v128): v128 {
  x = f32x4.min(f32x4.max(x, f32x4.splat(-87.0)), f32x4.splat(88.0));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504089)));
  let r = f32x4.sub(x, f32x4.mul(n, f32x4.splat(0.693359375)));
  r = f32x4.sub(r, f32x4.mul(n, f32x4.splat(-2.12194440e-4)));
  let p = f32x4.splat(1.9875691500e-4);
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.3981999507e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(8.3334519073e-3));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(4.1665795894e-2));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(1.6666665459e-1));
  p = f32x4.add(f32x4.mul(p, r), f32x4.splat(5.0000001201e-1));
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), f32x4.splat(1.0));
  const pow2 = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return f32x4.mul(p, pow2);
}

// @ts-ignore: decorator
@inline
function sigmoid4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.div(one, f32x4.add(one, exp4(f32x4.neg(x))));
}

/** tanh x = 1 - 2 / (1 + e^{2x}); absolute error ~1e-7, saturates cleanly at ±1. */
// @ts-ignore: decorator
@inline
function tanh4(x: v128): v128 {
  const one = f32x4.splat(1.0);
  return f32x4.sub(one, f32x4.div(f32x4.splat(2.0), f32x4.add(one, exp4(f32x4.add(x, x)))));
}

/** Keras hard_sigmoid: clip(0.2x + 0.5, 0, 1) (tfjs's default recurrent activation). */
// @ts-ignore: decorator
@inline
function hardSigmoid4(x: v128): v128 {
  const y = f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5));
  return f32x4.min(f32x4.max(y, f32x4.splat(0.0)), f32x4.splat(1.0));
}

// @ts-ignore: decorator
@inline
function gate4(x: v128, hard: i32): v128 {
  return hard ? hardSigmoid4(x) : sigmoid4(x);
}

/** Derivative of the recurrent activation from its output y. */
// @ts-ignore: decorator
@inline
function gateGrad4(y: v128, hard: i32): v128 {
  if (hard) {
    const inside = v128.and(f32x4.gt(y, f32x4.splat(0.0)), f32x4.lt(y, f32x4.splat(1.0)));
    return v128.and(f32x4.splat(0.2), inside);
  }
  return f32x4.mul(y, f32x4.sub(f32x4.splat(1.0), y));
}

/**
 * One LSTM step for B rows: z holds the pre-activations [i f g o] (each H wide) per row and is
 * overwritten with the activated gates (kept for backward); c' = f·c + i·g, h' = o·tanh(c').
 */
export function gateForward(B: i32, H: i32, z: usize, cPrev: usize, cOut: usize, hOut: usize, hard: i32): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const zr = z + <usize>r * 4 * hb;
    const rowOff = <usize>r * hb;
    for (let j: usize = 0; j < hb; j += 16) {
      const pi = zr + j;
      const ig = gate4(v128.load(pi), hard);
      const fg = gate4(v128.load(pi + hb), hard);
      const gg = tanh4(v128.load(pi + 2 * hb));
      const og = gate4(v128.load(pi + 3 * hb), hard);
      const c = f32x4.add(f32x4.mul(fg, v128.load(cPrev + rowOff + j)), f32x4.mul(ig, gg));
      v128.store(pi, ig);
      v128.store(pi + hb, fg);
      v128.store(pi + 2 * hb, gg);
      v128.store(pi + 3 * hb, og);
      v128.store(cOut + rowOff + j, c);
      v128.store(hOut + rowOff + j, f32x4.mul(og, tanh4(c)));
    }
  }
}

/**
 * Backward of one step. dh = dhOut + dhRec (from the layer above / the head, and from step
 * t+1); dc carries the cell gradient from step t+1 in and out to step t-1; dz gets the
 * pre-activation gradients [i f g o].
 */
export function gateBackward(
  B: i32,
  H: i32,
  z: usize,
  cPrev: usize,
  cCur: usize,
  dhOut: usize,
  dhRec: usize,
  dc: usize,
  dz: usize,
  hard: i32,
): void {
  const hb = <usize>H << 2;
  const one = f32x4.splat(1.0);
  for (let r = 0; r < B; r++) {
    const zr = z + <usize>r * 4 * hb;
    const dr = dz + <usize>r * 4 * hb;
    const rowOff = <usize>r * hb;
    for (let j: usize = 0; j < hb; j += 16) {
      const o = rowOff + j;
      const ig = v128.load(zr + j);
      const fg = v128.load(zr + j + hb);
      const gg = v128.load(zr + j + 2 * hb);
      const og = v128.load(zr + j + 3 * hb);
      const tc = tanh4(v128.load(cCur + o));
      const dh = f32x4.add(v128.load(dhOut + o), v128.load(dhRec + o));
      const dcv = f32x4.add(v128.load(dc + o), f32x4.mul(f32x4.mul(dh, og), f32x4.sub(one, f32x4.mul(tc, tc))));
      v128.store(dr + j, f32x4.mul(f32x4.mul(dcv, gg), gateGrad4(ig, hard)));
      v128.store(dr + j + hb, f32x4.mul(f32x4.mul(dcv, v128.load(cPrev + o)), gateGrad4(fg, hard)));
      v128.store(dr + j + 2 * hb, f32x4.mul(f32x4.mul(dcv, ig), f32x4.sub(one, f32x4.mul(gg, gg))));
      v128.store(dr + j + 3 * hb, f32x4.mul(f32x4.mul(dh, tc), gateGrad4(og, hard)));
      v128.store(dc + o, f32x4.mul(dcv, fg));
    }
  }
}

// ---- small helpers ----

/** Every one of `rows` rows of dst (n wide) := src (n floats). */
export function broadcastRows(dst: usize, src: usize, rows: i32, n: i32): void {
  const nb = <usize>n << 2;
  let row = dst;
  for (let r = 0; r < rows; r++) {
    for (let j: usize = 0; j < nb; j += 16) v128.store(row + j, v128.load(src + j));
    row += nb;
  }
}

/** dst[n] += column sums of src[rows×n]. */
export function addColumnSums(dst: usize, src: usize, rows: i32, n: i32): void {
  const nb = <usize>n << 2;
  for (let j: usize = 0; j < nb; j += 16) {
    let acc = v128.load(dst + j);
    let p = src + j;
    for (let r = 0; r < rows; r++) {
      acc = f32x4.add(acc, v128.load(p));
      p += nb;
    }
    v128.store(dst + j, acc);
  }
}

/** dst[cols×rows] := src[rows×cols]ᵀ. */
export function transpose(dst: usize, src: usize, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      store<f32>(dst + (<usize>(c * rows + r) << 2), load<f32>(src + (<usize>(r * cols + c) << 2)));
    }
  }
}

/** y[r] = h[r]·w + bias for B rows of H. */
export function dense(B: i32, H: i32, h: usize, w: usize, bias: f32, y: usize): void {
  const hb = <usize>H << 2;
  for (let r = 0; r < B; r++) {
    const row = h + <usize>r * hb;
    let acc = f32x4.splat(0.0);
    for (let j: usize = 0; j < hb; j += 16) acc = f32x4.add(acc, f32x4.mul(v128.load(row + j), v128.load(w + j)));
    const s =
      f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3);
    store<f32>(y + (<usize>r << 2), s + bias);
  }
}

/** Head backward: dw += Σ_r dy[r]·h[r], dh[r] := dy[r]·w; returns Σ dy (the bias gradient). */
export function denseBackward(B: i32, H: i32, h: usize, w: usize, dy: usize, dw: usize, dh: usize): f32 {
  const hb = <usize>H << 2;
  let db: f32 = 0;
  for (let r = 0; r < B; r++) {
    const g = load<f32>(dy + (<usize>r << 2));
    db += g;
    const s = f32x4.splat(g);
    const row = h + <usize>r * hb;
    const drow = dh + <usize>r * hb;
    for (let j: usize = 0; j < hb; j += 16) {
      v128.store(dw + j, f32x4.add(v128.load(dw + j), f32x4.mul(s, v128.load(row + j))));
      v128.store(drow + j, f32x4.mul(s, v128.load(w + j)));
    }
  }
  return db;
}

// ---- dropout ----

let rng: u32 = 0x9e3779b9;

export function seedDropout(seed: u32): void {
  rng = seed == 0 ? 0x9e3779b9 : seed;
}

/** Inverted dropout: mask[i] = 0 with probability `rate`, else 1/(1-rate); dst = src·mask. */
export function dropoutForward(src: usize, dst: usize, mask: usize, n: i32, rate: f32): void {
  const keep: f32 = 1.0 / (1.0 - rate);
  let s = rng;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >> 17;
    s ^= s << 5;
    const u = <f32>(s >> 8) * (1.0 / 16777216.0);
    const m: f32 = u < rate ? 0.0 : keep;
    const o = <usize>i << 2;
    store<f32>(mask + o, m);
    store<f32>(dst + o, load<f32>(src + o) * m);
  }
  rng = s;
}

/** dst[i] *= mask[i] (n a multiple of 4). */
export function multiplyInPlace(dst: usize, mask: usize, n: i32): void {
  const nb = <usize>n << 2;
  for (let j: usize = 0; j < nb; j += 16) v128.store(dst + j, f32x4.mul(v128.load(dst + j), v128.load(mask + j)));
}

// ---- Adam (tfjs's formulation: bias-corrected moments, epsilon outside the square root) ----

export function adam(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, b1: f32, b2: f32, b1p: f32, b2p: f32, eps: f32): void {
  const nb = <usize>n << 2;
  const B1 = f32x4.splat(b1);
  const B2 = f32x4.splat(b2);
  const A1 = f32x4.splat(1.0 - b1);
  const A2 = f32x4.splat(1.0 - b2);
  const c1 = f32x4.splat(1.0 / (1.0 - b1p));
  const c2 = f32x4.splat(1.0 / (1.0 - b2p));
  const LR = f32x4.splat(lr);
  const E = f32x4.splat(eps);
  for (let j: usize = 0; j < nb; j += 16) {
    const gj = v128.load(g + j);
    const mj = f32x4.add(f32x4.mul(B1, v128.load(m + j)), f32x4.mul(A1, gj));
    const vj = f32x4.add(f32x4.mul(B2, v128.load(v + j)), f32x4.mul(A2, f32x4.mul(gj, gj)));
    v128.store(m + j, mj);
    v128.store(v + j, vj);
    const step = f32x4.div(f32x4.mul(LR, f32x4.mul(mj, c1)), f32x4.add(f32x4.sqrt(f32x4.mul(vj, c2)), E));
    v128.store(w + j, f32x4.sub(v128.load(w + j), step));
  }
}
