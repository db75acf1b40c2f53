import { Injectable } from '@nestjs/common';
import { MlflowError } from '../../common/mlflow-error';
import { TrackingStore } from '../tracking.store';
import { encodeFrame, FrameGroup } from './frame';
import { bucketBudget, summaryGrid } from './summary-grid';
import { sampleColumns } from './sampling';

/** Below this many stored points per key (all runs), every point is read: exact sampling at the chart's width. */
const FULL_READ_POINTS = 50_000;

export const SAMPLED_LIMITS = { runs: 2000, keys: 50, series: 20_000, minPoints: 8, maxPoints: 10_000 };

export interface SampledHistoryQuery {
  runIds: string[];
  keys: string[];
  /** Points per series the chart can show (its width in pixels). */
  points: number;
  timestamps: boolean;
}

/**
 * Metric histories for charts: many runs x many keys in one call, each series reduced to what
 * a chart `points` pixels wide can show (M4, sampling.ts) and sent as one binary frame
 * (frame.ts), instead of MLflow's JSON of about 120 bytes per point.
 */
@Injectable()
export class SampledHistoryService {
  constructor(private readonly store: TrackingStore) {}

  validate(q: SampledHistoryQuery): SampledHistoryQuery {
    const runIds = [...new Set(q.runIds.map((s) => s.trim()).filter(Boolean))];
    const keys = [...new Set(q.keys.filter((k) => k !== ''))];
    const L = SAMPLED_LIMITS;
    if (runIds.length === 0) throw MlflowError.invalid("Parameter 'run_ids' must list at least one run id.");
    if (keys.length === 0) throw MlflowError.invalid("Parameter 'metric_keys' must list at least one metric key.");
    if (runIds.length > L.runs)
      throw MlflowError.invalid(`At most ${L.runs} run ids per request; got ${runIds.length}.`);
    if (keys.length > L.keys)
      throw MlflowError.invalid(`At most ${L.keys} metric keys per request; got ${keys.length}.`);
    if (runIds.length * keys.length > L.series)
      throw MlflowError.invalid(
        `At most ${L.series} series (runs x keys) per request; got ${runIds.length * keys.length}.`,
      );
    if (!Number.isInteger(q.points) || q.points < L.minPoints || q.points > L.maxPoints)
      throw MlflowError.invalid(
        `Parameter 'points' must be an integer from ${L.minPoints} to ${L.maxPoints}; got ${q.points}.`,
      );
    return { ...q, runIds, keys };
  }

  async sample(query: SampledHistoryQuery): Promise<Buffer> {
    const q = this.validate(query);
    const groups: FrameGroup[] = [];
    for (const key of q.keys) groups.push(await this.group(q, key));
    return encodeFrame(groups, q.timestamps);
  }

  /**
   * By step, from the pre-sampled summaries (a few kB per run instead of every point) on a grid
   * shared by the runs, its resolution shrinking as runs grow; small histories (or a time axis)
   * are read in full and sampled per series.
   */
  private async group(q: SampledHistoryQuery, key: string): Promise<FrameGroup> {
    if (!q.timestamps) {
      const byRun = await this.store.getMetricSummaries(q.runIds, key);
      const present = q.runIds.filter((r) => byRun.has(r)).map((runId) => ({ runId, summary: byRun.get(runId)! }));
      const stored = present.reduce((n, p) => n + p.summary.points, 0);
      if (stored > FULL_READ_POINTS) {
        const grid = summaryGrid(present, bucketBudget(present.length, q.points));
        return { key, sharedSteps: grid.x, series: grid.series };
      }
    }
    const byRun = await this.store.getMetricColumns(q.runIds, key);
    const series = q.runIds.flatMap((runId) => {
      const cols = byRun.get(runId);
      if (!cols) return [];
      const s = sampleColumns(q.timestamps ? cols : { steps: cols.steps, values: cols.values }, q.points);
      return [{ runId, total: cols.steps.length, ...s }];
    });
    return { key, series };
  }
}
