import type { Readable } from 'node:stream';
import type { ArtifactRepositoryResolver } from '../../storage/artifact-repository.resolver';
import { ArtifactPath } from '../../storage/safe-path';
import { ImportError, ImportSource, SourceArtifact } from '../import-source';
import type {
  ArtifactOwner,
  KV,
  SourceDescription,
  SrcDatasetInput,
  SrcExperiment,
  SrcLoggedModel,
  SrcMetric,
  SrcRegisteredModel,
  SrcRun,
  SrcTrace,
} from '../import.types';
import { walkArtifacts } from './artifact-walk';
import { assessmentFromRow, spanFromMlflowContent } from './mlflow-spans';
import { redact, SqlReader, SqlRow } from './sql-reader';

const PAGE = 500;
const LOGGED_MODEL_STATUS = [
  'LOGGED_MODEL_STATUS_UNSPECIFIED',
  'LOGGED_MODEL_PENDING',
  'LOGGED_MODEL_READY',
  'LOGGED_MODEL_UPLOAD_FAILED',
];

/** Tables and columns the import cannot do without, whatever the revision. */
const REQUIRED: Record<string, string[]> = {
  experiments: ['experiment_id', 'name', 'artifact_location', 'lifecycle_stage'],
  runs: ['run_uuid', 'experiment_id', 'status', 'start_time', 'end_time', 'lifecycle_stage', 'artifact_uri', 'user_id'],
  metrics: ['run_uuid', 'key', 'value', 'timestamp', 'step', 'is_nan'],
  params: ['run_uuid', 'key', 'value'],
  tags: ['run_uuid', 'key', 'value'],
};

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number => Number(v ?? 0);
const optNum = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const optStr = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const kv = (rows: SqlRow[], k = 'key', v = 'value'): KV[] => rows.map((r) => ({ key: str(r[k]), value: str(r[v]) }));

function metric(r: SqlRow): SrcMetric {
  return {
    key: str(r.key),
    value: r.value === null ? 0 : Number(r.value),
    isNan: Number(r.is_nan) || r.value === null ? 1 : 0,
    timestamp: num(r.timestamp),
    step: num(r.step),
  };
}

/**
 * An MLflow database (sqlite or Postgres, MLflow's own schema) with its artifact store, read
 * without a running MLflow. The schema is read by introspection: columns and tables that later
 * revisions added (run names, deleted_time, datasets, aliases, logged models, traces) are used
 * when present; a database without the core tables is refused with the revision it reports.
 */
export class MlflowDbSource extends ImportSource {
  readonly label: string;
  private columns = new Map<string, Set<string>>();
  private revision = '';

  constructor(
    uri: string,
    private readonly reader: SqlReader,
    private readonly artifacts: ArtifactRepositoryResolver | null,
  ) {
    super();
    this.label = redact(uri);
  }

  private has(table: string, column?: string): boolean {
    const cols = this.columns.get(table);
    return !!cols && (column === undefined || cols.has(column));
  }

  async describe(): Promise<SourceDescription> {
    const tables = await this.reader.tables();
    if (!tables.has('alembic_version')) {
      throw new ImportError(`${this.label} is not an MLflow database (no alembic_version table).`);
    }
    const rows = await this.reader.all('SELECT version_num FROM alembic_version');
    this.revision = rows.map((r) => str(r.version_num)).join(',');
    for (const t of tables) this.columns.set(t, await this.reader.columns(t));
    for (const [table, cols] of Object.entries(REQUIRED)) {
      const missing = cols.filter((c) => !this.has(table, c));
      if (missing.length) {
        throw new ImportError(
          `Unknown MLflow schema revision ${this.revision || '(none)'}: table ${table} lacks ${missing.join(', ')}. ` +
            'Upgrade the database with `mlflow db upgrade` (MLflow 2.0 or later) and import again.',
        );
      }
    }
    return {
      kind: `mlflow-${this.reader.dialect}`,
      version: this.revision,
      has: {
        loggedModels: this.has('logged_models'),
        traces: this.has('trace_info'),
        datasets: this.has('datasets') && this.has('inputs'),
        aliases: this.has('registered_model_aliases'),
      },
    };
  }

