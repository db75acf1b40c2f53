import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { TrackingStore } from './tracking.store';
import { isIncomplete, KeyValue, Run } from './tracking.types';

export interface CompareRow<T> {
  key: string;
  values: (T | null)[];
  differs: boolean;
}

export interface MetricCompareRow extends CompareRow<number> {
  goal: 'min' | 'max';
  best_run_id?: string;
}

export interface Comparison {
  runs: {
    run_id: string;
    run_name: string;
    experiment_id: string;
    status: string;
    start_time: number;
    end_time: number | null;
    duration_ms: number | null;
  }[];
  params: CompareRow<string>[];
  metrics: MetricCompareRow[];
  tags: CompareRow<string>[];
}

// Metrics where higher is better; everything else (loss, mae, rmse, mape...) is minimised.
const MAXIMISE = /(^|[_./-])(acc|accuracy|auc|f1|precision|recall|r2|skill|score)($|[_./-])/i;

function rows(runs: Run[], pick: (r: Run) => KeyValue[]): CompareRow<string>[] {
  const keys = [...new Set(runs.flatMap((r) => pick(r).map((kv) => kv.key)))].sort();
  return keys.map((key) => {
    const values = runs.map((r) => pick(r).find((kv) => kv.key === key)?.value ?? null);
    return { key, values, differs: new Set(values).size > 1 };
  });
}

function metricRows(runs: Run[], maximise: Set<string>): MetricCompareRow[] {
  const keys = [...new Set(runs.flatMap((r) => r.data.metrics.map((m) => m.key)))].sort();
  return keys.map((key) => {
    const values = runs.map((r) => r.data.metrics.find((m) => m.key === key)?.value ?? null);
    const goal = maximise.has(key) || MAXIMISE.test(key) ? 'max' : 'min';
    let best = -1;
    values.forEach((v, i) => {
      // A run abandoned by its process (tsflow.incomplete) may carry full metrics: never the best.
      if (v === null || Number.isNaN(v) || isIncomplete(runs[i])) return;
      const current = values[best];
      if (best < 0 || current === null || (goal === 'min' ? v < current : v > current)) best = i;
    });
    return {
      key,
      values: values.map((v) => (v === null || Number.isNaN(v) ? null : v)),
      differs: new Set(values.map(String)).size > 1,
      goal,
      best_run_id: best >= 0 ? runs[best].info.runId : undefined,
    };
  });
}

/** Side-by-side view of runs for the Swagger UI: what differs and which run is best per metric. */
@Injectable()
export class CompareService {
  constructor(private readonly store: TrackingStore) {}

  async compare(runIds: string[], maximise: string[] = []): Promise<Comparison> {
    const ids = [...new Set(runIds.map((id) => id.trim()).filter(Boolean))];
    if (ids.length === 0) throw MlflowError.invalid("Parameter 'run_ids' must list at least one run id.");
    if (ids.length > 100) throw MlflowError.invalid(`At most 100 runs can be compared; got ${ids.length}.`);
    const runs = await this.store.getRuns(ids);
    const missing = ids.filter((id) => !runs.some((r) => r.info.runId === id));
    if (missing.length) throw MlflowError.notFound(`Run with id=${missing[0]} not found`);
    return {
      runs: runs.map((r) => ({
        run_id: r.info.runId,
        run_name: r.info.runName,
        experiment_id: r.info.experimentId,
        status: r.info.status,
        start_time: r.info.startTime,
        end_time: r.info.endTime,
        duration_ms: r.info.endTime === null ? null : r.info.endTime - r.info.startTime,
      })),
      params: rows(runs, (r) => r.data.params),
      metrics: metricRows(runs, new Set(maximise)),
      tags: rows(runs, (r) => r.data.tags),
    };
  }
}
