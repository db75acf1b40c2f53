/**
 * Shape-keeping down-sampling of one metric history for a chart of a given width (pure code,
 * unit-tested in sampling.spec.ts). M4 aggregation (Jugel et al., VLDB 2014): the step range is
 * cut into `target / 4` buckets and each bucket keeps its first, last, minimum and maximum
 * point, which is what a line drawn at that width can show, so spikes and the overall extremes
 * survive. Non-finite values (NaN, ±Infinity) are kept too (the first of each kind per bucket):
 * the chart shows them as gaps or marks instead of losing them silently.
 */

/** Indices (ascending) of the points to keep; everything when the series already fits `target`. */
export function sampleIndices(steps: ArrayLike<number>, values: ArrayLike<number>, target: number): number[] {
  const n = steps.length;
  if (n <= Math.max(1, target)) return Array.from({ length: n }, (_, i) => i);
  const buckets = Math.max(1, Math.floor(target / 4));
  const s0 = steps[0];
  const span = steps[n - 1] - s0;
  const bucketOf = (i: number) =>
    span > 0 ? Math.min(buckets - 1, Math.floor(((steps[i] - s0) / span) * buckets)) : 0;
  const keep: number[] = [];
  let i = 0;
  while (i < n) {
    const b = bucketOf(i);
    let min = -1;
    let max = -1;
    let nan = -1;
    let pos = -1;
    let neg = -1;
    let j = i;
    for (; j < n && bucketOf(j) === b; j++) {
      const v = values[j];
      if (Number.isNaN(v)) nan = nan < 0 ? j : nan;
      else if (v === Infinity) pos = pos < 0 ? j : pos;
      else if (v === -Infinity) neg = neg < 0 ? j : neg;
      else {
        if (min < 0 || v < values[min]) min = j;
        if (max < 0 || v > values[max]) max = j;
      }
    }
    const picked = new Set([i, j - 1, min, max, nan, pos, neg].filter((k) => k >= 0));
    keep.push(...[...picked].sort((a, b2) => a - b2));
    i = j;
  }
  return keep;
}

/** The kept points as columns (steps, values and, when given, timestamps). */
export function sampleColumns(
  cols: { steps: Float64Array; values: Float64Array; timestamps?: Float64Array },
  target: number,
): { steps: Float64Array; values: Float64Array; timestamps?: Float64Array } {
  const idx = sampleIndices(cols.steps, cols.values, target);
  if (idx.length === cols.steps.length) return cols;
  const pick = (a: Float64Array) => Float64Array.from(idx, (k) => a[k]);
  return {
    steps: pick(cols.steps),
    values: pick(cols.values),
    timestamps: cols.timestamps ? pick(cols.timestamps) : undefined,
  };
}
