import * as fs from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import { expectError, TrackingApi, unique } from './support/tracking';

/**
 * Issue 21: the behaviours MLflow 2.12's own REST tests assert (tests/tracking/test_rest_tracking.py,
 * tests/tracking/test_mlflow_artifacts.py) that tsflow answered differently.
 */
describe('MLflow REST test-suite parity', () => {
  let s: TestServer;
  let api: TrackingApi;
  const madeDirs: string[] = [];

  beforeAll(async () => {
    s = await startServer();
    api = new TrackingApi(s.url);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    for (const d of madeDirs) fs.rmSync(d, { recursive: true, force: true });
  });

  it('a relative artifact_location resolves against the working directory (test_create_get_search_experiment)', async () => {
    const rel = unique('tsflow-rel-location');
    madeDirs.push(path.resolve(rel));
    const id = await api.createExperiment(unique('My Experiment'), { artifact_location: rel });
    expect((await api.getExperiment(id)).artifact_location).toBe(path.join(process.cwd(), rel));
    // Runs write there and read it back.
    const run = await api.createRun(id);
    const up = await fetch(`${s.url}/ajax-api/2.0/mlflow/upload-artifact?run_uuid=${run.info.run_id}&path=a.txt`, {
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'application/octet-stream' },
    });
    expect(up.status).toBe(200);
    expect(fs.readFileSync(path.join(process.cwd(), rel, run.info.run_id, 'artifacts', 'a.txt'), 'utf8')).toBe('hello');
    // What already holds files (the working directory, its source tree) or climbs out stays refused.
    for (const bad of ['.', 'src', 'src/main.ts', '../elsewhere', 'node_modules']) {
      const res = await api.post('experiments/create', { name: unique('bad'), artifact_location: bad });
      expectError(res, 400, 'INVALID_PARAMETER_VALUE', /not inside a local artifact root/);
    }
  });

  it('path validation comes first, also behind a double slash (test_path_validation)', async () => {
    const exp = await api.createExperiment();
    const run = (await api.createRun(exp)).info.run_id;
    const invalid = { error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' };
    const urls = [
      `/api/2.0/mlflow/artifacts/list?run_id=${run}&path=../path`,
      `/get-artifact?run_id=${run}&path=../path`,
      '//model-versions/get-artifact?name=model&version=1&path=../path',
      '/model-versions/get-artifact?name=model&version=1&path=../path',
    ];
    for (const url of urls) {
      const res = await http(s.url, 'GET', url);
      expect([url, res.status, res.body]).toEqual([url, 400, invalid]);
    }
    // A good path on an unknown version is still the version's 404.
    expect((await http(s.url, 'GET', '//model-versions/get-artifact?name=model&version=1&path=MLmodel')).status).toBe(
      404,
    );
  });

  it('model-versions/create accepts an artifacts:/ source as MLflow does', async () => {
    const exp = await api.createExperiment();
    const run = (await api.createRun(exp)).info.run_id;
    const name = unique('artifacts-source');
    await api.okPost('registered-models/create', { name });
    const source = `artifacts:/${exp}/${run}/artifacts`;
    const created = await api.okPost('model-versions/create', { name, source, run_id: run });
    expect(created.model_version).toMatchObject({ name, source, run_id: run, version: '1' });
    // Recorded, never fetched by the server: downloading from it answers as for any other remote scheme.
    const dl = await http(s.url, 'GET', `/model-versions/get-artifact?name=${name}&version=1&path=MLmodel`);
    expectError(dl, 501, 'NOT_IMPLEMENTED', "scheme 'artifacts' cannot be served by this server");
  });

  it('log-inputs with only run_id wants datasets (MLflow 2.x); models-only inputs (3.x) still work', async () => {
    const exp = await api.createExperiment();
    const run = (await api.createRun(exp)).info.run_id;
    for (const body of [{ run_id: run }, { run_id: run, datasets: [] }]) {
      expectError(
        await api.post('runs/log-inputs', body),
        400,
        'INVALID_PARAMETER_VALUE',
        "Missing value for required parameter 'datasets'",
      );
    }
    expect((await api.post('runs/log-inputs', { run_id: run, models: [{ model_id: 'm-0123' }] })).status).toBe(200);
  });

  it.each([
    ['mlproject', 'text/plain'],
    ['MLproject', 'text/plain'],
    ['MLmodel', 'text/plain'],
    ['b.pkl', 'application/octet-stream'],
    ['c.png', 'image/png'],
  ])('%s downloads as %s (test_mime_type_for_download_artifacts_api)', async (name, type) => {
    const put = await fetch(`${s.url}/api/2.0/mlflow-artifacts/artifacts/dir/${name}`, { method: 'PUT', body: 'x' });
    expect(put.status).toBe(200);
    const res = await fetch(`${s.url}/api/2.0/mlflow-artifacts/artifacts/dir/${name}`);
    expect(res.headers.get('content-type')).toBe(type);
    await res.text();
  });
});

