import type { Db, SqlRunner } from '../database/db';
import { insertRows } from '../database/sql-dialect';
import { moveRecent } from '../experiments/store/metric-history.sql';
import type { SrcExperiment, SrcLoggedModel, SrcMetric, SrcRegisteredModel, SrcRun, SrcTrace } from './import.types';

/**
 * Writes imported MLflow entities into tsflow's store (sqlite or Postgres) with their identity:
 * ids, times, statuses and lifecycle stages as they were. Every object is written in one
 * transaction (a run with its params, tags, inputs and full metric history), so an interrupted
 * import leaves whole objects or nothing; every statement is an upsert, so writing an object
 * twice changes nothing.
 */
export class ImportTarget {
  constructor(private readonly db: Db) {}

  get dialect(): 'sqlite' | 'postgres' {
    return this.db.dialect;
  }

  /** tsflow experiment id for a source experiment: the same id when free or already the same experiment, else the one of the same name, else new. */
  async experimentId(e: SrcExperiment, mapped: string | undefined): Promise<{ id: string | null; reason: string }> {
    if (mapped) return { id: mapped, reason: 'mapped before' };
    const byName = await this.db.query<{ experiment_id: number }>(
      'SELECT experiment_id FROM experiments WHERE name = ?',
      [e.name],
    );
    if (byName.length) return { id: String(byName[0].experiment_id), reason: 'same name' };
    const byId = await this.db.query('SELECT name FROM experiments WHERE experiment_id = ?', [Number(e.id)]);
    if (byId.length === 0) return { id: e.id, reason: 'same id' };
    return { id: null, reason: `id ${e.id} is taken by '${String(byId[0].name)}'` };
  }

  /** Creates or updates the experiment; `id` null allocates a new one. Returns the tsflow id. */
  async writeExperiment(
    e: SrcExperiment,
    id: string | null,
    artifactLocation: (id: string) => string,
  ): Promise<string> {
    return this.db.transaction(async (tx) => {
      let dest = id;
      if (dest === null) {
        const rows = await tx.query<{ experiment_id: number }>(
          `INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
           VALUES (?, '', ?, ?, ?) RETURNING experiment_id`,
          [e.name, e.lifecycleStage, e.creationTime, e.lastUpdateTime],
        );
        dest = String(rows[0].experiment_id);
      }
      await tx.query(
        `INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (experiment_id) DO UPDATE SET artifact_location = excluded.artifact_location,
           lifecycle_stage = excluded.lifecycle_stage, last_update_time = excluded.last_update_time`,
        [Number(dest), e.name, artifactLocation(dest), e.lifecycleStage, e.creationTime, e.lastUpdateTime],
      );
      await tx.query('DELETE FROM experiment_tags WHERE experiment_id = ?', [Number(dest)]);
      await insertRows(
        tx,
        'INSERT INTO experiment_tags (experiment_id, key, value)',
        3,
        e.tags.map((t) => [Number(dest), t.key, t.value]),
        'ON CONFLICT DO NOTHING',
      );
      return dest;
    });
  }

  /** After explicit ids: Postgres identity sequences continue above the largest id. */
  async syncSequences(): Promise<void> {
    if (this.db.dialect !== 'postgres') return;
    await this.db.query(
      `SELECT setval(pg_get_serial_sequence('experiments', 'experiment_id'), GREATEST((SELECT max(experiment_id) FROM experiments), 1))`,
    );
  }

