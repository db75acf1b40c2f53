import { Injectable } from '@nestjs/common';
import { appendToUri } from '../../storage/artifact-uri';
import { searchDatasetSummaries } from './dataset-summaries.sql';
import { MlflowError } from '../../common/mlflow-error';
import { encodePageToken, PageToken } from '../../common/search';
import { Db, SqlRunner } from '../../database/db';
import { StatsRefresher } from '../../database/stats-refresher';
import { inList, insertRows, listParam } from '../../database/sql-dialect';
import {
  BulkIntervalQuery,
  CreateExperimentInput,
  CreateRunInput,
  DatasetSummary,
  LogBatch,
  RunUpdate,
  SearchQuery,
  SearchRunsQuery,
  TrackingStore,
} from '../tracking.store';
import type {
  DatasetInput,
  Experiment,
  KeyValue,
  LifecycleStage,
  Metric,
  MetricWithRunId,
  Page,
  Run,
  RunInfo,
} from '../tracking.types';
import { TERMINAL_STATUSES } from '../tracking.types';
import { groupBy, isUniqueViolation } from '../../database/sql-helpers';
import type {
  CreateLoggedModelInput,
  LoggedModel,
  LoggedModelStatus,
  ModelOutput,
  SearchLoggedModelsQuery,
} from '../logged-models/logged-model.types';
import { sampleSteps } from './bulk-interval';
import { MetricColumns, readMetricColumns } from './metric-columns.sql';
import { readSummaries } from './metric-summaries.sql';
import type { Summary } from '../history/summary';
import { buildExperimentSearch, EXPERIMENT_FIELDS } from './experiment-search.sql';
import { RUN_NAME_TAG, writeBatch } from './log-batch.sql';
import { historyUnion } from './history-union.sql';
import { COMPACT_ROWS, moveRecent, NO_STEP_SQL, RecentCounter } from './metric-history.sql';
import { SqlLoggedModels, writeModelMetrics } from './logged-models.sql';
import { createdRun, hydrateRuns } from './run-data.sql';
import { Cursor, searchRunRows } from './run-search.plan';
import {
  experimentFromRow,
  ExperimentRow,
  metricFromRow,
  MetricRow,
  RUN_COLUMNS,
  runInfoFromRow,
  RunRow,
} from './sql-values';

const EXPERIMENT_COLUMNS = EXPERIMENT_FIELDS.join(', ');

function page<T>(rows: T[], max: number, offset: number, snapshot: number, cursor?: Cursor): Page<T> {
  if (rows.length <= max) return { items: rows };
  return { items: rows.slice(0, max), nextPageToken: encodePageToken({ offset: offset + max, snapshot, ...cursor }) };
}

/** The one SQL implementation of TrackingStore, for sqlite and Postgres alike. */
@Injectable()
export class SqlTrackingStore extends TrackingStore {
  private readonly stats: StatsRefresher;
  private readonly models: SqlLoggedModels;
  /** sqlite only: when to move a run's recent metric points (metric-history.sql.ts). */
  private readonly recent?: RecentCounter;

  constructor(
    private readonly db: Db,
    /** Points per run written before they are moved to `metrics` (small in tests). */
    compactRows = COMPACT_ROWS,
  ) {
    super();
    if (db.dialect === 'sqlite') this.recent = new RecentCounter(compactRows);
    this.stats = new StatsRefresher(db, ['runs', 'latest_metrics', 'params', 'tags']);
    this.models = new SqlLoggedModels(db);
  }

  async ping(): Promise<void> {
    await this.db.query('SELECT 1');
  }