describe('prompt-lab runs and the gateway proxy (MLflow UI helpers)', () => {
  let s: TestServer;
  let withGateway: TestServer;
  let gateway: Server;
  const seen: { method: string; url: string; body: string }[] = [];
  const PL = '/ajax-api/2.0/mlflow/runs/create-promptlab-run';
  const GW = '/ajax-api/2.0/mlflow/gateway-proxy';

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', url: req.url ?? '', body });
        if (req.url?.startsWith('/fail')) {
          res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
          return;
        }
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ endpoints: [{ name: 'chat' }] }));
      });
    });
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve));
    const { port } = gateway.address() as AddressInfo;
    s = await startServer();
    withGateway = await startServer({ env: { MLFLOW_DEPLOYMENTS_TARGET: `http://127.0.0.1:${port}` } });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    await withGateway?.close();
    gateway?.close();
  });

  it('create-promptlab-run refuses incomplete requests with MLflow messages, in its order', async () => {
    const full: Record<string, unknown> = {
      experiment_id: '123',
      prompt_template: 'my_prompt_template',
      prompt_parameters: [{ key: 'my_key', value: 'my_value' }],
      model_route: 'my_route',
      model_input: 'my_input',
      mlflow_version: '1.0.0',
    };
    const body: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(full)) {
      const res = await http(s.url, 'POST', PL, body);
      expectError(res, 400, 'INVALID_PARAMETER_VALUE', `CreatePromptlabRun request must specify ${key}.`);
      body[key] = value;
    }
    // Complete but for an unknown experiment: the experiment's 404, no run.
    expect((await http(s.url, 'POST', PL, body)).status).toBe(404);
    // Served under /ajax-api only, as MLflow does.
    expect((await http(s.url, 'POST', '/api/2.0/mlflow/runs/create-promptlab-run', body)).status).toBe(404);
  });

  it('create-promptlab-run records a finished run with params, tags, the eval table and a model', async () => {
    const api = new TrackingApi(s.url);
    const exp = await api.createExperiment(unique('log inputs test'));
    const res = await http(s.url, 'POST', PL, {
      experiment_id: exp,
      run_name: 'my_run_name',
      prompt_template: 'my_prompt_template',
      prompt_parameters: [{ key: 'my_key', value: 'my_value' }],
      model_route: 'my_route',
      model_parameters: [{ key: 'temperature', value: '0.1' }],
      model_input: 'my_input',
      model_output: 'my_output',
      model_output_parameters: [{ key: 'latency', value: '100' }],
      mlflow_version: '1.0.0',
      user_id: 'username',
      start_time: 456,
    });
    expect(res.status, res.text).toBe(200);
    const run = res.body.run;
    expect(run.info).toMatchObject({
      run_name: 'my_run_name',
      experiment_id: exp,
      user_id: 'username',
      status: 'FINISHED',
      start_time: 456,
    });
    expect(run.data.params).toEqual(
      expect.arrayContaining([
        { key: 'model_route', value: 'my_route' },
        { key: 'prompt_template', value: 'my_prompt_template' },
        { key: 'temperature', value: '0.1' },
      ]),
    );
    expect(run.data.tags).toEqual(
      expect.arrayContaining([
        { key: 'mlflow.loggedArtifacts', value: '[{"path": "eval_results_table.json", "type": "table"}]' },
        { key: 'mlflow.runSourceType', value: 'PROMPT_ENGINEERING' },
      ]),
    );
    const table = await http(s.url, 'GET', `/get-artifact?run_id=${run.info.run_id}&path=eval_results_table.json`);
    expect(JSON.parse(table.text)).toEqual({
      columns: ['my_key', 'prompt', 'output', 'latency'],
      data: [['my_value', 'my_input', 'my_output', '100']],
    });
    const mlmodel = await http(s.url, 'GET', `/get-artifact?run_id=${run.info.run_id}&path=model/MLmodel`);
    expect(mlmodel.text).toContain(`run_id: ${run.info.run_id}`);
    const history = run.data.tags.find((t: any) => t.key === 'mlflow.log-model.history');
    expect(JSON.parse(history.value)[0]).toMatchObject({ artifact_path: 'model', run_id: run.info.run_id });
  });

  it('gateway-proxy without a gateway answers as an empty one (MLflow: no MLFLOW_DEPLOYMENTS_TARGET)', async () => {
    expect((await http(s.url, 'POST', GW, {})).body).toEqual({ endpoints: [] });
    expect((await http(s.url, 'GET', `${GW}?gateway_path=api/2.0/endpoints/`)).body).toEqual({ endpoints: [] });
  });

  it('gateway-proxy with a gateway: gateway_path required, forwarded below the target only', async () => {
    expectError(
      await http(withGateway.url, 'POST', GW, {}),
      400,
      'INVALID_PARAMETER_VALUE',
      'Deployments proxy request must specify a gateway_path.',
    );
    const ok = await http(withGateway.url, 'POST', GW, {
      gateway_path: 'endpoints/chat/invocations',
      json_data: { prompt: 'hi' },
    });
    expect([ok.status, ok.body]).toEqual([200, { endpoints: [{ name: 'chat' }] }]);
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/endpoints/chat/invocations', body: '{"prompt":"hi"}' });
    const got = await http(withGateway.url, 'GET', `${GW}?gateway_path=api/2.0/endpoints/`);
    expect([got.status, seen.at(-1)?.url]).toEqual([200, '/api/2.0/endpoints/']);
    // A leading // or a URL stays below the target (no other origin is ever reached); `..` is refused.
    await http(withGateway.url, 'POST', GW, { gateway_path: '//evil.example/x' });
    expect(seen.at(-1)?.url).toBe('/evil.example/x');
    for (const bad of ['../admin', 'a/../../b']) {
      const before = seen.length;
      expectError(await http(withGateway.url, 'POST', GW, { gateway_path: bad }), 400, 'INVALID_PARAMETER_VALUE');
      expect(seen.length).toBe(before);
    }
    const failed = await http(withGateway.url, 'POST', GW, { gateway_path: 'fail' });
    expectError(failed, 400, 'INVALID_PARAMETER_VALUE', 'Deployments proxy request failed with error code 404');
  });
});