  /** The run with everything it owns, in one transaction. `history` yields the full metric history. */
  async writeRun(
    run: SrcRun,
    experimentId: string,
    artifactUri: string,
    history: AsyncIterable<SrcMetric[]>,
  ): Promise<number> {
    return this.db.transaction(async (tx) => {
      // A re-imported run's recent points join `metrics` first (the history below is merged into it).
      await moveRecent(tx, run.runId);
      // start_time never changes once stored (a re-import keeps it): params and tags copy the stored one.
      const [{ start_time: startTime }] = await tx.query<{ start_time: number }>(
        `INSERT INTO runs (run_uuid, name, experiment_id, user_id, status, start_time, end_time, deleted_time, lifecycle_stage, artifact_uri)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_uuid) DO UPDATE SET name = excluded.name, status = excluded.status, end_time = excluded.end_time,
           deleted_time = excluded.deleted_time, lifecycle_stage = excluded.lifecycle_stage, artifact_uri = excluded.artifact_uri,
           metrics_max_step = NULL
         RETURNING start_time`,
        [
          run.runId,
          run.name,
          Number(experimentId),
          run.userId,
          run.status,
          run.startTime,
          run.endTime,
          run.deletedTime,
          run.lifecycleStage,
          artifactUri,
        ],
      );
      await insertRows(
        tx,
        'INSERT INTO params (run_uuid, key, value, start_time)',
        4,
        run.params.map((p) => [run.runId, p.key, p.value, startTime]),
        'ON CONFLICT DO NOTHING',
      );
      await tx.query('DELETE FROM tags WHERE run_uuid = ?', [run.runId]);
      await insertRows(
        tx,
        'INSERT INTO tags (run_uuid, key, value, start_time)',
        4,
        run.tags.map((t) => [run.runId, t.key, t.value, startTime]),
        'ON CONFLICT DO NOTHING',
      );
      let points = 0;
      for await (const chunk of history) {
        points += chunk.length;
        await insertRows(
          tx,
          'INSERT INTO metrics (run_uuid, key, value, is_nan, timestamp, step)',
          6,
          chunk.map((m) => [run.runId, m.key, m.value, m.isNan, m.timestamp, m.step]),
          'ON CONFLICT DO NOTHING',
        );
      }
      await tx.query('DELETE FROM latest_metrics WHERE run_uuid = ?', [run.runId]);
      // Written around the store: chart summaries of this run are rebuilt from the history when next read.
      await tx.query('DELETE FROM metric_summaries WHERE run_uuid = ?', [run.runId]);
      await insertRows(
        tx,
        'INSERT INTO latest_metrics (run_uuid, key, value, is_nan, timestamp, step)',
        6,
        run.latest.map((m) => [run.runId, m.key, m.value, m.isNan, m.timestamp, m.step]),
        'ON CONFLICT DO NOTHING',
      );
      await this.writeInputs(tx, run, experimentId);
      return points;
    });
  }

