/**
 * Pre-sampled metric history (pure code, unit-tested in summary.spec.ts): per (run, key) at most
 * `SUMMARY_BUCKETS` step buckets of a power-of-two `width`, aligned to multiples of it (so the
 * summaries of many runs merge onto one shared grid), each keeping its first and last point (by
 * step, then timestamp, then value), its finite minimum and maximum (with their steps, to draw them
 * in order) and which non-finite values it saw. When a step falls outside the covered range the
 * width doubles (pairs of buckets merge) until it fits. Every field is a commutative, idempotent
 * merge, so adding points in any order, or twice, gives the summary built from scratch.
 */
export const SUMMARY_BUCKETS = 64;

const MAX_DOUBLE = 1.7976931348623157e308;
export const NAN_SEEN = 1;
export const POS_INF_SEEN = 2;
export const NEG_INF_SEEN = 4;

export interface Bucket {
  /** Index on the summary's grid: steps [origin + index * width, origin + (index + 1) * width). */
  index: number;
  flags: number;
  firstStep: number;
  firstTs: number;
  firstValue: number;
  lastStep: number;
  lastTs: number;
  lastValue: number;
  /** Finite extremes (NaN when the bucket has only non-finite values) and their steps. */
  min: number;
  minStep: number;
  max: number;
  maxStep: number;
}

export interface Summary {
  origin: number;
  width: number;
  /** Points added: the stored count, except that a re-logged duplicate may count again (an estimate for read planning). */
  points: number;
  /** Sorted by index, no empty bucket stored. */
  buckets: Bucket[];
}

export interface Point {
  step: number;
  timestamp: number;
  value: number;
}

export const emptySummary = (): Summary => ({ origin: 0, width: 1, points: 0, buckets: [] });

/** The store keeps ±Infinity as ±max double (MLflow's encoding): both read as infinities here; -0 is 0. */
const normal = (v: number) => (v >= MAX_DOUBLE ? Infinity : v <= -MAX_DOUBLE ? -Infinity : v === 0 ? 0 : v);

/** Total order of values for ties: numbers ascending, NaN last. */
const valueCmp = (a: number, b: number) =>
  Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : Number.isNaN(b) ? -1 : a < b ? -1 : a > b ? 1 : 0;
const pointCmp = (s1: number, t1: number, v1: number, s2: number, t2: number, v2: number) =>
  s1 !== s2 ? s1 - s2 : t1 !== t2 ? t1 - t2 : valueCmp(v1, v2);

function bucketOf(index: number, p: Point): Bucket {
  const v = normal(p.value);
  const finite = Number.isFinite(v);
  const flags = Number.isNaN(v) ? NAN_SEEN : v === Infinity ? POS_INF_SEEN : v === -Infinity ? NEG_INF_SEEN : 0;
  return {
    index,
    flags,
    firstStep: p.step,
    firstTs: p.timestamp,
    firstValue: v,
    lastStep: p.step,
    lastTs: p.timestamp,
    lastValue: v,
    min: finite ? v : NaN,
    minStep: finite ? p.step : NaN,
    max: finite ? v : NaN,
    maxStep: finite ? p.step : NaN,
  };
}

/** a absorbs b (same grid cell). Ties of extremes go to the smaller step: order-independent. */
function mergeInto(a: Bucket, b: Bucket): void {
  a.flags |= b.flags;
  if (pointCmp(b.firstStep, b.firstTs, b.firstValue, a.firstStep, a.firstTs, a.firstValue) < 0) {
    a.firstStep = b.firstStep;
    a.firstTs = b.firstTs;
    a.firstValue = b.firstValue;
  }
  if (pointCmp(b.lastStep, b.lastTs, b.lastValue, a.lastStep, a.lastTs, a.lastValue) > 0) {
    a.lastStep = b.lastStep;
    a.lastTs = b.lastTs;
    a.lastValue = b.lastValue;
  }
  if (!Number.isNaN(b.min) && (Number.isNaN(a.min) || b.min < a.min || (b.min === a.min && b.minStep < a.minStep))) {
    a.min = b.min;
    a.minStep = b.minStep;
  }
  if (!Number.isNaN(b.max) && (Number.isNaN(a.max) || b.max > a.max || (b.max === a.max && b.maxStep < a.maxStep))) {
    a.max = b.max;
    a.maxStep = b.maxStep;
  }
}

/** The smallest power-of-two width (at least `from`) whose aligned grid of `buckets` cells covers [lo, hi]. */
export function widthFor(lo: number, hi: number, from: number, buckets: number): number {
  let w = from;
  while (Math.floor(lo / w) * w + buckets * w <= hi) w *= 2;
  return w;
}