  async ensureDefaultExperiment(defaultRoot: string): Promise<void> {
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      const [{ n }] = await tx.query<{ n: number }>('SELECT COUNT(*) AS n FROM experiments');
      if (Number(n) > 0) return;
      await tx.query(
        `INSERT INTO experiments (${EXPERIMENT_COLUMNS}) VALUES (0, 'Default', ?, 'active', ?, ?) ON CONFLICT DO NOTHING`,
        [appendToUri(defaultRoot, '0'), now, now],
      );
    });
  }

  async createExperiment(input: CreateExperimentInput, defaultRoot: string): Promise<string> {
    const now = Date.now();
    try {
      return await this.db.transaction(async (tx) => {
        const [row] = await tx.query<{ experiment_id: number }>(
          `INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
           VALUES (?, ?, 'active', ?, ?) RETURNING experiment_id`,
          [input.name, input.artifactLocation ?? '', now, now],
        );
        const id = String(row.experiment_id);
        if (input.artifactLocation === undefined) {
          await tx.query('UPDATE experiments SET artifact_location = ? WHERE experiment_id = ?', [
            appendToUri(defaultRoot, id),
            Number(id),
          ]);
        }
        await this.upsertExperimentTags(tx, id, input.tags);
        return id;
      });
    } catch (err) {
      if (isUniqueViolation(err))
        throw MlflowError.exists(
          `Experiment(name=${input.name}) already exists. Error: UNIQUE constraint failed: experiments.name`,
        );
      throw err;
    }
  }

  private async upsertExperimentTags(tx: SqlRunner, id: string, tags: KeyValue[]): Promise<void> {
    const last = new Map(tags.map((t) => [t.key, t.value]));
    await insertRows(
      tx,
      'INSERT INTO experiment_tags (experiment_id, key, value)',
      3,
      [...last].map(([k, v]) => [Number(id), k, v]),
      'ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value',
    );
  }

  /**
   * Rows of `sql` (its columns in `names`' order) read as arrays where the driver can: sqlite
   * builds row objects property by property, about 2x the cost of the query here.
   */
  private async rowsOf<T>(sql: string, params: unknown[], names: readonly string[]): Promise<T[]> {
    if (!this.db.queryArrays) return this.db.query<T>(sql, params);
    return (await this.db.queryArrays(sql, params)).map((a) => {
      const o: Record<string, unknown> = {};
      for (let i = 0; i < names.length; i++) o[names[i]] = a[i];
      return o as T;
    });
  }

  private async experimentsWithTags(rows: ExperimentRow[]): Promise<Experiment[]> {
    if (rows.length === 0) return [];
    const d = this.db.dialect;
    const tags = await this.rowsOf<KeyValue & { experiment_id: number }>(
      `SELECT experiment_id, key, value FROM experiment_tags WHERE ${inList(d, 'experiment_id')} ORDER BY key`,
      [
        listParam(
          d,
          rows.map((r) => Number(r.experiment_id)),
        ),
      ],
      ['experiment_id', 'key', 'value'],
    );
    const byId = groupBy(tags, (t) => String(t.experiment_id));
    return rows.map((r) =>
      experimentFromRow(
        r,
        (byId.get(String(r.experiment_id)) ?? []).map(({ key, value }) => ({ key, value })),
      ),
    );
  }

  async getExperiment(experimentId: string): Promise<Experiment | undefined> {
    if (!/^\d{1,15}$/.test(experimentId)) return undefined;
    const rows = await this.db.query<ExperimentRow>(
      `SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE experiment_id = ?`,
      [Number(experimentId)],
    );
    return (await this.experimentsWithTags(rows))[0];
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    const rows = await this.db.query<ExperimentRow>(`SELECT ${EXPERIMENT_COLUMNS} FROM experiments WHERE name = ?`, [
      name,
    ]);
    return (await this.experimentsWithTags(rows))[0];
  }

  async experimentArtifactLocations(): Promise<{ experimentId: string; artifactLocation: string }[]> {
    const rows = await this.db.query<{ experiment_id: number; artifact_location: string }>(
      'SELECT experiment_id, artifact_location FROM experiments',
    );
    return rows.map((r) => ({ experimentId: String(r.experiment_id), artifactLocation: r.artifact_location }));
  }

  private async snapshot(table: 'runs' | 'experiments', pageToken?: PageToken): Promise<number> {
    if (pageToken?.snapshot !== undefined) return pageToken.snapshot;
    const col = table === 'runs' ? 'seq' : 'experiment_id';
    const [{ m }] = await this.db.query<{ m: number | null }>(`SELECT MAX(${col}) AS m FROM ${table}`);
    return Number(m ?? 0);
  }

  async searchExperiments(query: SearchQuery): Promise<Page<Experiment>> {
    const snapshot = await this.snapshot('experiments', query.page);
    const { sql, params } = buildExperimentSearch(this.db.dialect, query, snapshot);
    const rows = await this.rowsOf<ExperimentRow>(sql, params, EXPERIMENT_FIELDS);
    const p = page(rows, query.maxResults, query.page?.offset ?? 0, snapshot);
    return { items: await this.experimentsWithTags(p.items), nextPageToken: p.nextPageToken };
  }

  async renameExperiment(experimentId: string, newName: string): Promise<void> {
    try {
      await this.db.query('UPDATE experiments SET name = ?, last_update_time = ? WHERE experiment_id = ?', [
        newName,
        Date.now(),
        Number(experimentId),
      ]);
    } catch (err) {
      if (isUniqueViolation(err)) throw MlflowError.exists(`Experiment(name=${newName}) already exists.`);
      throw err;
    }
  }

  async setExperimentLifecycle(experimentId: string, stage: LifecycleStage): Promise<void> {
    const now = Date.now();
    await this.db.transaction(async (tx) => {
      await tx.query('UPDATE experiments SET lifecycle_stage = ?, last_update_time = ? WHERE experiment_id = ?', [
        stage,
        now,
        Number(experimentId),
      ]);
      await tx.query('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE experiment_id = ?', [
        stage,
        stage === 'deleted' ? now : null,
        Number(experimentId),
      ]);
    });
  }

  async setExperimentTag(experimentId: string, tag: KeyValue): Promise<void> {
    await this.db.transaction((tx) => this.upsertExperimentTags(tx, experimentId, [tag]));
  }

  async deleteExperimentTag(experimentId: string, key: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const found = await tx.query('SELECT 1 AS x FROM experiment_tags WHERE experiment_id = ? AND key = ?', [
        Number(experimentId),
        key,
      ]);
      await tx.query('DELETE FROM experiment_tags WHERE experiment_id = ? AND key = ?', [Number(experimentId), key]);
      return found.length > 0;
    });
  }

  async createRun(input: CreateRunInput): Promise<Run> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, lifecycle_stage, artifact_uri, metrics_max_step)
         VALUES (?, ?, ?, ?, 'RUNNING', ?, 'active', ?, ${NO_STEP_SQL})`,
        [input.runId, input.runName, Number(input.experimentId), input.userId, input.startTime, input.artifactUri],
      );
      await writeBatch(tx, input.runId, { metrics: [], params: [], tags: input.tags, runStartTime: input.startTime });
    });
    this.stats.note(1 + input.tags.length);
    return createdRun(input);
  }

  async getRunInfo(runId: string): Promise<RunInfo | undefined> {
    const rows = await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE r.run_uuid = ?`, [runId]);
    return rows[0] ? runInfoFromRow(rows[0]) : undefined;
  }

  async getRun(runId: string): Promise<Run | undefined> {
    return (await this.getRuns([runId]))[0];
  }

  async getRuns(runIds: string[]): Promise<Run[]> {
    if (runIds.length === 0) return [];
    const d = this.db.dialect;
    const rows = await this.db.query<RunRow>(`SELECT ${RUN_COLUMNS} FROM runs r WHERE ${inList(d, 'r.run_uuid')}`, [
      listParam(d, runIds),
    ]);
    const byId = new Map(rows.map((r) => [r.run_uuid, runInfoFromRow(r)]));
    const infos = runIds.map((id) => byId.get(id)).filter((i): i is RunInfo => !!i);
    return hydrateRuns(this.db, infos);
  }

  async updateRun(runId: string, update: RunUpdate): Promise<RunInfo> {
    // A run that ends has its recent points moved (readers then read one table).
    const ends = update.status !== undefined && TERMINAL_STATUSES.has(update.status);
    await this.db.transaction(async (tx) => {
      if (update.status !== undefined)
        await tx.query('UPDATE runs SET status = ? WHERE run_uuid = ?', [update.status, runId]);
      if (update.endTime !== undefined)
        await tx.query('UPDATE runs SET end_time = ? WHERE run_uuid = ?', [update.endTime, runId]);
      if (update.runName !== undefined)
        await writeBatch(tx, runId, { metrics: [], params: [], tags: [{ key: RUN_NAME_TAG, value: update.runName }] });
      if (ends) await moveRecent(tx, runId);
    });
    if (ends) this.recent?.forget(runId);
    return (await this.getRunInfo(runId)) as RunInfo;
  }

  async setRunLifecycle(runId: string, stage: LifecycleStage): Promise<void> {
    await this.db.query('UPDATE runs SET lifecycle_stage = ?, deleted_time = ? WHERE run_uuid = ?', [
      stage,
      stage === 'deleted' ? Date.now() : null,
      runId,
    ]);
  }

  async logBatch(runId: string, batch: LogBatch): Promise<void> {
    const move = batch.metrics.length > 0 && (this.recent?.add(runId, batch.metrics.length) ?? false);
    await this.db.transaction(async (tx) => {
      await writeBatch(tx, runId, batch);
      if (move) await moveRecent(tx, runId);
      if (batch.modelMetrics?.length) await writeModelMetrics(tx, batch.modelMetrics);
    });
    this.stats.note(batch.metrics.length + batch.params.length + batch.tags.length);
  }

  async updateTag(runId: string, key: string, update: (current: string | undefined) => string): Promise<void> {
    await this.db.transaction(async (tx) => {
      // sqlite transactions are serialised already; Postgres needs a lock (taken before any row lock).
      if (tx.dialect === 'postgres') await tx.query('SELECT pg_advisory_xact_lock(hashtext(?))', [`${runId}/${key}`]);
      const [row] = await tx.query<{ value: string }>('SELECT value FROM tags WHERE run_uuid = ? AND key = ?', [
        runId,
        key,
      ]);
      await writeBatch(tx, runId, { metrics: [], params: [], tags: [{ key, value: update(row?.value) }] });
    });
  }

  async deleteTag(runId: string, key: string): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const found = await tx.query('SELECT 1 AS x FROM tags WHERE run_uuid = ? AND key = ?', [runId, key]);
      await tx.query('DELETE FROM tags WHERE run_uuid = ? AND key = ?', [runId, key]);
      return found.length > 0;
    });
  }

  async logInputs(runId: string, experimentId: string, inputs: DatasetInput[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (const input of inputs) {
        const ds = input.dataset;
        await tx.query(
          `INSERT INTO datasets (experiment_id, name, digest, source_type, source, dataset_schema, profile)
           VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (experiment_id, name, digest) DO NOTHING`,
          [Number(experimentId), ds.name, ds.digest, ds.sourceType, ds.source, ds.schema ?? null, ds.profile ?? null],
        );
        const [{ dataset_id }] = await tx.query<{ dataset_id: number }>(
          'SELECT dataset_id FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?',
          [Number(experimentId), ds.name, ds.digest],
        );
        const linked = await tx.query(
          'INSERT INTO run_inputs (run_uuid, dataset_id) VALUES (?, ?) ON CONFLICT DO NOTHING RETURNING run_uuid',
          [runId, dataset_id],
        );
        // Input tags are only written with the first link (MLflow semantics).
        if (linked.length === 0) continue;
        const tags = [...new Map(input.tags.map((t) => [t.key, t.value]))];
        await insertRows(
          tx,
          'INSERT INTO input_tags (run_uuid, dataset_id, key, value)',
          4,
          tags.map(([k, v]) => [runId, dataset_id, k, v]),
          'ON CONFLICT DO NOTHING',
        );
      }
    });
  }

  async getMetricHistory(runId: string, key: string, maxResults: number, pageToken?: PageToken): Promise<Page<Metric>> {
    const offset = pageToken?.offset ?? 0;
    const rows = await this.db.query<MetricRow>(
      `${historyUnion(
        (t) => `SELECT key, value, is_nan, timestamp, step FROM ${t} WHERE run_uuid = ? AND key = ?`,
      )} ORDER BY timestamp, step, is_nan, value LIMIT ? OFFSET ?`,
      [runId, key, runId, key, maxResults + 1, offset],
    );
    const p = page(rows, maxResults, offset, 0);
    return { items: p.items.map(metricFromRow), nextPageToken: p.nextPageToken };
  }

  async getMetricHistoryBulkInterval(q: BulkIntervalQuery): Promise<MetricWithRunId[]> {
    const d = this.db.dialect;
    const ids = listParam(d, q.runIds);
    const stepRows = await this.db.query<{ run_uuid: string; step: number }>(
      `${historyUnion((t) => `SELECT run_uuid, step FROM ${t} WHERE ${inList(d, 'run_uuid')} AND key = ?`, true)}
       ORDER BY step`,
      [ids, q.key, ids, q.key],
    );
    const steps = sampleSteps(
      stepRows.map((r) => ({ runId: r.run_uuid, step: Number(r.step) })),
      q,
    );
    if (steps.length === 0) return [];
    const stepList = listParam(d, steps);
    const rows = await this.db.query<MetricRow & { run_uuid: string }>(
      `${historyUnion(
        (t) => `SELECT run_uuid, key, value, is_nan, timestamp, step FROM ${t}
                WHERE ${inList(d, 'run_uuid')} AND key = ? AND ${inList(d, 'step')}`,
      )} ORDER BY run_uuid, step, timestamp, value`,
      [ids, q.key, stepList, ids, q.key, stepList],
    );
    const byRun = groupBy(rows, (r) => r.run_uuid);
    return q.runIds.flatMap((runId) =>
      (byRun.get(runId) ?? []).slice(0, 25_000).map((r) => ({ ...metricFromRow(r), runId })),
    );
  }

  getMetricColumns(runIds: string[], key: string): Promise<Map<string, MetricColumns>> {
    return readMetricColumns(this.db, runIds, key);
  }

  getMetricSummaries(runIds: string[], key: string): Promise<Map<string, Summary>> {
    return readSummaries(this.db, runIds, key);
  }

  searchDatasets(experimentIds: string[]): Promise<DatasetSummary[]> {
    return searchDatasetSummaries(this.db, experimentIds);
  }

  async searchRuns(query: SearchRunsQuery): Promise<Page<Run>> {
    if (query.experimentIds.length === 0) return { items: [] };
    const snapshot = await this.snapshot('runs', query.page);
    const { rows, cursor } = await searchRunRows(this.db, query, snapshot);
    const p = page(rows, query.maxResults, query.page?.offset ?? 0, snapshot, cursor);
    return { items: await hydrateRuns(this.db, p.items.map(runInfoFromRow)), nextPageToken: p.nextPageToken };
  }

  logRunOutputs(runId: string, outputs: ModelOutput[]): Promise<void> {
    return this.models.logOutputs(runId, outputs);
  }

  logRunModelInputs(runId: string, modelIds: string[]): Promise<void> {
    return this.models.logModelInputs(runId, modelIds);
  }

  createLoggedModel(input: CreateLoggedModelInput): Promise<LoggedModel> {
    return this.models.create(input);
  }

  getLoggedModel(modelId: string, includeDeleted = false): Promise<LoggedModel | undefined> {
    return this.models.get(modelId, includeDeleted);
  }

  existingLoggedModels(modelIds: string[]): Promise<Set<string>> {
    return this.models.existing(modelIds);
  }

  finalizeLoggedModel(modelId: string, status: LoggedModelStatus): Promise<void> {
    return this.models.finalize(modelId, status);
  }

  deleteLoggedModel(modelId: string): Promise<void> {
    return this.models.delete(modelId);
  }

  setLoggedModelTags(modelId: string, tags: KeyValue[]): Promise<void> {
    return this.models.setTags(modelId, tags);
  }

  updateLoggedModelTag(modelId: string, key: string, update: (current: string | undefined) => string): Promise<void> {
    return this.models.updateTag(modelId, key, update);
  }

  deleteLoggedModelTag(modelId: string, key: string): Promise<boolean> {
    return this.models.deleteTag(modelId, key);
  }

  logLoggedModelParams(modelId: string, params: KeyValue[]): Promise<void> {
    return this.models.logParams(modelId, params);
  }

  searchLoggedModels(query: SearchLoggedModelsQuery): Promise<{ items: LoggedModel[]; hasMore: boolean }> {
    return this.models.search(query);
  }
}
