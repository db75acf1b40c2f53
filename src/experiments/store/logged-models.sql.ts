import { MlflowError } from '../../common/mlflow-error';
import type { Db, SqlRunner } from '../../database/db';
import { inList, insertRows, listParam } from '../../database/sql-dialect';
import type {
  CreateLoggedModelInput,
  LoggedModel,
  LoggedModelInfo,
  LoggedModelStatus,
  ModelMetric,
  ModelOutput,
  SearchLoggedModelsQuery,
} from '../logged-models/logged-model.types';
import type { KeyValue } from '../tracking.types';
import { buildLoggedModelSearch, LOGGED_MODEL_COLUMNS } from './logged-model-search.sql';
import { groupBy } from '../../database/sql-helpers';
import { encodeMetricValue, metricFromRow, MetricRow } from './sql-values';

export interface LoggedModelRow {
  model_id: string;
  experiment_id: number | string;
  name: string;
  artifact_location: string;
  creation_timestamp_ms: number;
  last_updated_timestamp_ms: number;
  status: string;
  model_type: string;
  source_run_id: string;
  lifecycle_stage: string;
}

interface ModelMetricRow extends MetricRow {
  model_id: string;
  run_id: string;
  dataset_name: string;
  dataset_digest: string;
}

type KvRow = KeyValue & { model_id: string };

function infoFromRow(r: LoggedModelRow, tags: KeyValue[]): LoggedModelInfo {
  return {
    modelId: r.model_id,
    experimentId: String(r.experiment_id),
    name: r.name,
    artifactLocation: r.artifact_location,
    creationTimestampMs: Number(r.creation_timestamp_ms),
    lastUpdatedTimestampMs: Number(r.last_updated_timestamp_ms),
    status: r.status as LoggedModelStatus,
    modelType: r.model_type,
    sourceRunId: r.source_run_id,
    lifecycleStage: r.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    tags,
  };
}

function modelMetricFromRow(r: ModelMetricRow): ModelMetric {
  return {
    ...metricFromRow(r),
    modelId: r.model_id,
    runId: r.run_id,
    datasetName: r.dataset_name || undefined,
    datasetDigest: r.dataset_digest || undefined,
  };
}

const kv = (rows: KvRow[] | undefined): KeyValue[] => (rows ?? []).map(({ key, value }) => ({ key, value }));

/** Tags, params and metric points of a page of models: one query per entity type. */
async function hydrate(db: SqlRunner, rows: LoggedModelRow[]): Promise<LoggedModel[]> {
  if (rows.length === 0) return [];
  const d = db.dialect;
  const ids = listParam(
    d,
    rows.map((r) => r.model_id),
  );
  const where = inList(d, 'model_id');
  const tags = groupBy(
    await db.query<KvRow>(`SELECT model_id, key, value FROM logged_model_tags WHERE ${where} ORDER BY key`, [ids]),
    (t) => t.model_id,
  );
  const params = groupBy(
    await db.query<KvRow>(`SELECT model_id, key, value FROM logged_model_params WHERE ${where} ORDER BY key`, [ids]),
    (p) => p.model_id,
  );
  const metrics = groupBy(
    await db.query<ModelMetricRow>(
      `SELECT model_id, key, value, is_nan, timestamp, step, run_id, dataset_name, dataset_digest
       FROM logged_model_metrics WHERE ${where} ORDER BY key, timestamp, step, run_id`,
      [ids],
    ),
    (m) => m.model_id,
  );
  return rows.map((r) => ({
    info: infoFromRow(r, kv(tags.get(r.model_id))),
    params: kv(params.get(r.model_id)),
    metrics: (metrics.get(r.model_id) ?? []).map(modelMetricFromRow),
  }));
}

async function upsertTags(tx: SqlRunner, modelId: string, tags: KeyValue[]): Promise<void> {
  const last = new Map(tags.map((t) => [t.key, t.value]));
  await insertRows(
    tx,
    'INSERT INTO logged_model_tags (model_id, key, value)',
    3,
    [...last].map(([k, v]) => [modelId, k, v]),
    'ON CONFLICT (model_id, key) DO UPDATE SET value = excluded.value',
  );
}

async function insertParams(tx: SqlRunner, modelId: string, params: KeyValue[]): Promise<void> {
  if (params.length === 0) return;
  const stored = await tx.query<KeyValue>(
    `SELECT key, value FROM logged_model_params WHERE model_id = ? AND ${inList(tx.dialect, 'key')}`,
    [
      modelId,
      listParam(
        tx.dialect,
        params.map((p) => p.key),
      ),
    ],
  );
  const old = new Map(stored.map((p) => [p.key, p.value]));
  const changed = params.find((p) => old.has(p.key) && old.get(p.key) !== p.value);
  if (changed) {
    throw MlflowError.invalid(
      `Changing param values is not allowed. Param with key='${changed.key}' was already logged with ` +
        `value='${old.get(changed.key)}' for model ID='${modelId}'. Attempted logging new value '${changed.value}'.`,
    );
  }
  await insertRows(
    tx,
    'INSERT INTO logged_model_params (model_id, key, value)',
    3,
    params.filter((p) => !old.has(p.key)).map((p) => [modelId, p.key, p.value]),
    'ON CONFLICT (model_id, key) DO NOTHING',
  );
}

