import { afterAll, beforeAll } from 'vitest';
import { http, startServer, TestServer } from './server';
import { Res, TrackingApi, unique } from './tracking';

/** The MLflow 3 client's paths (mlflow3-api.md §7): LM, MA and the 3.0 trace routes. */
export const LM = '/api/2.0/mlflow/logged-models';
export const MA = '/api/2.0/mlflow-artifacts/artifacts';

/** A model directory's files by relative path. */
export type ModelFiles = Record<string, string | Buffer>;

/**
 * The Content-Type the client's artifact upload sends (mlflow's `_guess_mime_type`): text/plain
 * for MLmodel and text files, application/octet-stream for model payloads (model.pkl, model.onnx,
 * an ONNX external data file).
 */
export function clientMimeType(path: string): string {
  const file = path.split('/').pop() ?? '';
  const ext = file.includes('.') ? file.split('.').pop() : file;
  return ['MLmodel', 'MLproject', 'txt', 'yaml', 'yml', 'json', 'log', 'py', 'md'].includes(ext ?? '')
    ? 'text/plain'
    : 'application/octet-stream';
}

/** TrackingApi plus the calls an MLflow 3.6 client makes, each as the client sends it. */
export class Mlflow3Api extends TrackingApi {
  req(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    return http(this.base, method, path, body, headers);
  }

  async ok(method: string, path: string, body?: unknown): Promise<any> {
    const res = await this.req(method, path, body);
    if (res.status !== 200) throw new Error(`${method} ${path} -> ${res.status} ${res.text}`);
    return res.body;
  }

  /** The run as the client reads it (`?run_uuid=R&run_id=R`). */
  async clientGetRun(runId: string): Promise<any> {
    return (await this.ok('GET', `/api/2.0/mlflow/runs/get?run_uuid=${runId}&run_id=${runId}`)).run;
  }

  async getModel(modelId: string): Promise<any> {
    return (await this.ok('GET', `${LM}/${modelId}`)).model;
  }

  async searchModels(body: Record<string, unknown>): Promise<any> {
    return this.ok('POST', `${LM}/search`, body);
  }

  /** Every page of a logged-model search, as `search_logged_models` loops. */
  async searchAllModels(body: Record<string, unknown>): Promise<any[]> {
    const out: any[] = [];
    let token: string | undefined;
    do {
      const page = await this.searchModels({ ...body, ...(token ? { page_token: token } : {}) });
      out.push(...(page.models ?? []));
      token = page.next_page_token;
    } while (token);
    return out;
  }

  async upload(path: string, content: string | Buffer, type = clientMimeType(path)): Promise<void> {
    const res = await fetch(`${this.base}${MA}/${path}`, {
      method: 'PUT',
      body: content,
      headers: { 'content-type': type },
    });
    if (res.status !== 200) throw new Error(`PUT ${path} -> ${res.status} ${await res.text()}`);
  }

  async download(path: string): Promise<{ status: number; text: string }> {
    const res = await fetch(`${this.base}${MA}/${path}`);
    return { status: res.status, text: await res.text() };
  }

  async listProxied(path: string): Promise<any> {
    return this.ok('GET', `${MA}?path=${encodeURIComponent(path)}`);
  }

  /**
   * `mlflow.<flavor>.log_model(model, name=...)` in an active run (§7.1): create the model with
   * the run's params, link it as an output, re-send the step's history points with the model
   * id, upload the files, finalize READY. `files` may depend on the created model (the client
   * writes its id and artifact location into MLmodel).
   */
  async logModel(
    runId: string,
    name: string,
    files: ModelFiles | ((info: { model_id: string; artifact_uri: string }) => ModelFiles),
    tags: { key: string; value: string }[] = [],
    step = 0,
  ): Promise<any> {
    const run = await this.clientGetRun(runId);
    const params = run.data.params ?? [];
    const created = await this.ok('POST', LM, {
      experiment_id: run.info.experiment_id,
      name,
      source_run_id: runId,
      // proto JSON: an empty repeated field is left out
      ...(params.length ? { params } : {}),
      tags: [{ key: 'mlflow.user', value: 'root' }, { key: 'mlflow.source.type', value: 'LOCAL' }, ...tags],
    });
    const modelId: string = created.model.info.model_id;
    await this.ok('POST', '/api/2.0/mlflow/runs/outputs', { run_id: runId, models: [{ model_id: modelId, step }] });
    const again = await this.clientGetRun(runId);
    const points: any[] = [];
    for (const m of again.data.metrics ?? []) {
      const hist = await this.ok(
        'GET',
        `/api/2.0/mlflow/metrics/get-history?run_uuid=${runId}&metric_key=${m.key}&run_id=${runId}&max_results=25000`,
      );
      points.push(...(hist.metrics ?? []).filter((p: any) => p.step === step && !p.model_id));
    }
    if (points.length) {
      await this.ok('POST', '/api/2.0/mlflow/runs/log-batch', {
        run_id: runId,
        metrics: points.map((p) => ({ ...p, model_id: modelId })),
      });
    }
    const uri: string = (await this.getModel(modelId)).info.artifact_uri;
    const root = uri.replace(/^mlflow-artifacts:\//, '');
    const contents = typeof files === 'function' ? files({ model_id: modelId, artifact_uri: uri }) : files;
    for (const [file, content] of Object.entries(contents)) await this.upload(`${root}/${file}`, content);
    const done = await this.ok('PATCH', `${LM}/${modelId}`, { model_id: modelId, status: 'LOGGED_MODEL_READY' });
    return done.model;
  }
}

/** One server per describe block (sqlite or Postgres) with an MLflow 3 client and a fresh experiment. */
export function mlflow3Server(database: 'sqlite' | 'postgres', skip: boolean, experimentPrefix: string) {
  const ctx = {} as { server: TestServer; api: Mlflow3Api; exp: string };
  beforeAll(async () => {
    if (skip) return;
    ctx.server = await startServer({ database });
    ctx.api = new Mlflow3Api(ctx.server.url);
    ctx.exp = await ctx.api.createExperiment(unique(experimentPrefix));
  }, 120_000);
  afterAll(async () => ctx.server?.close());
  return ctx;
}
