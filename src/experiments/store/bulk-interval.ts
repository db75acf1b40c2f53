import type { BulkIntervalQuery } from '../tracking.store';

/**
 * The UI's chart down-sampling (mlflow-api.md T23): the distinct steps in range if there
 * are at most max_results, else max_results evenly spaced ones plus the last; each run's own
 * first and last step in range are always kept.
 */
export function sampleSteps(points: { runId: string; step: number }[], q: BulkIntervalQuery): number[] {
  const all = [...new Set(points.map((p) => p.step))].sort((a, b) => a - b);
  if (all.length === 0) return [];
  const start = q.startStep ?? all[0];
  const end = q.endStep ?? all[all.length - 1];
  const inRange = all.filter((s) => s >= start && s <= end);
  const chosen = new Set<number>();
  if (inRange.length <= q.maxResults) inRange.forEach((s) => chosen.add(s));
  else {
    const stride = inRange.length / q.maxResults;
    for (let i = 0; i < q.maxResults; i++) chosen.add(inRange[Math.floor(i * stride)]);
    chosen.add(inRange[inRange.length - 1]);
  }
  const byRun = new Map<string, number[]>();
  for (const p of points) {
    if (p.step < start || p.step > end) continue;
    const list = byRun.get(p.runId) ?? [];
    list.push(p.step);
    byRun.set(p.runId, list);
  }
  for (const steps of byRun.values()) {
    chosen.add(Math.min(...steps));
    chosen.add(Math.max(...steps));
  }
  return [...chosen].sort((a, b) => a - b);
}
