import type { Dialect, SqlRunner } from '../../database/db';
import { inList, listParam } from '../../database/sql-dialect';
import type { DatasetInput, KeyValue, Metric, Run, RunInfo } from '../tracking.types';
import { groupBy, metricFromRow, MetricRow } from './sql-values';

interface KvRow {
  run_uuid: string;
  key: string;
  value: string;
}

interface InputRow {
  run_uuid: string;
  dataset_id: number;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  dataset_schema: string | null;
  profile: string | null;
}

async function inputsFor(db: SqlRunner, d: Dialect, ids: unknown): Promise<Map<string, DatasetInput[]>> {
  const inputs = await db.query<InputRow>(
    `SELECT ri.run_uuid, ds.dataset_id, ds.name, ds.digest, ds.source_type, ds.source, ds.dataset_schema, ds.profile
     FROM run_inputs ri JOIN datasets ds ON ds.dataset_id = ri.dataset_id WHERE ${inList(d, 'ri.run_uuid')}
     ORDER BY ri.run_uuid, ds.dataset_id`,
    [ids],
  );
  if (inputs.length === 0) return new Map();
  const tags = await db.query<KvRow & { dataset_id: number }>(
    `SELECT run_uuid, dataset_id, key, value FROM input_tags WHERE ${inList(d, 'run_uuid')} ORDER BY key`,
    [ids],
  );
  const tagsOf = groupBy(tags, (t) => `${t.run_uuid}/${Number(t.dataset_id)}`);
  const out = new Map<string, DatasetInput[]>();
  for (const row of inputs) {
    const input: DatasetInput = {
      tags: (tagsOf.get(`${row.run_uuid}/${Number(row.dataset_id)}`) ?? []).map(({ key, value }) => ({ key, value })),
      dataset: {
        name: row.name,
        digest: row.digest,
        sourceType: row.source_type,
        source: row.source,
        schema: row.dataset_schema ?? undefined,
        profile: row.profile ?? undefined,
      },
    };
    const list = out.get(row.run_uuid);
    if (list) list.push(input);
    else out.set(row.run_uuid, [input]);
  }
  return out;
}

const kv = (rows: KvRow[] | undefined): KeyValue[] => (rows ?? []).map(({ key, value }) => ({ key, value }));

/**
 * Attach data (latest metrics, params, tags, dataset inputs) to run infos with one query per
 * entity type for the whole page, never one per run.
 */
export async function hydrateRuns(db: SqlRunner, infos: RunInfo[]): Promise<Run[]> {
  if (infos.length === 0) return [];
  const d = db.dialect;
  const ids = listParam(d, infos.map((i) => i.runId));
  const [metrics, params, tags, inputs] = [
    await db.query<MetricRow & { run_uuid: string }>(
      `SELECT run_uuid, key, value, is_nan, timestamp, step FROM latest_metrics WHERE ${inList(d, 'run_uuid')} ORDER BY key`,
      [ids],
    ),
    await db.query<KvRow>(`SELECT run_uuid, key, value FROM params WHERE ${inList(d, 'run_uuid')} ORDER BY key`, [ids]),
    await db.query<KvRow>(`SELECT run_uuid, key, value FROM tags WHERE ${inList(d, 'run_uuid')} ORDER BY key`, [ids]),
    await inputsFor(db, d, ids),
  ];
  const metricsOf = groupBy(metrics, (m) => m.run_uuid);
  const paramsOf = groupBy(params, (p) => p.run_uuid);
  const tagsOf = groupBy(tags, (t) => t.run_uuid);
  return infos.map((info) => ({
    info,
    data: {
      metrics: (metricsOf.get(info.runId) ?? []).map(metricFromRow) as Metric[],
      params: kv(paramsOf.get(info.runId)),
      tags: kv(tagsOf.get(info.runId)),
    },
    inputs: { datasetInputs: inputs.get(info.runId) ?? [] },
  }));
}
