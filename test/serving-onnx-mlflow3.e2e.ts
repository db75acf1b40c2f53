import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LM, Mlflow3Api } from './support/mlflow3';
import {
  columnForms,
  expectedCases,
  logOnnxLikeMlflow3,
  near,
  ONNX_FIXTURES,
  setAlias,
  tensorForms,
} from './support/onnx';
import { http, startServer, TestServer } from './support/server';
import { kvObject } from './support/tracking';

/**
 * The README's flow with an MLflow 3.6 client, replayed call by call:
 *   with mlflow.start_run():
 *       info = mlflow.onnx.log_model(onnx_model, name="model", registered_model_name="scorer", signature=...)
 *   MlflowClient().set_registered_model_alias("scorer", "champion", info.registered_model_version)
 * The model lives in a logged model's own artifact location and the version's source is
 * `models:/<model_id>` (not a run's `model/` as with a 2.x client); the champion serves it.
 */
describe('ONNX champions logged by an MLflow 3.6 client (logged models, models:/ sources)', () => {
  let server: TestServer;
  let api: Mlflow3Api;
  let scorer: Awaited<ReturnType<typeof logOnnxLikeMlflow3>>;
  const invoke = (model: string, body: unknown, headers?: Record<string, string>) =>
    http(server.url, 'POST', `/invocations?model=${encodeURIComponent(model)}`, body, headers);

  beforeAll(async () => {
    server = await startServer({ env: { TSFLOW_CHAMPION_POLL_MS: '500' } });
    api = new Mlflow3Api(server.url);
    scorer = await logOnnxLikeMlflow3(server.url, path.join(ONNX_FIXTURES, 'tabular'), 'scorer');
    await setAlias(server.url, 'scorer', 'champion', scorer.version);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
  });

  it('the logged model is READY with the files the client uploaded, registered from models:/<model_id>', async () => {
    const model = await api.getModel(scorer.modelId);
    expect(model.info).toMatchObject({ name: 'model', status: 'LOGGED_MODEL_READY', source_run_id: scorer.runId });
    expect(JSON.parse(kvObject(model.info.tags)['mlflow.modelVersions'])).toEqual([
      { name: 'scorer', version: 1 },
      { name: 'scorer', version: '1' },
    ]);
    const listing = await api.ok('GET', `${LM}/${scorer.modelId}/artifacts/directories`);
    expect(listing.files.map((f: any) => f.path).sort()).toEqual([
      'MLmodel',
      'conda.yaml',
      'model.onnx',
      'python_env.yaml',
      'requirements.txt',
    ]);
    const version = (await api.okGet('model-versions/get', { name: 'scorer', version: '1' })).model_version;
    expect(version).toMatchObject({ source: `models:/${scorer.modelId}`, run_id: scorer.runId, status: 'READY' });
    const uri = await api.okGet('model-versions/get-download-uri', { name: 'scorer', version: '1' });
    expect(uri.artifact_uri).toBe(scorer.artifactUri);
  });

  it('GET /api/v1/models/scorer/champion: servable by the onnx runtime, from the logged model', async () => {
    const r = await http(server.url, 'GET', '/api/v1/models/scorer/champion');
    expect(r.status, r.text).toBe(200);
    expect(r.body.champion).toMatchObject({
      version: '1',
      source: `models:/${scorer.modelId}`,
      artifact_uri: scorer.artifactUri,
      runtime: 'onnx',
      servable: true,
      reason: null,
    });
  });

  it('every input form answers PyTorch’s numbers (within 1e-5)', async () => {
    const { inputs, outputs } = expectedCases('tabular')[0];
    for (const [body, headers] of columnForms(inputs.features, ['x1', 'x2', 'x3', 'x4'])) {
      const r = await invoke('scorer', body, headers);
      expect(r.status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`).toBe(200);
      expect(r.body.predictions).toHaveLength(inputs.features.length);
      r.body.predictions.forEach((p: { score: number }, i: number) => near(p.score, outputs.score[i][0]));
    }
    // the same through the champion alias spelled out, and the version pinned: one shared session
    for (const model of ['scorer@champion', 'scorer/1']) {
      const r = await invoke(model, { dataframe_split: { columns: ['x1', 'x2', 'x3', 'x4'], data: inputs.features } });
      expect(r.status, r.text).toBe(200);
      r.body.predictions.forEach((p: { score: number }, i: number) => near(p.score, outputs.score[i][0]));
    }
  });

  it('a wider MLP as mlflow.onnx saves it (weights in an external data file) serves every form', async () => {
    const dir = path.join(ONNX_FIXTURES, 'mlp_external');
    const wide = await logOnnxLikeMlflow3(server.url, dir, 'wide');
    await setAlias(server.url, 'wide', 'champion', wide.version);
    const listing = await api.ok('GET', `${LM}/${wide.modelId}/artifacts/directories`);
    expect(listing.files.map((f: any) => f.path)).toContain('6f0d3c2e-d4a1-11f0-8de9-0242ac120002');
    const { inputs, outputs } = expectedCases('mlp_external')[0];
    for (const [body, headers] of tensorForms(inputs.x, ['a', 'b', 'c', 'd'])) {
      const r = await invoke('wide', body, headers);
      expect(r.status, `${JSON.stringify(body).slice(0, 80)}: ${r.text}`).toBe(200);
      near(r.body.predictions.y, outputs.y);
    }
    const predict = await http(server.url, 'POST', '/predict', { model: 'wide', values: inputs.x });
    expect(predict.status, predict.text).toBe(200);
    expect(predict.body.model).toMatchObject({ name: 'wide', version: '1', backend: 'onnxruntime-cpu' });
    near(predict.body.predictions.y, outputs.y);
  });

  it('a second log_model with the same registered_model_name adds version 2; the alias move swaps it', async () => {
    const again = await logOnnxLikeMlflow3(server.url, path.join(ONNX_FIXTURES, 'tabular'), 'scorer');
    expect(again.version).toBe('2');
    await setAlias(server.url, 'scorer', 'champion', '2');
    const r = await http(server.url, 'GET', '/api/v1/models/scorer/champion');
    expect(r.body.champion).toMatchObject({ version: '2', source: `models:/${again.modelId}`, servable: true });
    const one = await invoke('scorer', { dataframe_records: [{ x1: 1, x2: 2, x3: 3, x4: 4 }] });
    expect(one.status, one.text).toBe(200);
  });
});
