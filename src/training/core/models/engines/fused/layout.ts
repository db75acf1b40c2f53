/**
 * Memory layout of the fused LSTM in WASM linear memory (offsets in floats, every block a
 * multiple of 4 floats so f32x4 loads stay aligned). Units are padded to a multiple of 4 with
 * zero weights: a padded unit's gates see z = 0, so its cell and output stay exactly 0, its
 * gradients are 0 and Adam leaves its weights at 0; the padding never changes the results.
 *
 * Parameters (one block, so Adam is one call; gradients, m and v mirror it):
 *   per layer: W [D×G], U [H×G], b [G] (G = 4H, gate blocks i f g o), then head w [H], bias [4].
 * Workspace for a batch capacity B and T steps, time-major ([T, B, ·]):
 *   x [T·B·F]; per layer: Z [T·B·G] gates, C and Hs [(T+1)·B·H] (step 0 is the zero state),
 *   mask and dropped output [T·B·H] below the top layer ([B·H] on top);
 *   shared backward buffers: dZ [T·B·G], dH [T·B·H], dhRec, dc [B·H], Ut [G·H], Wt [G·Dmax].
 */
export interface LayerOffsets {
  inDim: number;
  w: number;
  u: number;
  b: number;
}

export interface Shape {
  seqLength: number;
  nFeatures: number;
  layers: number;
  units: number;
}

export const pad4 = (n: number): number => Math.ceil(n / 4) * 4;

export class ParamLayout {
  readonly hp: number;
  readonly g: number;
  readonly layers: LayerOffsets[] = [];
  readonly headW: number;
  readonly headB: number;
  /** Floats in the parameter block. */
  readonly size: number;

  constructor(readonly shape: Shape) {
    this.hp = pad4(shape.units);
    this.g = 4 * this.hp;
    let at = 0;
    for (let l = 0; l < shape.layers; l++) {
      const inDim = l === 0 ? shape.nFeatures : this.hp;
      const w = at;
      const u = w + pad4(inDim * this.g);
      const b = u + this.hp * this.g;
      this.layers.push({ inDim, w, u, b });
      at = b + this.g;
    }
    this.headW = at;
    this.headB = at + this.hp;
    this.size = this.headB + 4;
  }
}

export interface LayerWork {
  z: number;
  c: number;
  hs: number;
  mask: number;
  dropped: number;
}

export class WorkLayout {
  readonly x: number;
  readonly layers: LayerWork[] = [];
  readonly y: number;
  readonly dy: number;
  readonly dZ: number;
  readonly dH: number;
  readonly dhRec: number;
  readonly dc: number;
  readonly ut: number;
  readonly wt: number;
  readonly size: number;

  constructor(
    p: ParamLayout,
    readonly batch: number,
  ) {
    const { seqLength: T, nFeatures: F, layers: L } = p.shape;
    const B = batch;
    const H = p.hp;
    let at = 0;
    const take = (n: number): number => {
      const o = at;
      at += pad4(n);
      return o;
    };
    this.x = take(T * B * F);
    for (let l = 0; l < L; l++) {
      const top = l === L - 1;
      this.layers.push({
        z: take(T * B * p.g),
        c: take((T + 1) * B * H),
        hs: take((T + 1) * B * H),
        mask: take(top ? B * H : T * B * H),
        dropped: take(top ? B * H : T * B * H),
      });
    }
    this.y = take(B);
    this.dy = take(B);
    this.dZ = take(T * B * p.g);
    this.dH = take(T * B * H);
    this.dhRec = take(B * H);
    this.dc = take(B * H);
    this.ut = take(p.g * H);
    this.wt = take(p.g * Math.max(F, H));
    this.size = at;
  }
}

/** Bytes of WASM memory a model needs to train with `batch` windows per step. */
export function fusedMemoryBytes(shape: Shape, batch: number): number {
  const p = new ParamLayout(shape);
  return 4 * (4 * p.size + new WorkLayout(p, batch).size);
}

/** Wasm32 addresses 4 GiB; stay well below it so a model never fails halfway through growing. */
export const FUSED_MEMORY_LIMIT_BYTES = 2 ** 31;

/**
 * Why the fused engine cannot train `shape` with `batchSize` windows per step, naming the
 * parameters to change, or null when it can.
 */
export function fusedUnsupportedReason(shape: Shape, batchSize: number): string | null {
  const bytes = fusedMemoryBytes(shape, batchSize);
  if (bytes <= FUSED_MEMORY_LIMIT_BYTES) return null;
  return (
    `engine fused: batch_size ${batchSize} x seq_length ${shape.seqLength} x units ${shape.units} x layers ${shape.layers} ` +
    `needs ${Math.ceil(bytes / 2 ** 20)} MiB of WASM memory (limit ${FUSED_MEMORY_LIMIT_BYTES / 2 ** 20} MiB); ` +
    'reduce batch_size, seq_length, units or layers, or use engine tfjs'
  );
}
