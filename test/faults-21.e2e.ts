import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import { DEFAULT_PARAMS } from '../src/training/core/models/hyperparams';
import {
  logModelRun,
  promote as promoteRun,
  removeTinyModels,
  TinyModel,
  trainTinyModel,
  waitFor,
} from './support/serving';
import { BACKENDS } from './support/tracking';

const API = '/api/2.0/mlflow';
const BAD_INTEGERS = ['Infinity', '-Infinity', '1e999', 'NaN', '99999999999999999999', '1.5', '-1', '0x10'];

describe.each(BACKENDS)('issue 21 integer parameters ($db)', ({ db, skip }) => {
  let s: TestServer;
  const call = (method: string, path: string, body?: unknown) => http(s.url, method, path, body);

  beforeAll(async () => {
    if (!skip) s = await startServer({ database: db });
  }, 120_000);
  afterAll(async () => s?.close());

  it.skipIf(skip)(
    'every integer query parameter refuses non-finite and out-of-range values with a 400 naming it',
    async () => {
      const run = (await call('POST', `${API}/runs/create`, { experiment_id: '0' })).body.run.info.run_id;
      const routes: [string, string][] = [
        ['/api/v1/monitors?offset=', 'offset'],
        ['/api/v1/monitors?max_results=', 'max_results'],
        ['/api/v1/monitors/nope?max_checks=', 'max_checks'],
        ['/api/v1/training/grid-searches?offset=', 'offset'],
        ['/api/v1/training/grid-searches?max_results=', 'max_results'],
        [`/ajax-api/2.0/mlflow/metrics/get-history-bulk?run_id=${run}&metric_key=m&max_results=`, 'max_results'],
        [`${API}/experiments/search?max_results=`, 'max_results'],
        [`${API}/registered-models/search?max_results=`, 'max_results'],
        [`${API}/model-versions/search?max_results=`, 'max_results'],
        [`${API}/metrics/get-history?run_id=${run}&metric_key=m&max_results=`, 'max_results'],
      ];
      for (const [route, param] of routes) {
        for (const bad of BAD_INTEGERS) {
          const res = await call('GET', `${route}${encodeURIComponent(bad)}`);
          expect([res.status, res.body?.error_code], `${route}${bad}`).toEqual([400, 'INVALID_PARAMETER_VALUE']);
          expect(res.body.message, `${route}${bad}`).toContain(param);
        }
      }
      expect((await call('GET', '/api/v1/monitors?offset=0&max_results=5')).status).toBe(200);
      expect((await call('GET', '/api/v1/monitors?offset=2147483647')).status).toBe(200);
    },
  );

  it.skipIf(skip)('integer body fields refuse JSON numbers that overflow to Infinity', async () => {
    for (const [path, field] of [
      [`${API}/runs/search`, '"experiment_ids":["0"],"max_results"'],
      [`${API}/experiments/search`, '"max_results"'],
      [`${API}/logged-models/search`, '"experiment_ids":["0"],"max_results"'],
      ['/api/3.0/mlflow/traces/search', '"locations":[],"max_results"'],
    ]) {
      for (const bad of ['1e999', '-1e999', '1.5e300']) {
        const res = await call('POST', path, `{${field}: ${bad}}`);
        expect([res.status, res.body?.error_code], `${path} ${bad}`).toEqual([400, 'INVALID_PARAMETER_VALUE']);
        expect(res.body.message, `${path} ${bad}`).toContain('max_results');
      }
    }
  });
});

