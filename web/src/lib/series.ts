/** Pure transformations of metric histories for the charts (unit-tested in series.spec.ts). */

export interface Series {
  x: Float64Array;
  y: Float64Array;
}

/**
 * Exponential moving average with TensorBoard's debiasing, so the first points are not pulled
 * towards 0. weight 0 returns the input; non-finite values pass through and do not poison the average.
 */
export function smooth(y: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(y.length);
  if (weight <= 0) {
    for (let i = 0; i < y.length; i++) out[i] = y[i];
    return out;
  }
  let last = 0;
  let n = 0;
  for (let i = 0; i < y.length; i++) {
    const v = y[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * weight + (1 - weight) * v;
    n++;
    out[i] = last / (1 - Math.pow(weight, n));
  }
  return out;
}

/**
 * Min/max decimation into `buckets` x-buckets: keeps the first, last, minimum and maximum of
 * each bucket in x order, so spikes survive (what a line chart at that width can show anyway).
 * Input sorted by x; returns the input when it is already small enough.
 */
export function downsample(s: Series, buckets: number): Series {
  const n = s.x.length;
  if (n <= buckets * 4 || buckets < 1) return s;
  const xs: number[] = [];
  const ys: number[] = [];
  const x0 = s.x[0];
  const span = s.x[n - 1] - x0 || 1;
  let i = 0;
  while (i < n) {
    const b = Math.min(buckets - 1, Math.floor(((s.x[i] - x0) / span) * buckets));
    let j = i;
    let min = i;
    let max = i;
    while (j < n && Math.min(buckets - 1, Math.floor(((s.x[j] - x0) / span) * buckets)) === b) {
      if (s.y[j] < s.y[min]) min = j;
      if (s.y[j] > s.y[max]) max = j;
      j++;
    }
    const keep = [...new Set([i, min, max, j - 1])].sort((a, c) => a - c);
    for (const k of keep) {
      xs.push(s.x[k]);
      ys.push(s.y[k]);
    }
    i = j;
  }
  return { x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

export type Column = ArrayLike<number | null>;

/**
 * Several series on one shared x axis (what uPlot draws): the sorted union of x values, and per
 * series its y at each x or null. When every series has the same x values (runs of one grid
 * search), the typed arrays are used as they are: no merging, no copy.
 */
export function align(series: Series[]): [Column, ...Column[]] {
  if (series.length === 0) return [[]];
  const first = series[0].x;
  const same = series.every((s) => s.x.length === first.length && s.x.every((v, i) => v === first[i]));
  if (same) return [first, ...series.map((s) => s.y)];
  const all = new Set<number>();
  for (const s of series) for (const v of s.x) all.add(v);
  const xs = [...all].sort((a, b) => a - b);
  const index = new Map(xs.map((v, i) => [v, i]));
  const ys = series.map((s) => {
    const out: (number | null)[] = new Array(xs.length).fill(null);
    for (let i = 0; i < s.x.length; i++) out[index.get(s.x[i])!] = s.y[i];
    return out;
  });
  return [xs, ...ys];
}

/** One metric's history in columns (what the charts keep in memory: no per-point objects). */
export interface History {
  step: Float64Array;
  time: Float64Array;
  value: Float64Array;
}

/** Metric points as columns, sorted by step then time (the order the charts need). */
export function toHistory(points: { step: number; timestamp: number; value: number }[]): History {
  let sorted = true;
  for (let i = 1; i < points.length && sorted; i++) {
    const a = points[i - 1];
    const b = points[i];
    sorted = a.step < b.step || (a.step === b.step && a.timestamp <= b.timestamp);
  }
  const list = sorted ? points : [...points].sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
  const n = list.length;
  const h = { step: new Float64Array(n), time: new Float64Array(n), value: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    h.step[i] = Number(list[i].step);
    h.time[i] = Number(list[i].timestamp);
    h.value[i] = Number(list[i].value);
  }
  return h;
}

/** The series to draw: by step (as stored), or by seconds since the first point (re-sorted by time when needed). */
export function toSeries(h: History, axis: 'step' | 'time'): Series {
  if (axis === 'step') return { x: h.step, y: h.value };
  const n = h.time.length;
  let order: number[] | undefined;
  for (let i = 1; i < n; i++) {
    if (h.time[i] < h.time[i - 1]) {
      order = Array.from({ length: n }, (_, k) => k).sort((a, b) => h.time[a] - h.time[b]);
      break;
    }
  }
  let t0 = Infinity;
  for (let i = 0; i < n; i++) t0 = Math.min(t0, h.time[i]);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const k = order ? order[i] : i;
    x[i] = (h.time[k] - t0) / 1000;
    y[i] = h.value[k];
  }
  return { x, y };
}