/** Model-linked metric points; identity (model, key, timestamp, step, run), duplicates ignored. */
export async function writeModelMetrics(tx: SqlRunner, metrics: ModelMetric[]): Promise<void> {
  await insertRows(
    tx,
    'INSERT INTO logged_model_metrics (model_id, key, value, is_nan, timestamp, step, run_id, dataset_name, dataset_digest)',
    9,
    metrics.map((m) => {
      const { value, isNan } = encodeMetricValue(m.value);
      return [m.modelId, m.key, value, isNan, m.timestamp, m.step, m.runId, m.datasetName ?? '', m.datasetDigest ?? ''];
    }),
    'ON CONFLICT DO NOTHING',
  );
}

/** The logged-model half of SqlTrackingStore (same database, same transactions). */
export class SqlLoggedModels {
  constructor(private readonly db: Db) {}

  async create(input: CreateLoggedModelInput): Promise<LoggedModel> {
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms,
           last_updated_timestamp_ms, status, model_type, source_run_id, lifecycle_stage)
         VALUES (?, ?, ?, ?, ?, ?, 'LOGGED_MODEL_PENDING', ?, ?, 'active')`,
        [
          input.modelId,
          Number(input.experimentId),
          input.name,
          input.artifactLocation,
          now,
          now,
          input.modelType,
          input.sourceRunId,
        ],
      );
      await insertParams(tx, input.modelId, input.params);
      await upsertTags(tx, input.modelId, input.tags);
    });
    return (await this.get(input.modelId)) as LoggedModel;
  }

  async get(modelId: string, includeDeleted = false): Promise<LoggedModel | undefined> {
    const rows = await this.db.query<LoggedModelRow>(
      `SELECT ${LOGGED_MODEL_COLUMNS} FROM logged_models m WHERE m.model_id = ?`,
      [modelId],
    );
    if (!rows[0] || (!includeDeleted && rows[0].lifecycle_stage === 'deleted')) return undefined;
    return (await hydrate(this.db, rows))[0];
  }

  async existing(modelIds: string[]): Promise<Set<string>> {
    if (modelIds.length === 0) return new Set();
    const d = this.db.dialect;
    const rows = await this.db.query<{ model_id: string }>(
      `SELECT model_id FROM logged_models WHERE ${inList(d, 'model_id')} AND lifecycle_stage = 'active'`,
      [listParam(d, modelIds)],
    );
    return new Set(rows.map((r) => r.model_id));
  }

  async finalize(modelId: string, status: LoggedModelStatus): Promise<void> {
    await this.db.query('UPDATE logged_models SET status = ?, last_updated_timestamp_ms = ? WHERE model_id = ?', [
      status,
      Date.now(),
      modelId,
    ]);
  }

  async delete(modelId: string): Promise<void> {
    await this.db.query(
      `UPDATE logged_models SET lifecycle_stage = 'deleted', last_updated_timestamp_ms = ? WHERE model_id = ?`,
      [Date.now(), modelId],
    );
  }

  setTags(modelId: string, tags: KeyValue[]): Promise<void> {
    return this.db.transaction((tx) => upsertTags(tx, modelId, tags));
  }

  async updateTag(modelId: string, key: string, update: (current: string | undefined) => string): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext(?))', [`${modelId}/${key}`]);
      const [row] = await tx.query<{ value: string }>(
        'SELECT value FROM logged_model_tags WHERE model_id = ? AND key = ?',
        [modelId, key],
      );
      await upsertTags(tx, modelId, [{ key, value: update(row?.value) }]);
    });
  }

  deleteTag(modelId: string, key: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const found = await tx.query('SELECT 1 AS x FROM logged_model_tags WHERE model_id = ? AND key = ?', [
        modelId,
        key,
      ]);
      await tx.query('DELETE FROM logged_model_tags WHERE model_id = ? AND key = ?', [modelId, key]);
      return found.length > 0;
    });
  }

  logParams(modelId: string, params: KeyValue[]): Promise<void> {
    return this.db.transaction((tx) => insertParams(tx, modelId, params));
  }

  async search(query: SearchLoggedModelsQuery): Promise<{ items: LoggedModel[]; hasMore: boolean }> {
    const { sql, params } = buildLoggedModelSearch(this.db.dialect, query);
    const rows = await this.db.query<LoggedModelRow>(sql, params);
    const hasMore = rows.length > query.maxResults;
    return { items: await hydrate(this.db, rows.slice(0, query.maxResults)), hasMore };
  }

  async logOutputs(runId: string, outputs: ModelOutput[]): Promise<void> {
    await this.db.transaction((tx) =>
      insertRows(
        tx,
        'INSERT INTO run_outputs (run_uuid, model_id, step)',
        3,
        outputs.map((o) => [runId, o.modelId, o.step]),
        'ON CONFLICT DO NOTHING',
      ),
    );
  }

  async logModelInputs(runId: string, modelIds: string[]): Promise<void> {
    await this.db.transaction((tx) =>
      insertRows(
        tx,
        'INSERT INTO run_model_inputs (run_uuid, model_id)',
        2,
        [...new Set(modelIds)].map((id) => [runId, id]),
        'ON CONFLICT DO NOTHING',
      ),
    );
  }
}
