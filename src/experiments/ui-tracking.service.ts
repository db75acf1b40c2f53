import { Injectable } from '@nestjs/common';
import { MlflowError } from '../common/mlflow-error';
import { queryInteger, validateRunId } from '../common/validation';
import { DatasetSummary, TrackingStore } from './tracking.store';
import { MetricWithRunId } from './tracking.types';

const MAX_HISTORY_RESULTS = 25_000;
const MAX_RUN_IDS = 100;
const MAX_EXPERIMENT_IDS = 20;

/** A query value that may have been repeated: every occurrence, in order. */
export function allValues(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * The tracking routes MLflow serves only under /ajax-api for its UI (mlflow-api.md §6.4):
 * histories of several runs in one call and the datasets used in experiments. Messages and
 * limits are MLflow's; where MLflow answers bad input with a 500 (a non-integer
 * `max_results`), this answers 400.
 */
@Injectable()
export class UiTrackingService {
  constructor(private readonly store: TrackingStore) {}

  async metricHistoryBulk(runIds: string[], key: string | undefined, maxResults: unknown): Promise<MetricWithRunId[]> {
    if (runIds.length === 0)
      throw MlflowError.invalid('GetMetricHistoryBulk request must specify at least one run_id.');
    if (runIds.length > MAX_RUN_IDS) {
      throw MlflowError.invalid(
        `GetMetricHistoryBulk request cannot specify more than ${MAX_RUN_IDS} run_ids. Received ${runIds.length} run_ids.`,
      );
    }
    if (key === undefined) throw MlflowError.invalid('GetMetricHistoryBulk request must specify a metric_key.');
    runIds.forEach((id) => validateRunId(id));
    const limit = Math.min(parseLimit(maxResults), MAX_HISTORY_RESULTS);
    const out: MetricWithRunId[] = [];
    for (const runId of [...runIds].sort()) {
      const page = await this.store.getMetricHistory(runId, key, limit);
      for (const m of page.items) out.push({ ...m, runId });
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  searchDatasets(experimentIds: unknown): Promise<DatasetSummary[]> {
    if (experimentIds !== undefined && !Array.isArray(experimentIds)) {
      throw MlflowError.invalid("'experiment_ids' must be a list of experiment ids.");
    }
    const ids = (experimentIds ?? []).map((id) => (typeof id === 'number' ? String(id) : id));
    if (ids.length === 0) throw MlflowError.invalid('SearchDatasets request must specify at least one experiment_id.');
    if (ids.length > MAX_EXPERIMENT_IDS) {
      throw MlflowError.invalid(
        `SearchDatasets request cannot specify more than ${MAX_EXPERIMENT_IDS} experiment_ids. Received ${ids.length} experiment_ids.`,
      );
    }
    if (ids.some((id) => typeof id !== 'string' || !/^\d{1,18}$/.test(id))) {
      throw MlflowError.invalid("'experiment_ids' must hold experiment ids (strings of digits).");
    }
    return this.store.searchDatasets(ids as string[]);
  }
}

function parseLimit(v: unknown): number {
  return queryInteger('max_results', allValues(v)[0], { min: 1 }) ?? MAX_HISTORY_RESULTS;
}
