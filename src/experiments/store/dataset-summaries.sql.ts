import type { Db } from '../../database/db';
import { inList, listParam } from '../../database/sql-dialect';
import type { DatasetSummary } from '../tracking.store';

const MAX_SUMMARIES = 1000;

/**
 * MLflow's `_search_datasets`: distinct (experiment, name, digest, context) over the datasets
 * that runs logged as inputs, the context taken from the input's `mlflow.data.context` tag
 * (left join: inputs without it have context null).
 */
export async function searchDatasetSummaries(db: Db, experimentIds: string[]): Promise<DatasetSummary[]> {
  const ids = experimentIds.map(Number).filter((n) => Number.isSafeInteger(n));
  if (ids.length === 0) return [];
  const d = db.dialect;
  const rows = await db.query<{ experiment_id: number; name: string; digest: string; context: string | null }>(
    `SELECT DISTINCT ds.experiment_id, ds.name, ds.digest, t.value AS context
     FROM datasets ds
     JOIN run_inputs ri ON ri.dataset_id = ds.dataset_id
     LEFT JOIN input_tags t ON t.run_uuid = ri.run_uuid AND t.dataset_id = ri.dataset_id AND t.key = 'mlflow.data.context'
     WHERE ${inList(d, 'ds.experiment_id')}
     ORDER BY ds.experiment_id, ds.name, ds.digest, context
     LIMIT ${MAX_SUMMARIES}`,
    [listParam(d, ids)],
  );
  return rows.map((r) => ({
    experimentId: String(r.experiment_id),
    name: r.name,
    digest: r.digest,
    context: r.context ?? null,
  }));
}
