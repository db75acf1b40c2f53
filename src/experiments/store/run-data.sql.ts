import type { Dialect, SqlRunner } from '../../database/db';
import { inList, listParam, textOrder } from '../../database/sql-dialect';
import type { CreateRunInput } from '../tracking.store';
import type { DatasetInput, KeyValue, Metric, Run, RunInfo } from '../tracking.types';
import { groupBy } from '../../database/sql-helpers';
import { RUN_NAME_TAG } from './log-batch.sql';
import { metricFromRow } from './sql-values';

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

/**
 * Latest metrics of many runs, one JSON array per run built by the database: a page of 100
 * runs with 20 metrics each is 100 rows to decode instead of 2,000 row objects (3x faster on
 * sqlite, whose JSON keeps doubles round-trip exact, as does Postgres').
 */
async function latestMetrics(db: SqlRunner, ids: unknown): Promise<Map<string, Metric[]>> {
  const agg =
    db.dialect === 'postgres'
      ? 'json_agg(json_build_array(key, value, is_nan, timestamp, step) ORDER BY key)::text'
      : 'json_group_array(json_array(key, value, is_nan, timestamp, step))';
  const rows = await db.query<{ run_uuid: string; m: string }>(
    `SELECT run_uuid, ${agg} AS m FROM latest_metrics WHERE ${inList(db.dialect, 'run_uuid')} GROUP BY run_uuid`,
    [ids],
  );
  const out = new Map<string, Metric[]>();
  for (const row of rows) {
    const points = (JSON.parse(row.m) as [string, number, number, number, number][]).map(
      ([key, value, isNan, timestamp, step]) => metricFromRow({ key, value, is_nan: isNan, timestamp, step }),
    );
    out.set(
      row.run_uuid,
      points.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)),
    );
  }
  return out;
}

const byKey = (a: KeyValue, b: KeyValue) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * A run just created holds exactly what createRun wrote: its tags (the last value of a key
 * wins, `mlflow.runName` names the run, as in writeBatch) and nothing else. Built from the
 * input, in hydrateRuns' order, instead of read back with seven queries.
 */
export function createdRun(input: CreateRunInput): Run {
  const last = new Map(input.tags.map((t) => [t.key, t.value]));
  return {
    info: {
      runId: input.runId,
      runName: last.get(RUN_NAME_TAG) ?? input.runName,
      experimentId: input.experimentId,
      userId: input.userId,
      status: 'RUNNING',
      startTime: input.startTime,
      endTime: null,
      artifactUri: input.artifactUri,
      lifecycleStage: 'active',
    },
    data: { metrics: [], params: [], tags: [...last].map(([key, value]) => ({ key, value })).sort(byKey) },
    inputs: { datasetInputs: [], modelInputs: [] },
    outputs: { modelOutputs: [] },
  };
}

const kv = (rows: KvRow[] | undefined): KeyValue[] => (rows ?? []).map(({ key, value }) => ({ key, value }));

type ModelLinks = { inputs: Map<string, string[]>; outputs: Map<string, { modelId: string; step: number }[]> };

/** MLflow 3 run ↔ logged model links (model inputs and outputs) of a page of runs. */
async function modelLinks(db: SqlRunner, ids: unknown): Promise<ModelLinks> {
  const d = db.dialect;
  const inputs = await db.query<{ run_uuid: string; model_id: string }>(
    `SELECT run_uuid, model_id FROM run_model_inputs WHERE ${inList(d, 'run_uuid')} ORDER BY run_uuid, model_id`,
    [ids],
  );
  const outputs = await db.query<{ run_uuid: string; model_id: string; step: number }>(
    `SELECT run_uuid, model_id, step FROM run_outputs WHERE ${inList(d, 'run_uuid')} ORDER BY run_uuid, model_id, step`,
    [ids],
  );
  const ins = groupBy(inputs, (r) => r.run_uuid);
  const outs = groupBy(outputs, (r) => r.run_uuid);
  return {
    inputs: new Map([...ins].map(([run, rows]) => [run, rows.map((r) => r.model_id)])),
    outputs: new Map(
      [...outs].map(([run, rows]) => [run, rows.map((r) => ({ modelId: r.model_id, step: Number(r.step) }))]),
    ),
  };
}

/**
 * Attach data (latest metrics, params, tags, dataset inputs) to run infos with one query per
 * entity type for the whole page, never one per run.
 */
export async function hydrateRuns(db: SqlRunner, infos: RunInfo[]): Promise<Run[]> {
  if (infos.length === 0) return [];
  const d = db.dialect;
  const ids = listParam(
    d,
    infos.map((i) => i.runId),
  );
  const [metrics, params, tags, inputs, links] = [
    await latestMetrics(db, ids),
    // Byte order of keys on both databases (a linguistic default collation would not be), as createdRun sorts.
    await db.query<KvRow>(
      `SELECT run_uuid, key, value FROM params WHERE ${inList(d, 'run_uuid')} ORDER BY ${textOrder(d, 'key')}`,
      [ids],
    ),
    await db.query<KvRow>(
      `SELECT run_uuid, key, value FROM tags WHERE ${inList(d, 'run_uuid')} ORDER BY ${textOrder(d, 'key')}`,
      [ids],
    ),
    await inputsFor(db, d, ids),
    await modelLinks(db, ids),
  ];

  const paramsOf = groupBy(params, (p) => p.run_uuid);
  const tagsOf = groupBy(tags, (t) => t.run_uuid);
  return infos.map((info) => ({
    info,
    data: {
      metrics: metrics.get(info.runId) ?? [],
      params: kv(paramsOf.get(info.runId)),
      tags: kv(tagsOf.get(info.runId)),
    },
    inputs: { datasetInputs: inputs.get(info.runId) ?? [], modelInputs: links.inputs.get(info.runId) ?? [] },
    outputs: { modelOutputs: links.outputs.get(info.runId) ?? [] },
  }));
}