  async *experiments(): AsyncIterable<SrcExperiment> {
    const created = this.has('experiments', 'creation_time')
      ? 'creation_time, last_update_time'
      : 'NULL AS creation_time, NULL AS last_update_time';
    const rows = await this.reader.all(
      `SELECT experiment_id, name, artifact_location, lifecycle_stage, ${created} FROM experiments ORDER BY experiment_id`,
    );
    for (const r of rows) {
      const id = str(r.experiment_id);
      const tags = this.has('experiment_tags')
        ? kv(
            await this.reader.all('SELECT key, value FROM experiment_tags WHERE experiment_id = ? ORDER BY key', [
              r.experiment_id,
            ]),
          )
        : [];
      yield {
        id,
        name: str(r.name),
        artifactLocation: str(r.artifact_location),
        lifecycleStage: str(r.lifecycle_stage) || 'active',
        creationTime: num(r.creation_time),
        lastUpdateTime: num(r.last_update_time ?? r.creation_time),
        tags,
      };
    }
  }

  async *runs(experimentId: string): AsyncIterable<SrcRun[]> {
    const name = this.has('runs', 'name') ? 'name' : "'' AS name";
    const deleted = this.has('runs', 'deleted_time') ? 'deleted_time' : 'NULL AS deleted_time';
    let after = '';
    for (;;) {
      const rows = await this.reader.all(
        `SELECT run_uuid, ${name}, experiment_id, user_id, status, start_time, end_time, ${deleted}, lifecycle_stage, artifact_uri
         FROM runs WHERE experiment_id = ? AND run_uuid > ? ORDER BY run_uuid LIMIT ${PAGE}`,
        [Number(experimentId), after],
      );
      if (rows.length === 0) return;
      after = str(rows[rows.length - 1].run_uuid);
      yield await this.completeRuns(rows);
      if (rows.length < PAGE) return;
    }
  }

  private async byRun(sql: string, ids: string[]): Promise<Map<string, SqlRow[]>> {
    const out = new Map<string, SqlRow[]>();
    const rows = await this.reader.all(sql.replace('(?)', `(${ids.map(() => '?').join(', ')})`), ids);
    for (const r of rows) {
      const id = str(r.run_uuid);
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push(r);
    }
    return out;
  }

  private async completeRuns(rows: SqlRow[]): Promise<SrcRun[]> {
    const ids = rows.map((r) => str(r.run_uuid));
    const params = await this.byRun('SELECT run_uuid, key, value FROM params WHERE run_uuid IN (?) ORDER BY key', ids);
    const tags = await this.byRun('SELECT run_uuid, key, value FROM tags WHERE run_uuid IN (?) ORDER BY key', ids);
    const latest = this.has('latest_metrics')
      ? await this.byRun(
          'SELECT run_uuid, key, value, is_nan, timestamp, step FROM latest_metrics WHERE run_uuid IN (?)',
          ids,
        )
      : await this.byRun(
          `SELECT m.run_uuid, m.key, m.value, m.is_nan, m.timestamp, m.step FROM metrics m WHERE m.run_uuid IN (?)
           AND NOT EXISTS (SELECT 1 FROM metrics n WHERE n.run_uuid = m.run_uuid AND n.key = m.key
             AND (n.step > m.step OR (n.step = m.step AND (n.timestamp > m.timestamp OR (n.timestamp = m.timestamp AND n.value > m.value)))))`,
          ids,
        );
    const inputs = await this.datasetInputs(ids);
    const links = this.has('inputs')
      ? await this.reader.all(
          `SELECT source_type, source_id, destination_type, destination_id${this.has('inputs', 'step') ? ', step' : ', 0 AS step'}
           FROM inputs WHERE source_type IN ('RUN_INPUT', 'RUN_OUTPUT') AND source_id IN (${ids.map(() => '?').join(', ')})`,
          ids,
        )
      : [];
    return rows.map((r) => {
      const id = str(r.run_uuid);
      const mine = links.filter((l) => str(l.source_id) === id);
      return {
        runId: id,
        experimentId: str(r.experiment_id),
        name: str(r.name),
        userId: str(r.user_id),
        status: str(r.status),
        startTime: num(r.start_time),
        endTime: optNum(r.end_time),
        deletedTime: optNum(r.deleted_time),
        lifecycleStage: str(r.lifecycle_stage) || 'active',
        artifactUri: str(r.artifact_uri),
        params: kv(params.get(id) ?? []),
        tags: kv(tags.get(id) ?? []),
        latest: (latest.get(id) ?? []).map(metric),
        inputs: inputs.get(id) ?? [],
        modelInputs: mine.filter((l) => l.source_type === 'RUN_INPUT').map((l) => str(l.destination_id)),
        modelOutputs: mine
          .filter((l) => l.source_type === 'RUN_OUTPUT')
          .map((l) => ({ modelId: str(l.destination_id), step: num(l.step) })),
      };
    });
  }

