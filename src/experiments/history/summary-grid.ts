import { regrid, Summary, widthFor } from './summary';

/**
 * Many runs' summaries of one key on one shared step grid (pure code, tested in
 * summary-grid.spec.ts): one x column for every run, so the frame carries the steps once and the
 * chart needs no merge of x values. Each bucket of width W is drawn as up to 4 points spread
 * over it: first, the extremes in step order, last (1 point when W = 1, first and last when
 * W = 2); a bucket a run has no point in is NaN (the chart joins across it).
 */
export interface Grid {
  x: Float64Array;
  series: { runId: string; values: Float64Array; total: number }[];
}

/** Buckets per series for `runs` runs: about `valueBudget` values per chart, never above the width's M4 (points / 4). */
export function bucketBudget(runs: number, points: number, valueBudget = 400_000): number {
  return Math.max(8, Math.min(Math.floor(points / 4), Math.floor(valueBudget / (4 * Math.max(1, runs)))));
}

export function summaryGrid(summaries: { runId: string; summary: Summary }[], maxBuckets: number): Grid {
  if (summaries.length === 0) return { x: new Float64Array(0), series: [] };
  let lo = Infinity;
  let hi = -Infinity;
  let from = 1;
  for (const { summary: s } of summaries) {
    lo = Math.min(lo, s.buckets[0].firstStep);
    hi = Math.max(hi, s.buckets[s.buckets.length - 1].lastStep);
    from = Math.max(from, s.width);
  }
  const width = widthFor(lo, hi, from, maxBuckets);
  const origin = Math.floor(lo / width) * width;
  const cells = Math.floor((hi - origin) / width) + 1;
  const slots = Math.min(4, width);
  const x = new Float64Array(cells * slots);
  for (let b = 0; b < cells; b++)
    for (let j = 0; j < slots; j++) x[b * slots + j] = origin + b * width + (j * width) / slots;
  const series = summaries.map(({ runId, summary }) => {
    const values = new Float64Array(cells * slots).fill(NaN);
    for (const c of regrid(summary, origin, width)) {
      const at = c.index * slots;
      if (slots === 1) values[at] = c.lastValue;
      else if (slots === 2) {
        values[at] = c.firstValue;
        values[at + 1] = c.lastValue;
      } else {
        const minFirst = !(c.maxStep < c.minStep);
        values[at] = c.firstValue;
        values[at + 1] = Number.isNaN(c.min) ? c.firstValue : minFirst ? c.min : c.max;
        values[at + 2] = Number.isNaN(c.min) ? c.lastValue : minFirst ? c.max : c.min;
        values[at + 3] = c.lastValue;
      }
    }
    return { runId, values, total: summary.points };
  });
  return { x, series };
}