describe('issue 21 manual champion promotion below the persistence floor (sqlite)', () => {
  let s: TestServer;
  const call = (method: string, path: string, body?: unknown) => http(s.url, method, path, body);
  const runWith = async (metrics: Record<string, number>) => {
    const run = (await call('POST', `${API}/runs/create`, { experiment_id: '0' })).body.run.info.run_id as string;
    const list = Object.entries(metrics).map(([key, value]) => ({ key, value, timestamp: 1, step: 0 }));
    expect((await call('POST', `${API}/runs/log-batch`, { run_id: run, metrics: list })).status).toBe(200);
    return run;
  };
  const promote = (model: string, body: unknown) => call('POST', `/api/v1/models/${model}/champion`, body);

  beforeAll(async () => {
    s = await startServer();
  }, 120_000);
  afterAll(async () => s?.close());

  it('refuses a run that loses significantly to persistence unless force is given, and records the force', async () => {
    const loser = await runWith({ test_skill: -0.31, test_dm_pvalue: 0.001, val_skill: 0.02 });
    const refused = await promote('floor-m', { run_id: loser });
    expect([refused.status, refused.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(refused.body.message).toContain('loses significantly to persistence');
    expect(refused.body.message).toContain('test_skill=-0.31');
    expect(refused.body.message).toContain('"force": true');
    // Nothing changed: no model, no version.
    expect((await call('GET', `${API}/registered-models/get?name=floor-m`)).status).toBe(404);

    const forced = await promote('floor-m', { run_id: loser, force: true });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ forced: true, champion: { version: '1' }, floor: { passed: false } });
    const version = (await call('GET', `${API}/model-versions/get?name=floor-m&version=1`)).body.model_version;
    expect(version.tags.find((t: { key: string }) => t.key === 'tsflow.champion.forced')?.value).toContain(
      'loses significantly to persistence',
    );
    const run = (await call('GET', `${API}/runs/get?run_id=${loser}`)).body.run;
    expect(run.data.tags.some((t: { key: string }) => t.key === 'tsflow.champion.forced')).toBe(true);
  });

  it('checks promotion by version too, and lets runs that are not significantly worse (or have no test metrics) through', async () => {
    const fine = await runWith({ test_skill: -0.05, test_dm_pvalue: 0.4 });
    const ok = await promote('floor-v', { run_id: fine });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ forced: false, floor: { passed: true } });
    const bare = await runWith({ val_mae: 1 });
    expect((await promote('floor-v', { run_id: bare })).body).toMatchObject({ forced: false, floor: null });

    const loser = await runWith({ test_skill: -0.2, test_dm_pvalue: 0.01 });
    const v = { name: 'floor-v', source: `runs:/${loser}/model`, run_id: loser };
    expect((await call('POST', `${API}/model-versions/create`, v)).status).toBe(200);
    const byVersion = await promote('floor-v', { version: '3' });
    expect([byVersion.status, byVersion.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect((await call('GET', '/api/v1/models/floor-v/champion')).body.champion.version).toBe('2');
    expect((await promote('floor-v', { version: '3', force: true })).body).toMatchObject({ forced: true });
  });
});

