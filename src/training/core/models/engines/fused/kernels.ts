import { existsSync, readFileSync } from 'fs';
import * as path from 'path';

/** The few WebAssembly JS API types used here (the project's lib has no DOM/WebAssembly typings). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
type WasmModule = object;
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { exports: unknown };
};

/** The exports of assembly/fused-lstm.ts (pointers are byte offsets, sizes in floats). */
export interface FusedKernels {
  memory: WasmMemory;
  heapBase(): number;
  gemm(
    M: number,
    N: number,
    K: number,
    a: number,
    ars: number,
    acs: number,
    b: number,
    ldb: number,
    c: number,
    ldc: number,
  ): void;
  gateForward(B: number, H: number, z: number, cPrev: number, cOut: number, hOut: number, hard: number): void;
  gateBackward(
    B: number,
    H: number,
    z: number,
    cPrev: number,
    cCur: number,
    dhOut: number,
    dhRec: number,
    dc: number,
    dz: number,
    hard: number,
  ): void;
  broadcastRows(dst: number, src: number, rows: number, n: number): void;
  addColumnSums(dst: number, src: number, rows: number, n: number): void;
  transpose(dst: number, src: number, rows: number, cols: number): void;
  dense(B: number, H: number, h: number, w: number, bias: number, y: number): void;
  denseBackward(B: number, H: number, h: number, w: number, dy: number, dw: number, dh: number): number;
  seedDropout(seed: number): void;
  dropoutForward(src: number, dst: number, mask: number, n: number, rate: number): void;
  multiplyInPlace(dst: number, mask: number, n: number): void;
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    n: number,
    lr: number,
    b1: number,
    b2: number,
    b1p: number,
    b2p: number,
    eps: number,
  ): void;
}

export const WASM_FILE = 'fused-lstm.wasm';

/** The package root (first ancestor with a package.json): works from src/ (tests) and dist/. */
function packageRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export function wasmPath(): string {
  return path.join(packageRoot(__dirname), 'dist', 'wasm', WASM_FILE);
}

let compiled: WasmModule | undefined;

/** Compiles the module once per process; every model gets its own instance (own memory). */
export function instantiateKernels(): FusedKernels {
  if (!compiled) {
    const file = wasmPath();
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build:wasm\` (part of npm run build)`);
    compiled = new WebAssembly.Module(readFileSync(file));
  }
  return new WebAssembly.Instance(compiled, {
    env: {
      abort: () => {
        throw new Error('fused-lstm.wasm aborted');
      },
    },
  }).exports as unknown as FusedKernels;
}
