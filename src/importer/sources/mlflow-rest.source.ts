import { Readable } from 'node:stream';
import { ImportError, ImportSource, SourceArtifact } from '../import-source';
import type {
  ArtifactOwner,
  KV,
  SourceDescription,
  SrcExperiment,
  SrcLoggedModel,
  SrcMetric,
  SrcRegisteredModel,
  SrcRun,
  SrcTrace,
} from '../import.types';
import { assessmentFromWire, spanFromWire } from './mlflow-spans';

const MAX_DOUBLE = 1.7976931348623157e308;
const SPANS_LOCATION = 'mlflow.trace.spansLocation';
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface RestCredentials {
  username?: string;
  password?: string;
  token?: string;
}

/** A wire metric value (number, or "NaN"/"Infinity" strings of proto JSON) in MLflow's SQL encoding. */
export function encodeWireValue(v: unknown): { value: number; isNan: 0 | 1 } {
  const n = typeof v === 'string' ? Number(v) : (v as number);
  if (n === undefined || n === null || Number.isNaN(n)) return { value: 0, isNan: 1 };
  if (n === Infinity) return { value: MAX_DOUBLE, isNan: 0 };
  if (n === -Infinity) return { value: -MAX_DOUBLE, isNan: 0 };
  return { value: n, isNan: 0 };
}

const kv = (list: unknown): KV[] =>
  ((list as Json[] | undefined) ?? []).map((t) => ({ key: String(t.key), value: String(t.value ?? '') }));
const n = (v: unknown): number => Number(v ?? 0);
/** A wire Metric (run data, a history page, a logged model's metrics) as an imported metric. */
const wireMetric = (m: Json, key = String(m.key)): SrcMetric => ({
  key,
  ...encodeWireValue(m.value),
  timestamp: n(m.timestamp),
  step: n(m.step),
});

const byKey = (list: KV[]) => list.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
const mapKv = (map: unknown): KV[] =>
  byKey(Object.entries((map as Json | undefined) ?? {}).map(([key, value]) => ({ key, value: String(value ?? '') })));
const traceLocation = (experimentId: string) => ({
  type: 'MLFLOW_EXPERIMENT',
  mlflow_experiment: { experiment_id: experimentId },
});

/** A v3 TraceInfo (request_time RFC 3339, execution_duration "1.5s") as an imported trace; spans come later. */
function traceFromV3(t: Json): SrcTrace {
  const duration =
    t.execution_duration === undefined ? null : Math.round(parseFloat(String(t.execution_duration)) * 1000);
  return {
    traceId: String(t.trace_id),
    experimentId: String((t.trace_location as Json | undefined)?.mlflow_experiment?.experiment_id ?? ''),
    clientRequestId: (t.client_request_id as string | undefined) ?? null,
    requestTimeMs: Date.parse(String(t.request_time)),
    executionDurationMs: duration,
    state: String(t.state ?? 'STATE_UNSPECIFIED'),
    requestPreview: (t.request_preview as string | undefined) ?? null,
    responsePreview: (t.response_preview as string | undefined) ?? null,
    tags: mapKv(t.tags),
    metadata: mapKv(t.trace_metadata),
    spans: null,
    assessments: ((t.assessments as Json[] | undefined) ?? []).map(assessmentFromWire),
  };
}

/** A 2.x TraceInfo: no previews, spans only in the traces.json artifact, no assessments. */
function traceFromV2(t: Json): SrcTrace {
  return {
    traceId: String(t.request_id),
    experimentId: String(t.experiment_id),
    clientRequestId: null,
    requestTimeMs: n(t.timestamp_ms),
    executionDurationMs: t.execution_time_ms === undefined ? null : n(t.execution_time_ms),
    state: String(t.status ?? 'STATE_UNSPECIFIED').replace('TRACE_STATUS_UNSPECIFIED', 'STATE_UNSPECIFIED'),
    requestPreview: null,
    responsePreview: null,
    tags: byKey(kv(t.tags)),
    metadata: byKey(kv(t.request_metadata)),
    spans: null,
    assessments: [],
  };
}

/**
 * A running MLflow server (2.x or 3.x; tsflow speaks the same API) read through its REST API,
 * with MLflow's client credentials (basic auth or a bearer token).
 */
export class MlflowRestSource extends ImportSource {
  readonly label: string;
  override readonly readAhead = 6;
  private readonly base: string;
  private readonly auth?: string;
  private version = '';
  private tracesV3?: boolean;