  private async datasetInputs(ids: string[]): Promise<Map<string, SrcDatasetInput[]>> {
    const out = new Map<string, SrcDatasetInput[]>();
    if (!this.has('datasets') || !this.has('inputs')) return out;
    const rows = await this.reader.all(
      `SELECT i.input_uuid, i.destination_id AS run_uuid, d.name, d.digest, d.dataset_source_type, d.dataset_source,
              d.dataset_schema, d.dataset_profile
       FROM inputs i JOIN datasets d ON d.dataset_uuid = i.source_id
       WHERE i.source_type = 'DATASET' AND i.destination_type = 'RUN' AND i.destination_id IN (${ids.map(() => '?').join(', ')})
       ORDER BY d.name, d.digest`,
      ids,
    );
    const inputIds = rows.map((r) => str(r.input_uuid));
    const tagRows =
      inputIds.length && this.has('input_tags')
        ? await this.reader.all(
            `SELECT input_uuid, name, value FROM input_tags WHERE input_uuid IN (${inputIds.map(() => '?').join(', ')}) ORDER BY name`,
            inputIds,
          )
        : [];
    for (const r of rows) {
      const run = str(r.run_uuid);
      let list = out.get(run);
      if (!list) out.set(run, (list = []));
      list.push({
        name: str(r.name),
        digest: str(r.digest),
        sourceType: str(r.dataset_source_type),
        source: str(r.dataset_source),
        schema: optStr(r.dataset_schema),
        profile: optStr(r.dataset_profile),
        tags: kv(
          tagRows.filter((t) => t.input_uuid === r.input_uuid),
          'name',
          'value',
        ),
      });
    }
    return out;
  }

  async *metricHistory(run: SrcRun): AsyncIterable<SrcMetric[]> {
    // By run (MLflow indexes metrics by run_uuid; its primary key starts with the key, which a
    // per-key filter would make sqlite walk across every run), streamed in chunks.
    const sql = 'SELECT key, value, is_nan, timestamp, step FROM metrics WHERE run_uuid = ?';
    for await (const rows of this.reader.chunks(sql, [run.runId], 50_000)) yield rows.map(metric);
  }