/** Re-bins buckets onto a coarser (or shifted) aligned grid; `width` must be a multiple of the old one. */
export function regrid(s: Summary, origin: number, width: number): Bucket[] {
  const out: Bucket[] = [];
  for (const b of s.buckets) {
    const index = Math.floor((s.origin + b.index * s.width - origin) / width);
    const last = out[out.length - 1];
    if (last && last.index === index) mergeInto(last, b);
    else out.push({ ...b, index });
  }
  return out;
}

/** Adds points (any order, duplicates allowed) to a summary; returns the new summary. */
export function addPoints(s: Summary, points: readonly Point[], buckets = SUMMARY_BUCKETS): Summary {
  if (points.length === 0) return s;
  let lo = s.buckets.length ? s.buckets[0].firstStep : Infinity;
  let hi = s.buckets.length ? s.buckets[s.buckets.length - 1].lastStep : -Infinity;
  for (const p of points) {
    if (p.step < lo) lo = p.step;
    if (p.step > hi) hi = p.step;
  }
  const width = widthFor(lo, hi, s.buckets.length ? s.width : 1, buckets);
  const origin = Math.floor(lo / width) * width;
  const cells = new Map<number, Bucket>();
  for (const b of origin === s.origin && width === s.width ? s.buckets : regrid(s, origin, width))
    cells.set(b.index, { ...b });
  for (const p of points) {
    const index = Math.floor((p.step - origin) / width);
    const cell = cells.get(index);
    if (cell) mergeInto(cell, bucketOf(index, p));
    else cells.set(index, bucketOf(index, p));
  }
  return {
    origin,
    width,
    points: s.points + points.length,
    buckets: [...cells.values()].sort((a, b) => a.index - b.index),
  };
}

/** The summary of a whole history (columns as the store reads them). */
export function buildSummary(cols: {
  steps: ArrayLike<number>;
  values: ArrayLike<number>;
  timestamps: ArrayLike<number>;
}): Summary {
  const points: Point[] = new Array(cols.steps.length);
  for (let i = 0; i < points.length; i++)
    points[i] = { step: cols.steps[i], timestamp: cols.timestamps[i], value: cols.values[i] };
  return addPoints(emptySummary(), points);
}

/** The (step, timestamp) of the last point summarised: later points are the history's tail. */
export function summaryEnd(s: Summary): { step: number; timestamp: number } | undefined {
  const b = s.buckets[s.buckets.length - 1];
  return b && { step: b.lastStep, timestamp: b.lastTs };
}

const HEADER = 32;
const BUCKET = 2 + 1 + 10 * 8;

/** Blob layout (little-endian): u32 version 1, u32 buckets, f64 origin, f64 width, f64 points, then per bucket u16 index, u8 flags, 10 x f64. */
export function encodeSummary(s: Summary): Uint8Array {
  const out = new Uint8Array(HEADER + s.buckets.length * BUCKET);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, 1, true);
  dv.setUint32(4, s.buckets.length, true);
  dv.setFloat64(8, s.origin, true);
  dv.setFloat64(16, s.width, true);
  dv.setFloat64(24, s.points, true);
  let at = HEADER;
  for (const b of s.buckets) {
    dv.setUint16(at, b.index, true);
    dv.setUint8(at + 2, b.flags);
    const f = [
      b.firstStep,
      b.firstTs,
      b.firstValue,
      b.lastStep,
      b.lastTs,
      b.lastValue,
      b.min,
      b.minStep,
      b.max,
      b.maxStep,
    ];
    for (let k = 0; k < 10; k++) dv.setFloat64(at + 3 + k * 8, f[k], true);
    at += BUCKET;
  }
  return out;
}

/** Reads a blob back; undefined when it is not a summary this code wrote (then it is rebuilt). */
export function decodeSummary(blob: Uint8Array): Summary | undefined {
  if (blob.length < HEADER) return undefined;
  const dv = new DataView(blob.buffer, blob.byteOffset, blob.byteLength);
  const n = dv.getUint32(4, true);
  if (dv.getUint32(0, true) !== 1 || blob.length !== HEADER + n * BUCKET) return undefined;
  const buckets: Bucket[] = new Array(n);
  let at = HEADER;
  for (let i = 0; i < n; i++) {
    const f = (k: number) => dv.getFloat64(at + 3 + k * 8, true);
    buckets[i] = {
      index: dv.getUint16(at, true),
      flags: dv.getUint8(at + 2),
      firstStep: f(0),
      firstTs: f(1),
      firstValue: f(2),
      lastStep: f(3),
      lastTs: f(4),
      lastValue: f(5),
      min: f(6),
      minStep: f(7),
      max: f(8),
      maxStep: f(9),
    };
    at += BUCKET;
  }
  return { origin: dv.getFloat64(8, true), width: dv.getFloat64(16, true), points: dv.getFloat64(24, true), buckets };
}