  constructor(url: string, credentials: RestCredentials = {}) {
    super();
    const u = new URL(url);
    const username = credentials.username ?? (u.username ? decodeURIComponent(u.username) : undefined);
    const password = credentials.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
    u.username = '';
    u.password = '';
    this.base = u.toString().replace(/\/+$/, '');
    this.label = this.base;
    if (credentials.token) this.auth = `Bearer ${credentials.token}`;
    else if (username !== undefined)
      this.auth = `Basic ${Buffer.from(`${username}:${password ?? ''}`).toString('base64')}`;
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.auth) headers.authorization = this.auth;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e) {
      throw new ImportError(
        `MLflow server ${this.base} is unreachable: ${(e as Error & { cause?: Error }).cause?.message ?? (e as Error).message}`,
      );
    }
    if (res.status === 401 || res.status === 403) {
      throw new ImportError(
        `MLflow server ${this.base} refused ${method} ${path.split('?')[0]} (${res.status}): set MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN for a user that can read everything (an admin).`,
      );
    }
    return res;
  }

  private async json(method: string, path: string, body?: unknown, optional = false): Promise<Json | null> {
    const res = await this.request(method, path, body);
    const text = await res.text();
    if (!res.ok) {
      if (optional && (res.status === 404 || res.status === 501 || res.status === 405)) return null;
      throw new ImportError(
        `MLflow server answered ${res.status} to ${method} ${path.split('?')[0]}: ${text.slice(0, 300)}`,
      );
    }
    try {
      // Proto JSON may carry bare NaN/Infinity from older servers.
      return JSON.parse(text.replace(/:\s*(-?Infinity|NaN)\b/g, ':"$1"')) as Json;
    } catch {
      throw new ImportError(`MLflow server answered ${method} ${path.split('?')[0]} with something that is not JSON`);
    }
  }

  /** Every page of a listing; `optional`: a server without the route (older MLflow) lists nothing. */
  private async *pages(
    method: 'GET' | 'POST',
    path: string,
    body: Json,
    field: string,
    optional = false,
  ): AsyncIterable<Json[]> {
    let token: string | undefined;
    do {
      const page = { ...body, ...(token ? { page_token: token } : {}) };
      const res =
        method === 'POST'
          ? await this.json('POST', path, page, optional)
          : await this.json(
              'GET',
              `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams(page)}`,
              undefined,
              optional,
            );
      if (!res) return;
      const items = (res?.[field] as Json[] | undefined) ?? [];
      if (items.length) yield items;
      token = res?.next_page_token as string | undefined;
    } while (token);
  }

  async describe(): Promise<SourceDescription> {
    const res = await this.request('GET', '/version');
    this.version = res.ok ? (await res.text()).trim() : '';
    await this.json('POST', '/api/2.0/mlflow/experiments/search', { max_results: 1 });
    const major = Number(this.version.split('.')[0]) || 2;
    return {
      kind: 'mlflow-rest',
      version: this.version || 'unknown',
      has: { loggedModels: major >= 3, traces: true, datasets: true, aliases: true },
    };
  }

  async *experiments(): AsyncIterable<SrcExperiment> {
    for await (const page of this.pages(
      'POST',
      '/api/2.0/mlflow/experiments/search',
      { max_results: 1000, view_type: 'ALL' },
      'experiments',
    )) {
      for (const e of page) {
        yield {
          id: String(e.experiment_id),
          name: String(e.name),
          artifactLocation: String(e.artifact_location ?? ''),
          lifecycleStage: String(e.lifecycle_stage ?? 'active'),
          creationTime: n(e.creation_time),
          lastUpdateTime: n(e.last_update_time ?? e.creation_time),
          tags: kv(e.tags),
        };
      }
    }
  }

  async *runs(experimentId: string): AsyncIterable<SrcRun[]> {
    const body = {
      experiment_ids: [experimentId],
      run_view_type: 'ALL',
      max_results: 1000,
      order_by: ['attributes.start_time ASC'],
    };
    for await (const page of this.pages('POST', '/api/2.0/mlflow/runs/search', body, 'runs')) {
      yield page.map((r) => {
        const info = r.info as Json;
        const data = (r.data as Json | undefined) ?? {};
        const inputs = (r.inputs as Json | undefined) ?? {};
        const outputs = (r.outputs as Json | undefined) ?? {};
        return {
          runId: String(info.run_id ?? info.run_uuid),
          experimentId: String(info.experiment_id),
          name: String(info.run_name ?? ''),
          userId: String(info.user_id ?? ''),
          status: String(info.status),
          startTime: n(info.start_time),
          endTime: info.end_time === undefined ? null : n(info.end_time),
          deletedTime: null,
          lifecycleStage: String(info.lifecycle_stage ?? 'active'),
          artifactUri: String(info.artifact_uri ?? ''),
          params: kv(data.params),
          tags: kv(data.tags),
          latest: ((data.metrics as Json[] | undefined) ?? []).map((m) => wireMetric(m)),
          inputs: ((inputs.dataset_inputs as Json[] | undefined) ?? []).map((d) => {
            const ds = d.dataset as Json;
            return {
              name: String(ds.name),
              digest: String(ds.digest),
              sourceType: String(ds.source_type ?? ''),
              source: String(ds.source ?? ''),
              schema: (ds.schema as string | undefined) ?? null,
              profile: (ds.profile as string | undefined) ?? null,
              tags: kv(d.tags),
            };
          }),
          modelInputs: ((inputs.model_inputs as Json[] | undefined) ?? []).map((m) => String(m.model_id)),
          modelOutputs: ((outputs.model_outputs as Json[] | undefined) ?? []).map((m) => ({
            modelId: String(m.model_id),
            step: n(m.step),
          })),
        };
      });
    }
  }

  async *metricHistory(run: SrcRun): AsyncIterable<SrcMetric[]> {
    for (const { key } of run.latest) {
      const q = { run_id: run.runId, metric_key: key, max_results: '25000' };
      for await (const page of this.pages('GET', '/api/2.0/mlflow/metrics/get-history', q, 'metrics')) {
        yield page.map((m) => wireMetric(m, key));
      }
    }
  }

  async *registeredModels(): AsyncIterable<SrcRegisteredModel> {
    for await (const page of this.pages(
      'GET',
      '/api/2.0/mlflow/registered-models/search',
      { max_results: '1000' },
      'registered_models',
    )) {
      for (const m of page) {
        const name = String(m.name);
        const versions: SrcRegisteredModel['versions'] = [];
        const filter = `name='${name.replace(/'/g, "\\'")}'`;
        for await (const vpage of this.pages(
          'GET',
          '/api/2.0/mlflow/model-versions/search',
          { filter, max_results: '1000' },
          'model_versions',
        )) {
          for (const v of vpage) {
            versions.push({
              name,
              version: n(v.version),
              creationTime: n(v.creation_timestamp),
              lastUpdatedTime: n(v.last_updated_timestamp ?? v.creation_timestamp),
              description: (v.description as string | undefined) ?? null,
              userId: (v.user_id as string | undefined) ?? null,
              currentStage: String(v.current_stage ?? 'None'),
              source: String(v.source ?? ''),
              storageLocation: null,
              runId: (v.run_id as string | undefined) || null,
              runLink: (v.run_link as string | undefined) || null,
              status: String(v.status ?? 'READY'),
              statusMessage: (v.status_message as string | undefined) ?? null,
              tags: kv(v.tags),
            });
          }
        }
        versions.sort((a, b) => a.version - b.version);
        yield {
          name,
          creationTime: n(m.creation_timestamp),
          lastUpdatedTime: n(m.last_updated_timestamp ?? m.creation_timestamp),
          description: (m.description as string | undefined) ?? null,
          tags: kv(m.tags),
          aliases: ((m.aliases as Json[] | undefined) ?? []).map((a) => ({
            alias: String(a.alias),
            version: n(a.version),
          })),
          versions,
        };
      }
    }
  }

  async *loggedModels(experimentId: string): AsyncIterable<SrcLoggedModel[]> {
    const body = { experiment_ids: [experimentId], max_results: 100 };
    for await (const models of this.pages('POST', '/api/2.0/mlflow/logged-models/search', body, 'models', true)) {
      yield models.map((m) => {
        const info = m.info as Json;
        const data = (m.data as Json | undefined) ?? {};
        return {
          modelId: String(info.model_id),
          experimentId: String(info.experiment_id),
          name: String(info.name ?? ''),
          artifactLocation: String(info.artifact_uri ?? ''),
          creationTimestampMs: n(info.creation_timestamp_ms),
          lastUpdatedTimestampMs: n(info.last_updated_timestamp_ms ?? info.creation_timestamp_ms),
          status: String(info.status ?? 'LOGGED_MODEL_STATUS_UNSPECIFIED'),
          modelType: String(info.model_type ?? ''),
          sourceRunId: String(info.source_run_id ?? ''),
          lifecycleStage: 'active',
          params: kv(data.params),
          tags: kv(info.tags),
          metrics: ((data.metrics as Json[] | undefined) ?? []).map((x) => ({
            ...wireMetric(x),
            runId: String(x.run_id ?? ''),
            datasetName: String(x.dataset_name ?? ''),
            datasetDigest: String(x.dataset_digest ?? ''),
          })),
        };
      });
    }
  }

  async *traces(experimentId: string): AsyncIterable<SrcTrace[]> {
    if (await this.speaksTracesV3(experimentId)) {
      const body = { locations: [traceLocation(experimentId)], max_results: 500 };
      for await (const infos of this.pages('POST', '/api/3.0/mlflow/traces/search', body, 'traces')) {
        const traces = infos.map(traceFromV3);
        await this.addSpans(traces);
        yield traces;
      }
      return;
    }
    const query = { experiment_ids: experimentId, max_results: '500' };
    for await (const traces of this.pages('GET', '/api/2.0/mlflow/traces', query, 'traces', true)) {
      yield traces.map(traceFromV2);
    }
  }

  /** Whether the server has MLflow 3's trace routes (a 2.x server answers 404 ENDPOINT_NOT_FOUND). */
  private async speaksTracesV3(experimentId: string): Promise<boolean> {
    if (this.tracesV3 === undefined) {
      const res = await this.request('POST', '/api/3.0/mlflow/traces/search', {
        locations: [traceLocation(experimentId)],
        max_results: 1,
      });
      const text = await res.text();
      this.tracesV3 = res.ok || !(res.status === 405 || res.status === 501 || /ENDPOINT_NOT_FOUND|<html/i.test(text));
    }
    return this.tracesV3;
  }

  /** Spans of the traces kept in the server's tracking store: batchGet (10 ids a call), else get with allow_partial. */
  private async addSpans(traces: SrcTrace[]): Promise<void> {
    const stored = traces.filter((t) => t.tags.some((x) => x.key === SPANS_LOCATION && x.value === 'TRACKING_STORE'));
    for (let i = 0; i < stored.length; i += 10) {
      const batch = stored.slice(i, i + 10);
      const q = new URLSearchParams(batch.map((t): [string, string] => ['trace_ids', t.traceId]));
      const res = await this.json('GET', `/api/3.0/mlflow/traces/batchGet?${q}`, undefined, true);
      for (const t of (res?.traces as Json[] | undefined) ?? []) {
        const mine = batch.find((x) => x.traceId === (t.trace_info as Json | undefined)?.trace_id);
        if (mine) mine.spans = ((t.spans as Json[] | undefined) ?? []).map(spanFromWire);
      }
    }
    // batchGet leaves out traces with fewer spans than they announced; take what there is.
    for (const t of stored.filter((x) => x.spans === null)) {
      const q = new URLSearchParams({ trace_id: t.traceId, allow_partial: 'true' });
      const res = await this.json('GET', `/api/3.0/mlflow/traces/get?${q}`, undefined, true);
      t.spans = (((res?.trace as Json | undefined)?.spans as Json[] | undefined) ?? []).map(spanFromWire);
    }
  }

  async *listArtifacts(owner: ArtifactOwner, dir = ''): AsyncIterable<SourceArtifact> {
    if (owner.kind === 'trace') {
      yield { path: 'traces.json', size: -1 };
      return;
    }
    const res =
      owner.kind === 'run'
        ? await this.json(
            'GET',
            `/api/2.0/mlflow/artifacts/list?${new URLSearchParams({ run_id: owner.id, ...(dir ? { path: dir } : {}) })}`,
            undefined,
            true,
          )
        : await this.json(
            'GET',
            `/ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(owner.id)}/artifacts/directories?${new URLSearchParams(dir ? { artifact_directory_path: dir } : {})}`,
            undefined,
            true,
          );
    for (const f of (res?.files as Json[] | undefined) ?? []) {
      const path = String(f.path);
      if (f.is_dir) yield* this.listArtifacts(owner, path);
      else yield { path, size: n(f.file_size) };
    }
  }

  async openArtifact(owner: ArtifactOwner, path: string): Promise<Readable> {
    const url =
      owner.kind === 'trace'
        ? `/ajax-api/2.0/mlflow/get-trace-artifact?${new URLSearchParams({ request_id: owner.id })}`
        : owner.kind === 'run'
          ? `/get-artifact?${new URLSearchParams({ run_id: owner.id, path })}`
          : `/ajax-api/2.0/mlflow/logged-models/${encodeURIComponent(owner.id)}/artifacts/files?${new URLSearchParams({ artifact_file_path: path })}`;
    const res = await this.request('GET', url);
    if (!res.ok || !res.body)
      throw new ImportError(`Cannot download ${owner.kind} ${owner.id} artifact ${path}: ${res.status}`);
    return Readable.fromWeb(res.body as never);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