  async *registeredModels(): AsyncIterable<SrcRegisteredModel> {
    if (!this.has('registered_models')) return;
    const models = await this.reader.all(
      'SELECT name, creation_time, last_updated_time, description FROM registered_models ORDER BY name',
    );
    const storage = this.has('model_versions', 'storage_location') ? 'storage_location' : 'NULL AS storage_location';
    const runLink = this.has('model_versions', 'run_link') ? 'run_link' : 'NULL AS run_link';
    for (const m of models) {
      const name = str(m.name);
      const versions = await this.reader.all(
        `SELECT version, creation_time, last_updated_time, description, user_id, current_stage, source, ${storage},
                run_id, ${runLink}, status, status_message
         FROM model_versions WHERE name = ? ORDER BY version`,
        [name],
      );
      const vtags = this.has('model_version_tags')
        ? await this.reader.all('SELECT version, key, value FROM model_version_tags WHERE name = ? ORDER BY key', [
            name,
          ])
        : [];
      const tags = this.has('registered_model_tags')
        ? kv(await this.reader.all('SELECT key, value FROM registered_model_tags WHERE name = ? ORDER BY key', [name]))
        : [];
      const aliases = this.has('registered_model_aliases')
        ? await this.reader.all('SELECT alias, version FROM registered_model_aliases WHERE name = ? ORDER BY alias', [
            name,
          ])
        : [];
      yield {
        name,
        creationTime: num(m.creation_time),
        lastUpdatedTime: num(m.last_updated_time ?? m.creation_time),
        description: optStr(m.description),
        tags,
        aliases: aliases.map((a) => ({ alias: str(a.alias), version: num(a.version) })),
        versions: versions.map((v) => ({
          name,
          version: num(v.version),
          creationTime: num(v.creation_time),
          lastUpdatedTime: num(v.last_updated_time ?? v.creation_time),
          description: optStr(v.description),
          userId: optStr(v.user_id),
          currentStage: str(v.current_stage) || 'None',
          source: str(v.source),
          storageLocation: optStr(v.storage_location),
          runId: optStr(v.run_id),
          runLink: optStr(v.run_link),
          status: str(v.status) || 'READY',
          statusMessage: optStr(v.status_message),
          tags: kv(vtags.filter((t) => num(t.version) === num(v.version))),
        })),
      };
    }
  }

  async *loggedModels(experimentId: string): AsyncIterable<SrcLoggedModel[]> {
    if (!this.has('logged_models')) return;
    const rows = await this.reader.all(
      `SELECT model_id, experiment_id, name, artifact_location, creation_timestamp_ms, last_updated_timestamp_ms, status,
              lifecycle_stage, model_type, source_run_id
       FROM logged_models WHERE experiment_id = ? ORDER BY model_id`,
      [Number(experimentId)],
    );
    const out: SrcLoggedModel[] = [];
    for (const r of rows) {
      const id = str(r.model_id);
      const params = await this.reader.all(
        'SELECT param_key, param_value FROM logged_model_params WHERE model_id = ? ORDER BY param_key',
        [id],
      );
      const tags = await this.reader.all(
        'SELECT tag_key, tag_value FROM logged_model_tags WHERE model_id = ? ORDER BY tag_key',
        [id],
      );
      const metrics = await this.reader.all(
        `SELECT metric_name, metric_timestamp_ms, metric_step, metric_value, run_id, dataset_name, dataset_digest
         FROM logged_model_metrics WHERE model_id = ?`,
        [id],
      );
      const status = Number(r.status);
      out.push({
        modelId: id,
        experimentId: str(r.experiment_id),
        name: str(r.name),
        artifactLocation: str(r.artifact_location),
        creationTimestampMs: num(r.creation_timestamp_ms),
        lastUpdatedTimestampMs: num(r.last_updated_timestamp_ms),
        status: LOGGED_MODEL_STATUS[status] ?? str(r.status),
        modelType: str(r.model_type),
        sourceRunId: str(r.source_run_id),
        lifecycleStage: str(r.lifecycle_stage) || 'active',
        params: kv(params, 'param_key', 'param_value'),
        tags: kv(tags, 'tag_key', 'tag_value'),
        metrics: metrics.map((m) => ({
          key: str(m.metric_name),
          value: m.metric_value === null ? 0 : Number(m.metric_value),
          isNan: m.metric_value === null || Number.isNaN(Number(m.metric_value)) ? 1 : 0,
          timestamp: num(m.metric_timestamp_ms),
          step: num(m.metric_step),
          runId: str(m.run_id),
          datasetName: str(m.dataset_name),
          datasetDigest: str(m.dataset_digest),
        })),
      });
    }
    if (out.length) yield out;
  }

  async *traces(experimentId: string): AsyncIterable<SrcTrace[]> {
    if (!this.has('trace_info')) return;
    const cols = ['client_request_id', 'request_preview', 'response_preview'].map((c) =>
      this.has('trace_info', c) ? c : `NULL AS ${c}`,
    );
    let after = '';
    for (;;) {
      const rows = await this.reader.all(
        `SELECT request_id, experiment_id, timestamp_ms, execution_time_ms, status, ${cols.join(', ')}
         FROM trace_info WHERE experiment_id = ? AND request_id > ? ORDER BY request_id LIMIT ${PAGE}`,
        [Number(experimentId), after],
      );
      if (rows.length === 0) return;
      after = str(rows[rows.length - 1].request_id);
      yield await this.completeTraces(rows);
      if (rows.length < PAGE) return;
    }
  }

