import { instantiateKernels } from '../src/training/core/models/engines/fused/kernels';

export interface GemmResult {
  product: string;
  shape: string;
  gflops: number;
}

/**
 * The three products of an LSTM(units) step at batch B over T steps, timed on the WASM kernel
 * (median of `reps` runs): h·U (recurrent forward), dZ·Uᵀ (recurrent backward, Uᵀ stored),
 * Hᵀ·dZ (weight gradient over all steps in one GEMM).
 */
export function gemmKernelBench(units: number, batch: number, steps: number, reps = 30): GemmResult[] {
  const k = instantiateKernels();
  const hp = Math.ceil(units / 4) * 4;
  const g = 4 * hp;
  const rows = steps * batch;
  const floats = rows * g * 2 + rows * hp + g * hp * 2;
  const base = Math.ceil(k.heapBase() / 64) * 64;
  const need = base + 4 * floats;
  if (need > k.memory.buffer.byteLength) k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / 65536));
  const mem = new Float32Array(k.memory.buffer);
  for (let i = base / 4; i < need / 4; i++) mem[i] = Math.sin(i) * 0.1;
  const A = base;
  const Bm = A + 4 * rows * g;
  const C = Bm + 4 * rows * hp;
  const W = C + 4 * rows * g;
  const cases: Array<[string, string, number, () => void]> = [
    ['h·U', `${batch}x${hp} · ${hp}x${g}`, 2 * batch * hp * g, () => k.gemm(batch, g, hp, Bm, hp, 1, W, g, C, g)],
    ['dZ·Uᵀ', `${batch}x${g} · ${g}x${hp}`, 2 * batch * g * hp, () => k.gemm(batch, hp, g, A, g, 1, W, hp, C, hp)],
    ['Hᵀ·dZ', `${hp}x${rows} · ${rows}x${g}`, 2 * hp * rows * g, () => k.gemm(hp, g, rows, Bm, 1, hp, A, g, W, g)],
  ];
  return cases.map(([product, shape, flops, run]) => {
    const inner = Math.max(1, Math.round(2e7 / flops));
    const times: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < inner; i++) run();
      times.push(Number(process.hrtime.bigint() - t0) / 1e9 / inner);
    }
    times.sort((a, b) => a - b);
    return { product, shape, gflops: Number((flops / times[Math.floor(reps / 2)] / 1e9).toFixed(1)) };
  });
}
