import type { BulkIntervalQuery } from '../tracking.store';

/**
 * The UI's chart down-sampling (mlflow-api.md T23): the distinct steps in range (default
 * [0, max step]) if there are at most max_results, else max_results evenly spaced ones plus
 * the last; each run's own first and last step are always kept when they lie in the range.
 */
export function sampleSteps(points: { runId: string; step: number }[], q: BulkIntervalQuery): number[] {
  const all = [...new Set(points.map((p) => p.step))].sort((a, b) => a - b);
  if (all.length === 0) return [];
  const start = q.startStep ?? 0;
  const end = q.endStep ?? all[all.length - 1];
  const inRange = all.filter((s) => s >= start && s <= end);
  const chosen = new Set<number>();
  if (inRange.length <= q.maxResults) inRange.forEach((s) => chosen.add(s));
  else {
    const stride = inRange.length / q.maxResults;
    for (let i = 0; i < q.maxResults; i++) chosen.add(inRange[Math.floor(i * stride)]);
    chosen.add(inRange[inRange.length - 1]);
  }
  // A run's overall min/max (not its first/last step inside the range), as MLflow computes them.
  const extremes = new Map<string, { min: number; max: number }>();
  for (const p of points) {
    const e = extremes.get(p.runId);
    if (!e) extremes.set(p.runId, { min: p.step, max: p.step });
    else {
      e.min = Math.min(e.min, p.step);
      e.max = Math.max(e.max, p.step);
    }
  }
  for (const { min, max } of extremes.values()) {
    for (const s of [min, max]) if (s >= start && s <= end) chosen.add(s);
  }
  return [...chosen].sort((a, b) => a - b);
}