  private async completeTraces(rows: SqlRow[]): Promise<SrcTrace[]> {
    const ids = rows.map((r) => str(r.request_id));
    const inList = ids.map(() => '?').join(', ');
    const tags = this.has('trace_tags')
      ? await this.reader.all(
          `SELECT request_id, key, value FROM trace_tags WHERE request_id IN (${inList}) ORDER BY key`,
          ids,
        )
      : [];
    const meta = this.has('trace_request_metadata')
      ? await this.reader.all(
          `SELECT request_id, key, value FROM trace_request_metadata WHERE request_id IN (${inList}) ORDER BY key`,
          ids,
        )
      : [];
    const spans = await this.byTrace('spans', 'span_id, content', 'start_time_unix_nano', ids);
    const assessments = await this.byTrace('assessments', '*', 'created_timestamp', ids);
    return rows.map((r) => {
      const id = str(r.request_id);
      const state = str(r.status);
      const spanRows = spans.get(id);
      return {
        traceId: id,
        experimentId: str(r.experiment_id),
        clientRequestId: optStr(r.client_request_id),
        requestTimeMs: num(r.timestamp_ms),
        executionDurationMs: optNum(r.execution_time_ms),
        state: state === 'TRACE_STATUS_UNSPECIFIED' ? 'STATE_UNSPECIFIED' : state,
        requestPreview: optStr(r.request_preview),
        responsePreview: optStr(r.response_preview),
        tags: kv(tags.filter((t) => str(t.request_id) === id)),
        metadata: kv(meta.filter((t) => str(t.request_id) === id)),
        // MLflow >= 3.2 keeps spans in its tracking store; older traces keep them in traces.json.
        spans: spanRows ? spanRows.map((s) => this.span(id, s)) : null,
        assessments: (assessments.get(id) ?? []).map(assessmentFromRow),
      };
    });
  }

  private span(traceId: string, row: SqlRow) {
    try {
      return spanFromMlflowContent(str(row.content), str(row.span_id));
    } catch (err) {
      throw new ImportError(
        `${this.label}: span ${str(row.span_id)} of trace ${traceId} is not MLflow span JSON (${(err as Error).message})`,
      );
    }
  }

  /** Rows of a 3.x trace child table (keyed by `trace_id`) per trace, or none when the revision lacks it. */
  private async byTrace(table: string, columns: string, order: string, ids: string[]): Promise<Map<string, SqlRow[]>> {
    const out = new Map<string, SqlRow[]>();
    if (!this.has(table, 'trace_id')) return out;
    const rows = await this.reader.all(
      `SELECT trace_id, ${columns} FROM ${table} WHERE trace_id IN (${ids.map(() => '?').join(', ')}) ORDER BY trace_id, ${order}`,
      ids,
    );
    for (const r of rows) {
      const id = str(r.trace_id);
      let list = out.get(id);
      if (!list) out.set(id, (list = []));
      list.push(r);
    }
    return out;
  }

  async *listArtifacts(owner: ArtifactOwner): AsyncIterable<SourceArtifact> {
    const root = this.root(owner);
    if (!root) return;
    yield* walkArtifacts(root.repository, root.base);
  }

  async openArtifact(owner: ArtifactOwner, path: string): Promise<Readable> {
    const root = this.root(owner);
    if (!root) throw new ImportError(`The artifacts of ${owner.kind} ${owner.id} are not reachable`);
    return (await root.repository.open(root.base.join(ArtifactPath.parse(path)))).stream;
  }

  private root(owner: ArtifactOwner) {
    if (!this.artifacts || !owner.uri) return null;
    try {
      return this.artifacts.resolve(owner.uri);
    } catch {
      return null;
    }
  }

  close(): Promise<void> {
    return this.reader.close();
  }
}