describe('issue 21 a non-tsflow champion (sqlite, poll every 150 ms)', () => {
  let s: TestServer;
  let dir: string;
  const call = (method: string, p: string, body?: unknown) => http(s.url, method, p, body);

  beforeAll(async () => {
    s = await startServer({ env: { TSFLOW_CHAMPION_POLL_MS: '150' } });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-sklearn-'));
    fs.writeFileSync(
      path.join(dir, 'MLmodel'),
      'flavors:\n  python_function:\n    loader_module: mlflow.sklearn\n  sklearn:\n    pickled_model: model.pkl\n',
    );
    fs.writeFileSync(path.join(dir, 'model.pkl'), Buffer.from([0x80, 0x04, 0x95]));
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is reported once (a warning), in /health and in every scoring answer, not logged on every poll', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const error = vi.spyOn(Logger.prototype, 'error');
    const mentions = (spy: typeof warn) => spy.mock.calls.filter((c) => String(c[0]).includes("'sk-model'")).length;
    try {
      await promoteRun(s.url, 'sk-model', await logModelRun(s.url, dir));
      await waitFor(async () => (await call('GET', '/health')).text.includes('sk-model'), '/health to name the model');
      // Twelve polls or more: the failure is retried quietly.
      await new Promise((r) => setTimeout(r, 2000));
      expect(mentions(error)).toBe(0);
      expect(mentions(warn)).toBe(1);
      expect(String(warn.mock.calls.find((c) => String(c[0]).includes("'sk-model'"))?.[0])).toContain(
        'no runtime here serves flavors [python_function, sklearn',
      );

      const health = await call('GET', '/health');
      expect(health.status).toBe(200);
      expect(health.text).toMatch(/^DEGRADED\n/);
      expect(health.text).toContain('no runtime here serves flavors');
      for (const res of [
        await call('POST', '/predict', { model: 'sk-model', values: [1, 2, 3] }),
        await call('POST', '/invocations?model=sk-model', { inputs: [[1, 2, 3]] }),
      ]) {
        expect([res.status, res.body.error_code]).toEqual([503, 'TEMPORARILY_UNAVAILABLE']);
        expect(res.body.message).toContain('no runtime here serves flavors');
      }
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  }, 60_000);
});

describe('issue 21 /invocations model in the body, and Swagger examples valid for the default model (sqlite)', () => {
  let s: TestServer;
  let tiny: TinyModel;
  const call = (method: string, p: string, body?: unknown) => http(s.url, method, p, body);

  beforeAll(async () => {
    s = await startServer();
    // The default formulation and window (return target, default seq_length): what the examples must fit.
    tiny = await trainTinyModel({ target: 'return', seq_length: DEFAULT_PARAMS.seq_length });
    for (const name of ['inv-a', 'inv-b']) await promoteRun(s.url, name, await logModelRun(s.url, tiny.dir));
    const ready = async () =>
      ((await call('GET', '/api/v1/serving/models')).body.models ?? []).filter((m: any) => m.status === 'ready');
    await waitFor(async () => (await ready()).length === 2, 'two models loaded', 60_000);
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    removeTinyModels();
  });

  it('reads "model" beside the input key, agrees with ?model=, and names both ways when it is missing', async () => {
    const inputs = [tiny.predictor.preprocessing.last_window.values.map((row) => row[0])];
    const missing = await call('POST', '/invocations', { inputs });
    expect([missing.status, missing.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(missing.body.message).toContain('Several models are served (inv-a, inv-b)');
    expect(missing.body.message).toContain('a top-level "model" key of the JSON body');
    expect(missing.body.message).toContain('?model=');

    const byBody = await call('POST', '/invocations', { model: 'inv-b', inputs });
    const byQuery = await call('POST', '/invocations?model=inv-b', { inputs });
    expect(byBody.status, byBody.text).toBe(200);
    expect(byBody.body).toEqual(byQuery.body);
    expect((await call('POST', '/invocations?model=inv-b', { model: 'inv-b', inputs })).status).toBe(200);
    const conflict = await call('POST', '/invocations?model=inv-a', { model: 'inv-b', inputs });
    expect([conflict.status, conflict.body.message]).toEqual([
      400,
      'The model is named twice and differently: ?model=inv-a and "model": "inv-b".',
    ]);
    expect((await call('POST', '/invocations', { model: 7, inputs })).body.message).toBe(
      "Body key 'model' must be given once, as a string.",
    );
    const unknown = await call('POST', '/invocations', { model: 'nope', inputs });
    expect([unknown.status, unknown.body.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
  });

  it('the Swagger examples of /predict and /invocations are answered 200 by a default-parameter model', async () => {
    const doc = (await call('GET', '/docs/openapi.json')).body;
    const predict = doc.paths['/predict'].post.requestBody.content['application/json'].examples;
    for (const key of ['values', 'valuesHorizon']) {
      const example = predict[key].value;
      expect(example.values).toHaveLength(DEFAULT_PARAMS.seq_length + 1);
      const res = await call('POST', '/predict', { model: 'inv-a', ...example });
      expect(res.status, `${key}: ${res.text}`).toBe(200);
    }
    const invocations = doc.paths['/invocations'].post.requestBody.content['application/json'].schema.example;
    const res = await call('POST', '/invocations?model=inv-a', invocations);
    expect(res.status, res.text).toBe(200);
    expect(res.body.predictions).toHaveLength(1);
  });
});
