import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LM, Mlflow3Api } from './support/mlflow3';
import { startServer, TestServer } from './support/server';
import { BACKENDS, expectError, kvObject, unique } from './support/tracking';

/**
 * The MLflow 3.6 client's call sequences (mlflow3-api.md §7, recorded in
 * mlflow3-wire/real-mlflow3-session.jsonl) replayed over real HTTP, on sqlite and Postgres.
 */
describe.each(BACKENDS)('MLflow 3 client sequences ($db)', ({ db, skip }) => {
  let server: TestServer;
  let api: Mlflow3Api;

  beforeAll(async () => {
    if (skip) return;
    server = await startServer({ database: db });
    api = new Mlflow3Api(server.url);
  });
  afterAll(async () => {
    await server?.close();
  });

  /** An experiment with one run holding params, a 3-step metric and two metrics at step 2. */
  async function session() {
    const exp = await api.createExperiment(unique('demo3'));
    const run = await api.createRun(exp, { run_name: 'demo3-run' });
    const runId: string = run.info.run_id;
    await api.logBatch(runId, {
      params: [
        { key: 'alpha', value: '0.5' },
        { key: 'units', value: '64' },
      ],
    });
    for (const [step, value] of [0.9, 0.7, 0.5].entries()) {
      await api.okPost('runs/log-metric', {
        run_uuid: runId,
        run_id: runId,
        key: 'rmse',
        value,
        timestamp: 1000 + step,
        step,
      });
    }
    // 3.x log_metrics puts run_id into every metric even when nothing is linked (rec #9).
    await api.okPost('runs/log-batch', {
      run_id: runId,
      metrics: [
        { key: 'mae', value: 0.3, timestamp: 2000, step: 2, run_id: runId },
        { key: 'r2', value: 0.8, timestamp: 2000, step: 2, run_id: runId },
      ],
    });
    return { exp, runId };
  }

  const MODEL_FILES = { MLmodel: 'artifact_path: x\nflavors: {}\n', 'model.pkl': 'pickle', 'sub/extra.txt': 'nested' };

  it.skipIf(skip)(
    'log_model in a run: model created PENDING, linked, history copied, files uploaded, READY',
    async () => {
      const { exp, runId } = await session();
      const model = await api.logModel(runId, 'ridge', MODEL_FILES, [{ key: 'kind', value: 'ridge' }]);
      expect(model.info.model_id).toMatch(/^m-[0-9a-f]{32}$/);
      expect(model.info).toMatchObject({
        experiment_id: exp,
        name: 'ridge',
        status: 'LOGGED_MODEL_READY',
        source_run_id: runId,
        model_type: '',
        artifact_uri: `mlflow-artifacts:/${exp}/models/${model.info.model_id}/artifacts`,
      });
      expect(model.info.last_updated_timestamp_ms).toBeGreaterThanOrEqual(model.info.creation_timestamp_ms);
      expect(kvObject(model.info.tags)).toMatchObject({ kind: 'ridge', 'mlflow.user': 'root' });
      expect(kvObject(model.data.params)).toEqual({ alpha: '0.5', units: '64' });
      // Step 0 history points were re-sent with the model id: the model has them, with run_id.
      expect(model.data.metrics).toEqual([
        { key: 'rmse', value: 0.9, timestamp: 1000, step: 0, model_id: model.info.model_id, run_id: runId },
      ]);
      // Run data and metric history carry no model fields; outputs list the model.
      const run = await api.clientGetRun(runId);
      expect(run.outputs).toEqual({ model_outputs: [{ model_id: model.info.model_id, step: 0 }] });
      expect(run.data.metrics.every((m: any) => !('model_id' in m) && !('run_id' in m))).toBe(true);
      const hist = await api.history(runId, 'rmse');
      expect(hist.metrics).toHaveLength(3);
      expect(hist.metrics.every((m: any) => Object.keys(m).sort().join() === 'key,step,timestamp,value')).toBe(true);
      // The files sit under <exp>/models/<id>/artifacts, listed and served by the proxy.
      const root = `${exp}/models/${model.info.model_id}/artifacts`;
      const listing = await api.listProxied(root);
      expect(listing.files.map((f: any) => f.path)).toEqual(['MLmodel', 'model.pkl', 'sub']);
      expect((await api.download(`${root}/sub/extra.txt`)).text).toBe('nested');
      // Searched runs carry outputs too; an empty run answers outputs: {}.
      const search = await api.searchRuns({ experiment_ids: [exp] });
      expect(search.runs?.[0].outputs.model_outputs[0].model_id).toBe(model.info.model_id);
      const other = await api.createRun(exp);
      expect((await api.clientGetRun(other.info.run_id)).outputs).toEqual({});
    },
  );

  it.skipIf(skip)('model-linked metrics: stored per point with dataset, returned only on the model (§5)', async () => {
    const { runId } = await session();
    const model = await api.logModel(runId, 'ridge', MODEL_FILES);
    const id = model.info.model_id;
    // rec #47-#48: log-inputs with a tag-less dataset and the model, then log-metric with the link.
    await api.okPost('runs/log-inputs', {
      run_id: runId,
      datasets: [{ dataset: { name: 'train', digest: '64519192', source_type: 'code', source: '{}' } }],
      models: [{ model_id: id }],
    });
    await api.okPost('runs/log-inputs', { run_id: runId, models: [{ model_id: id }] });
    // Nothing to log (neither datasets nor models): MLflow 2.x's 400, not a silent no-op.
    expect((await api.post('runs/log-inputs', { run_id: runId })).status).toBe(400);
    await api.okPost('runs/log-metric', {
      run_uuid: runId,
      run_id: runId,
      key: 'val_r2',
      value: 0.93,
      timestamp: 5000,
      step: 0,
      model_id: id,
      dataset_name: 'train',
      dataset_digest: '64519192',
    });
    await api.okPost('runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'val_r2', value: 'NaN', timestamp: 5001, step: 1, model_id: id, run_id: 'ignored' }],
    });
    const got = await api.getModel(id);
    expect(got.data.metrics).toEqual([
      { key: 'rmse', value: 0.9, timestamp: 1000, step: 0, model_id: id, run_id: runId },
      {
        key: 'val_r2',
        value: 0.93,
        timestamp: 5000,
        step: 0,
        dataset_name: 'train',
        dataset_digest: '64519192',
        model_id: id,
        run_id: runId,
      },
      { key: 'val_r2', value: 'NaN', timestamp: 5001, step: 1, model_id: id, run_id: runId },
    ]);
    const run = await api.clientGetRun(runId);
    expect(run.inputs.model_inputs).toEqual([{ model_id: id }]);
    expect(run.inputs.dataset_inputs[0].dataset.name).toBe('train');
    expect(run.data.metrics.find((m: any) => m.key === 'val_r2')).toEqual({
      key: 'val_r2',
      value: 'NaN',
      timestamp: 5001,
      step: 1,
    });
    // An unknown model id is a 404 before anything is written.
    const bad = await api.post('runs/log-batch', {
      run_id: runId,
      metrics: [{ key: 'lost', value: 1, timestamp: 1, step: 0, model_id: 'm-00000000000000000000000000000000' }],
    });
    expectError(
      bad,
      404,
      'RESOURCE_DOES_NOT_EXIST',
      "Logged model with ID 'm-00000000000000000000000000000000' not found.",
    );
    expect((await api.history(runId, 'lost')).metrics).toBeUndefined();
  });

  it.skipIf(skip)(
    'register from the logged model, alias champion, resolve and download by alias (§7.2, §7.3)',
    async () => {
      const { exp, runId } = await session();
      const model = await api.logModel(runId, 'ridge', MODEL_FILES);
      const id = model.info.model_id;
      const name = unique('demo3-model');
      await api.okPost('registered-models/create', { name });
      const created = await api.okPost('model-versions/create', { name, source: `models:/${id}`, model_id: id });
      expect(created.model_version).toMatchObject({
        name,
        version: '1',
        source: `models:/${id}`,
        run_id: runId,
        status: 'READY',
        current_stage: 'None',
      });
      // The server recorded the registration on the model; the client appends its own entry (rec #106).
      const tagged = await api.getModel(id);
      const versions = kvObject(tagged.info.tags)['mlflow.modelVersions'];
      expect(JSON.parse(versions)).toEqual([{ name, version: 1 }]);
      await api.ok('PATCH', `${LM}/${id}/tags`, {
        tags: [
          { key: 'mlflow.modelVersions', value: JSON.stringify([...JSON.parse(versions), { name, version: '1' }]) },
        ],
      });
      expect(JSON.parse(kvObject((await api.getModel(id)).info.tags)['mlflow.modelVersions'])).toHaveLength(2);
      await api.okPost('registered-models/alias', { name, alias: 'champion', version: '1' });
      // load_model("models:/N@champion"): alias -> get -> download URI -> list -> files.
      const byAlias = await api.okGet('registered-models/alias', { name, alias: 'champion' });
      expect(byAlias.model_version.version).toBe('1');
      await api.okGet('registered-models/get', { name });
      const uri = await api.okGet('model-versions/get-download-uri', { name, version: '1' });
      expect(uri.artifact_uri).toBe(`mlflow-artifacts:/${exp}/models/${id}/artifacts`);
      const root = uri.artifact_uri.replace('mlflow-artifacts:/', '');
      const files = await api.listProxied(root);
      expect(files.files.map((f: any) => f.path)).toContain('MLmodel');
      expect((await api.download(`${root}/model.pkl`)).text).toBe('pickle');
      // A version whose source is a models:/name@alias resolves to the same files.
      const chained = await api.okPost('model-versions/create', { name, source: `models:/${name}@champion` });
      expect(
        (await api.okGet('model-versions/get-download-uri', { name, version: chained.model_version.version }))
          .artifact_uri,
      ).toBe(uri.artifact_uri);
      // model_id alone (other source): run_id comes from the model.
      const viaId = await api.okPost('model-versions/create', { name, source: uri.artifact_uri, model_id: id });
      expect(viaId.model_version.run_id).toBe(runId);
    },
  );

  it.skipIf(skip)('register_model("runs:/R/ridge") finds the model by name and source run (§7.2)', async () => {
    const { exp, runId } = await session();
    const model = await api.logModel(runId, 'ridge', MODEL_FILES);
    // The run has no ridge/ folder: the client then searches logged models by name.
    const listing = await api.listProxied(`${exp}/${runId}/artifacts/ridge`);
    expect(listing).toEqual({});
    const found = await api.searchAllModels({ experiment_ids: [exp], filter: "name = 'ridge'" });
    expect(found.filter((m) => m.info.source_run_id === runId).map((m) => m.info.model_id)).toEqual([
      model.info.model_id,
    ]);
  });

  it.skipIf(skip)(
    'list_artifacts(R, "plots") on a run without models: the logged-model search answers {} (§7.4)',
    async () => {
      const { exp, runId } = await session();
      await api.upload(`${exp}/${runId}/artifacts/plots/rmse.png`, Buffer.from([0x89, 0x50]), 'image/png');
      const entries = await api.listProxied(`${exp}/${runId}/artifacts/plots`);
      expect(entries.files).toEqual([{ path: 'rmse.png', is_dir: false, file_size: 2 }]);
      expect(await api.searchModels({ experiment_ids: [exp], filter: "name = 'plots'" })).toEqual({});
      // With a model of that name: its files are listed from the search result's artifact_uri.
      const model = await api.logModel(runId, 'plots', { MLmodel: 'x' });
      const [hit] = (await api.searchModels({ experiment_ids: [exp], filter: "name='plots'" })).models;
      expect(hit.info.model_id).toBe(model.info.model_id);
      const listed = await api.listProxied(hit.info.artifact_uri.replace('mlflow-artifacts:/', ''));
      expect(listed.files.map((f: any) => f.path)).toEqual(['MLmodel']);
    },
  );

  it.skipIf(skip)('logged-model tags, params, artifact listing (L5, L7, L8, L9, files helper)', async () => {
    const { runId } = await session();
    const model = await api.logModel(runId, 'ridge', MODEL_FILES);
    const id = model.info.model_id;
    await api.ok('PATCH', `${LM}/${id}/tags`, { tags: [{ key: 'reviewed', value: 'yes' }] });
    expect(kvObject((await api.getModel(id)).info.tags).reviewed).toBe('yes');
    await api.ok('POST', `${LM}/${id}/params`, { model_id: id, params: [{ key: 'max_iter', value: '100' }] });
    // Same value again is a no-op; a different value is refused (run-param semantics).
    await api.ok('POST', `${LM}/${id}/params`, { model_id: id, params: [{ key: 'max_iter', value: '100' }] });
    const changed = await api.req('POST', `${LM}/${id}/params`, { params: [{ key: 'max_iter', value: '5' }] });
    expectError(changed, 400, 'INVALID_PARAMETER_VALUE', 'Changing param values is not allowed');
    expect(kvObject((await api.getModel(id)).data.params).max_iter).toBe('100');
    const del = await api.req('DELETE', `${LM}/${id}/tags/reviewed`);
    expect(del.status, del.text).toBe(200);
    expect(kvObject((await api.getModel(id)).info.tags).reviewed).toBeUndefined();
    expectError(
      await api.req('DELETE', `${LM}/${id}/tags/reviewed`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `No tag with key 'reviewed' found for model with ID '${id}'.`,
    );
    // An encoded tag key in the path.
    await api.ok('PATCH', `${LM}/${id}/tags`, { tags: [{ key: 'a/b c', value: '1' }] });
    expect((await api.req('DELETE', `${LM}/${id}/tags/${encodeURIComponent('a/b c')}`)).status).toBe(200);
    for (const prefix of ['/api/2.0', '/ajax-api/2.0']) {
      const root = await api.ok('GET', `${prefix}/mlflow/logged-models/${id}/artifacts/directories`);
      expect(root).toEqual({
        root_uri: model.info.artifact_uri,
        files: [
          { path: 'MLmodel', is_dir: false, file_size: MODEL_FILES.MLmodel.length },
          { path: 'model.pkl', is_dir: false, file_size: 6 },
          { path: 'sub', is_dir: true },
        ],
      });
    }
    const sub = await api.ok('GET', `${LM}/${id}/artifacts/directories?artifact_directory_path=sub`);
    expect(sub.files).toEqual([{ path: 'sub/extra.txt', is_dir: false, file_size: 6 }]);
    const file = await fetch(
      `${server.url}/ajax-api/2.0/mlflow/logged-models/${id}/artifacts/files?artifact_file_path=sub/extra.txt`,
    );
    expect(file.status).toBe(200);
    expect(file.headers.get('content-disposition')).toContain('extra.txt');
    expect(await file.text()).toBe('nested');
    expectError(
      await api.req('GET', `${LM}/${id}/artifacts/files`),
      400,
      'INVALID_PARAMETER_VALUE',
      'artifact_file_path',
    );
    expectError(
      await api.req('GET', `${LM}/${id}/artifacts/directories?artifact_directory_path=${encodeURIComponent('../..')}`),
      400,
      'INVALID_PARAMETER_VALUE',
    );
  });

  it.skipIf(skip)('delete is soft: hidden from get and search, artifacts stay; writes then answer 404', async () => {
    const { exp, runId } = await session();
    const model = await api.logModel(runId, 'gone', MODEL_FILES);
    const id = model.info.model_id;
    expect((await api.req('DELETE', `${LM}/${id}`, { model_id: id })).status).toBe(200);
    expectError(
      await api.req('GET', `${LM}/${id}`),
      404,
      'RESOURCE_DOES_NOT_EXIST',
      `Logged model with ID '${id}' not found.`,
    );
    expect((await api.searchModels({ experiment_ids: [exp], filter: "name = 'gone'" })).models).toBeUndefined();
    expect((await api.download(`${exp}/models/${id}/artifacts/model.pkl`)).text).toBe('pickle');
    const fin = await api.req('PATCH', `${LM}/${id}`, { model_id: id, status: 'LOGGED_MODEL_UPLOAD_FAILED' });
    expectError(fin, 404, 'RESOURCE_DOES_NOT_EXIST', `Logged model with ID '${id}' not found.`);
    expectError(await api.req('DELETE', `${LM}/${id}`), 404, 'RESOURCE_DOES_NOT_EXIST');
  });
});
