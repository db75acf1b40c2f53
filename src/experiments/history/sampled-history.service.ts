import { Injectable } from '@nestjs/common';
import { MlflowError } from '../../common/mlflow-error';
import { TrackingStore } from '../tracking.store';
import { encodeFrame, FrameSeries } from './frame';
import { sampleColumns } from './sampling';

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
    const series: FrameSeries[] = [];
    for (const key of q.keys) {
      const byRun = await this.store.getMetricColumns(q.runIds, key);
      for (const runId of q.runIds) {
        const cols = byRun.get(runId);
        if (!cols) continue;
        const s = sampleColumns(q.timestamps ? cols : { steps: cols.steps, values: cols.values }, q.points);
        series.push({ runId, key, total: cols.steps.length, ...s });
      }
    }
    return encodeFrame(series, q.timestamps);
  }
}
