import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LM, Mlflow3Api } from './support/mlflow3';
import { http, startServer, TestServer } from './support/server';
import { waitFor } from './support/serving';
import { kvObject } from './support/tracking';

/** Default target (return): a window is seq_length + 1 closes. */
const TINY = { seq_length: 5, units: 4, epochs: 1, batch_size: 64, seed: 7 };
const SAMPLE = { ticker: 'MSFT', source: 'sample', start_date: '2023-01-01', end_date: '2024-06-30' };

/**
 * tsflow's own training logs its model the MLflow 3 way (a logged model linked to the run,
 * final metrics linked to it) while keeping `model/` in the run; a champion registered from
 * `models:/<model_id>` serves /predict and /invocations.
 */
describe('MLflow 3: a tsflow-trained logged model as champion', () => {
  let server: TestServer;
  let api: Mlflow3Api;
  let runId: string;
  let model: any;

  beforeAll(async () => {
    server = await startServer();
    api = new Mlflow3Api(server.url);
    const sub = await http(server.url, 'POST', '/api/v1/training/runs', {
      experiment_name: 'mlflow3-train',
      dataset: SAMPLE,
      params: TINY,
    });
    expect(sub.status, sub.text).toBe(202);
    const job = await waitFor(
      async () => {
        const res = await http(server.url, 'GET', `/api/v1/training/runs/${sub.body.job_id}`);
        return ['completed', 'failed'].includes(res.body.state) ? res.body : undefined;
      },
      'training job',
      90_000,
    );
    expect(job.state, JSON.stringify(job)).toBe('completed');
    runId = job.run_id;
    const run = await api.clientGetRun(runId);
    expect(run.outputs.model_outputs).toHaveLength(1);
    model = await api.getModel(run.outputs.model_outputs[0].model_id);
  }, 120_000);

  afterAll(async () => {
    await server?.close();
  });

  it('the run has a READY logged model with its params, linked final metrics and files; model/ stays', async () => {
    expect(model.info).toMatchObject({ name: 'model', status: 'LOGGED_MODEL_READY', source_run_id: runId });
    const run = await api.clientGetRun(runId);
    expect(kvObject(model.data.params)).toEqual(kvObject(run.data.params));
    const linked = new Set(model.data.metrics.map((m: any) => m.key));
    expect(linked.has('val_mae') && linked.has('test_rmse')).toBe(true);
    expect(model.data.metrics.every((m: any) => m.model_id === model.info.model_id && m.run_id === runId)).toBe(true);
    // Run data keeps plain metrics (no duplicates from the link).
    const hist = await api.history(runId, 'val_mae');
    expect(hist.metrics).toHaveLength(1);
    const listing = await api.ok('GET', `${LM}/${model.info.model_id}/artifacts/directories`);
    expect(listing.files.map((f: any) => f.path)).toEqual(
      expect.arrayContaining(['MLmodel', 'preprocessing.json', 'tfjs-model']),
    );
    const mlmodel = (await api.download(`${model.info.artifact_uri.replace('mlflow-artifacts:/', '')}/MLmodel`)).text;
    expect(mlmodel).toContain(`model_id: ${model.info.model_id}`);
    // 2.x readers: the run's own model/ directory is still there.
    const legacy = await api.okGet('artifacts/list', { run_id: runId, path: 'model' });
    expect(legacy.files.map((f: any) => f.path)).toContain('model/MLmodel');
    // The logged model is found by name the way register_model("runs:/R/model") looks it up.
    const found = await api.searchModels({ experiment_ids: [run.info.experiment_id], filter: "name = 'model'" });
    expect(found.models.map((m: any) => m.info.model_id)).toContain(model.info.model_id);
  });

  it('registered from models:/<model_id> and aliased champion over the MLflow API, it serves', async () => {
    const id = model.info.model_id;
    await api.okPost('registered-models/create', { name: 'msft3' });
    const v = await api.okPost('model-versions/create', { name: 'msft3', source: `models:/${id}`, model_id: id });
    expect(v.model_version.run_id).toBe(runId);
    await api.okPost('registered-models/alias', { name: 'msft3', alias: 'champion', version: v.model_version.version });
    const predict = await waitFor(async () => {
      const r = await http(server.url, 'POST', '/predict', { model: 'msft3', values: [399, 400, 401, 402, 403, 404] });
      return r.status === 200 ? r : undefined;
    }, 'champion loaded');
    expect(predict.body.model).toMatchObject({ name: 'msft3', version: '1', run_id: runId });
    expect(predict.body.predictions).toHaveLength(1);
    expect(Number.isFinite(predict.body.predictions[0])).toBe(true);
    const inv = await http(server.url, 'POST', '/invocations?model=msft3', {
      inputs: [[[399], [400], [401], [402], [403], [404]]],
    });
    expect(inv.status, inv.text).toBe(200);
    const champion = await http(server.url, 'GET', '/api/v1/models/msft3/champion');
    expect(champion.body.champion.artifact_uri).toBe(model.info.artifact_uri);
  });

  it('POST /api/v1/models/{name}/champion with run_id registers the run’s logged model', async () => {
    const res = await http(server.url, 'POST', '/api/v1/models/msft3-promoted/champion', { run_id: runId });
    expect(res.status, res.text).toBe(200);
    expect(res.body.champion).toMatchObject({
      source: `models:/${model.info.model_id}`,
      artifact_uri: model.info.artifact_uri,
      run_id: runId,
    });
    const tag = kvObject((await api.getModel(model.info.model_id)).info.tags)['mlflow.modelVersions'];
    expect(JSON.parse(tag)).toEqual([
      { name: 'msft3', version: 1 },
      { name: 'msft3-promoted', version: 1 },
    ]);
    const r = await waitFor(async () => {
      const p = await http(server.url, 'POST', '/predict', { model: 'msft3-promoted', values: [1, 2, 3, 4, 5, 6] });
      return p.status === 200 ? p : undefined;
    }, 'promoted champion loaded');
    expect(r.body.model.version).toBe('1');
  });
});