  private async writeInputs(tx: SqlRunner, run: SrcRun, experimentId: string): Promise<void> {
    for (const d of run.inputs) {
      await tx.query(
        `INSERT INTO datasets (experiment_id, name, digest, source_type, source, dataset_schema, profile)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
        [Number(experimentId), d.name, d.digest, d.sourceType, d.source, d.schema, d.profile],
      );
      const [row] = await tx.query<{ dataset_id: number }>(
        'SELECT dataset_id FROM datasets WHERE experiment_id = ? AND name = ? AND digest = ?',
        [Number(experimentId), d.name, d.digest],
      );
      await tx.query('INSERT INTO run_inputs (run_uuid, dataset_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [
        run.runId,
        row.dataset_id,
      ]);
      await insertRows(
        tx,
        'INSERT INTO input_tags (run_uuid, dataset_id, key, value)',
        4,
        d.tags.map((t) => [run.runId, row.dataset_id, t.key, t.value]),
        'ON CONFLICT DO NOTHING',
      );
    }
    await insertRows(
      tx,
      'INSERT INTO run_model_inputs (run_uuid, model_id)',
      2,
      run.modelInputs.map((m) => [run.runId, m]),
      'ON CONFLICT DO NOTHING',
    );
    await insertRows(
      tx,
      'INSERT INTO run_outputs (run_uuid, model_id, step)',
      3,
      run.modelOutputs.map((m) => [run.runId, m.modelId, m.step]),
      'ON CONFLICT DO NOTHING',
    );
  }

  async writeLoggedModel(m: SrcLoggedModel, experimentId: string, artifactLocation: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO logged_models (model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms,
           status, model_type, source_run_id, lifecycle_stage)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (model_id) DO UPDATE SET name = excluded.name, artifact_location = excluded.artifact_location,
           last_updated_timestamp_ms = excluded.last_updated_timestamp_ms, status = excluded.status, lifecycle_stage = excluded.lifecycle_stage`,
        [
          m.modelId,
          Number(experimentId),
          m.name,
          artifactLocation,
          m.creationTimestampMs,
          m.lastUpdatedTimestampMs,
          m.status,
          m.modelType,
          m.sourceRunId,
          m.lifecycleStage,
        ],
      );
      await insertRows(
        tx,
        'INSERT INTO logged_model_params (model_id, key, value)',
        3,
        m.params.map((p) => [m.modelId, p.key, p.value]),
        'ON CONFLICT DO NOTHING',
      );
      await tx.query('DELETE FROM logged_model_tags WHERE model_id = ?', [m.modelId]);
      await insertRows(
        tx,
        'INSERT INTO logged_model_tags (model_id, key, value)',
        3,
        m.tags.map((t) => [m.modelId, t.key, t.value]),
        'ON CONFLICT DO NOTHING',
      );
      await insertRows(
        tx,
        'INSERT INTO logged_model_metrics (model_id, key, value, is_nan, timestamp, step, run_id, dataset_name, dataset_digest)',
        9,
        m.metrics.map((x) => [
          m.modelId,
          x.key,
          x.value,
          x.isNan,
          x.timestamp,
          x.step,
          x.runId,
          x.datasetName,
          x.datasetDigest,
        ]),
        'ON CONFLICT DO NOTHING',
      );
    });
  }

  async writeTrace(t: SrcTrace, experimentId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO traces (trace_id, experiment_id, client_request_id, request_time_ms, execution_duration_ms, state, request_preview, response_preview)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (trace_id) DO UPDATE SET execution_duration_ms = excluded.execution_duration_ms, state = excluded.state,
           request_preview = excluded.request_preview, response_preview = excluded.response_preview`,
        [
          t.traceId,
          Number(experimentId),
          t.clientRequestId,
          t.requestTimeMs,
          t.executionDurationMs,
          t.state,
          t.requestPreview,
          t.responsePreview,
        ],
      );
      await tx.query('DELETE FROM trace_tags WHERE trace_id = ?', [t.traceId]);
      await insertRows(
        tx,
        'INSERT INTO trace_tags (trace_id, key, value)',
        3,
        t.tags.map((x) => [t.traceId, x.key, x.value]),
        'ON CONFLICT DO NOTHING',
      );
      await insertRows(
        tx,
        'INSERT INTO trace_metadata (trace_id, key, value)',
        3,
        t.metadata.map((x) => [t.traceId, x.key, x.value]),
        'ON CONFLICT DO NOTHING',
      );
      await this.writeSpansAndAssessments(tx, t);
      const runId = t.metadata.find((x) => x.key === 'mlflow.sourceRun')?.value;
      if (runId)
        await tx.query('INSERT INTO trace_run_links (trace_id, run_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [
          t.traceId,
          runId,
        ]);
    });
  }

  /** The trace's stored spans and its assessments (validity as in the source), as the source has them now. */
  private async writeSpansAndAssessments(tx: SqlRunner, t: SrcTrace): Promise<void> {
    // Like tags, a changed trace is mirrored: what the source no longer has goes here too.
    if (t.spans !== null) await tx.query('DELETE FROM trace_spans WHERE trace_id = ?', [t.traceId]);
    await tx.query('DELETE FROM trace_assessments WHERE trace_id = ?', [t.traceId]);
    await insertRows(
      tx,
      'INSERT INTO trace_spans (trace_id, span_id, is_root, start_ns, content)',
      5,
      (t.spans ?? []).map((s) => [t.traceId, s.spanId, s.isRoot ? 1 : 0, s.startNs, JSON.stringify(s.content)]),
      'ON CONFLICT (trace_id, span_id) DO UPDATE SET is_root = excluded.is_root, start_ns = excluded.start_ns, content = excluded.content',
    );
    await insertRows(
      tx,
      `INSERT INTO trace_assessments (assessment_id, trace_id, name, kind, value, span_id, source_type, source_id, rationale,
         metadata, overrides, valid, create_time_ms, last_update_time_ms)`,
      14,
      t.assessments.map((a) => [
        a.assessmentId,
        t.traceId,
        a.name,
        a.kind,
        JSON.stringify(a.value),
        a.spanId,
        a.sourceType,
        a.sourceId,
        a.rationale,
        Object.keys(a.metadata).length > 0 ? JSON.stringify(a.metadata) : null,
        a.overrides,
        a.valid ? 1 : 0,
        a.createTimeMs,
        a.lastUpdateTimeMs,
      ]),
      `ON CONFLICT (assessment_id) DO UPDATE SET name = excluded.name, kind = excluded.kind, value = excluded.value,
         span_id = excluded.span_id, source_type = excluded.source_type, source_id = excluded.source_id,
         rationale = excluded.rationale, metadata = excluded.metadata, overrides = excluded.overrides,
         valid = excluded.valid, last_update_time_ms = excluded.last_update_time_ms`,
    );
  }

  /** The registered model, its versions (sources already rewritten), tags and aliases, in one transaction. */
  async writeRegisteredModel(m: SrcRegisteredModel): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET last_updated_time = excluded.last_updated_time, description = excluded.description`,
        [m.name, m.creationTime, m.lastUpdatedTime, m.description],
      );
      await tx.query('DELETE FROM registered_model_tags WHERE name = ?', [m.name]);
      await insertRows(
        tx,
        'INSERT INTO registered_model_tags (name, key, value)',
        3,
        m.tags.map((t) => [m.name, t.key, t.value]),
        'ON CONFLICT DO NOTHING',
      );
      for (const v of m.versions) {
        await tx.query(
          `INSERT INTO model_versions (name, version, creation_time, last_updated_time, description, user_id, current_stage, source,
             storage_location, run_id, run_link, status, status_message)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (name, version) DO UPDATE SET last_updated_time = excluded.last_updated_time, description = excluded.description,
             current_stage = excluded.current_stage, source = excluded.source, storage_location = excluded.storage_location,
             status = excluded.status, status_message = excluded.status_message`,
          [
            m.name,
            v.version,
            v.creationTime,
            v.lastUpdatedTime,
            v.description,
            v.userId,
            v.currentStage,
            v.source,
            v.storageLocation,
            v.runId,
            v.runLink,
            v.status,
            v.statusMessage,
          ],
        );
        await tx.query('DELETE FROM model_version_tags WHERE name = ? AND version = ?', [m.name, v.version]);
        await insertRows(
          tx,
          'INSERT INTO model_version_tags (name, version, key, value)',
          4,
          v.tags.map((t) => [m.name, v.version, t.key, t.value]),
          'ON CONFLICT DO NOTHING',
        );
      }
      await tx.query('DELETE FROM registered_model_aliases WHERE name = ?', [m.name]);
      await insertRows(
        tx,
        'INSERT INTO registered_model_aliases (name, alias, version)',
        3,
        m.aliases.map((a) => [m.name, a.alias, a.version]),
        'ON CONFLICT DO NOTHING',
      );
    });
  }

  // ---- import state: what was imported from which source, for resuming and for "only what changed" ----

  async fingerprints(source: string, kind: string): Promise<Map<string, string>> {
    const rows = await this.db.query<{ object_id: string; fingerprint: string }>(
      'SELECT object_id, fingerprint FROM import_state WHERE source = ? AND kind = ?',
      [source, kind],
    );
    return new Map(rows.map((r) => [r.object_id, r.fingerprint]));
  }

  async markDone(source: string, kind: string, id: string, fingerprint: string): Promise<void> {
    await this.db.query(
      `INSERT INTO import_state (source, kind, object_id, fingerprint, imported_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (source, kind, object_id) DO UPDATE SET fingerprint = excluded.fingerprint, imported_at = excluded.imported_at`,
      [source, kind, id, fingerprint, Date.now()],
    );
  }
}
