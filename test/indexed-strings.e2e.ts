import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import { BACKENDS } from './support/tracking';

const API = '/api/2.0/mlflow';
/**
 * Over Postgres' btree limit (~2,704 bytes per index row): what used to be a 500. Random letters,
 * because Postgres compresses a repetitive value below the limit before indexing it.
 */
const LONG = randomBytes(2400).toString('base64url');

/**
 * Every string that reaches an indexed column (src/database/migrations) is bounded at the edge with
 * MLflow's limits and messages: a 4xx on every store, never `index row size exceeds btree maximum`.
 */
describe.each(BACKENDS)('issue 21 long strings into indexed columns ($db)', ({ db, skip }) => {
  let s: TestServer;
  let exp: string;
  let run: string;
  let model: string;
  const call = (method: string, path: string, body?: unknown) => http(s.url, method, path, body);

  beforeAll(async () => {
    if (skip) return;
    s = await startServer({ database: db });
    exp = (await call('POST', `${API}/experiments/create`, { name: `long-${db}` })).body.experiment_id;
    run = (await call('POST', `${API}/runs/create`, { experiment_id: exp })).body.run.info.run_id;
    await call('POST', `${API}/registered-models/create`, { name: 'long-m' });
    await call('POST', `${API}/model-versions/create`, { name: 'long-m', source: `runs:/${run}/model` });
    model = (await call('POST', `${API}/logged-models`, { experiment_id: exp })).body.model.model_id;
  }, 120_000);
  afterAll(async () => s?.close());

  const cases = (): [string, string, unknown][] => [
    ['POST', `${API}/experiments/create`, { name: LONG }],
    ['POST', `${API}/experiments/update`, { experiment_id: exp, new_name: LONG }],
    ['POST', `${API}/experiments/set-experiment-tag`, { experiment_id: exp, key: LONG, value: 'v' }],
    ['POST', `${API}/runs/create`, { experiment_id: exp, tags: [{ key: LONG, value: 'v' }] }],
    ['POST', `${API}/runs/log-batch`, { run_id: run, params: [{ key: LONG, value: 'v' }] }],
    ['POST', `${API}/runs/log-batch`, { run_id: run, metrics: [{ key: LONG, value: 1, timestamp: 1, step: 0 }] }],
    ['POST', `${API}/runs/log-batch`, { run_id: run, tags: [{ key: LONG, value: 'v' }] }],
    ['POST', `${API}/runs/log-metric`, { run_id: run, key: 'm', value: 1, timestamp: 1, model_id: LONG }],
    [
      'POST',
      `${API}/runs/log-inputs`,
      { run_id: run, datasets: [{ dataset: { name: LONG, digest: 'd', source_type: 'local', source: 's' } }] },
    ],
    [
      'POST',
      `${API}/runs/log-inputs`,
      { run_id: run, datasets: [{ dataset: { name: 'n', digest: LONG, source_type: 'local', source: 's' } }] },
    ],
    [
      'POST',
      `${API}/runs/log-inputs`,
      {
        run_id: run,
        datasets: [
          { dataset: { name: 'n', digest: 'd', source_type: 'local', source: 's' }, tags: [{ key: LONG, value: 'v' }] },
        ],
      },
    ],
    ['POST', `${API}/runs/log-inputs`, { run_id: run, models: [{ model_id: LONG }] }],
    ['POST', `${API}/runs/outputs`, { run_id: run, models: [{ model_id: LONG, step: 0 }] }],
    ['POST', `${API}/logged-models`, { experiment_id: exp, source_run_id: LONG }],
    ['POST', `${API}/logged-models`, { experiment_id: exp, name: LONG }],
    ['POST', `${API}/logged-models`, { experiment_id: exp, tags: [{ key: LONG, value: 'v' }] }],
    ['POST', `${API}/logged-models`, { experiment_id: exp, params: [{ key: LONG, value: 'v' }] }],
    ['PATCH', `${API}/logged-models/${model}/tags`, { tags: [{ key: LONG, value: 'v' }] }],
    ['POST', `${API}/registered-models/create`, { name: LONG }],
    ['POST', `${API}/registered-models/rename`, { name: 'long-m', new_name: LONG }],
    ['POST', `${API}/registered-models/set-tag`, { name: 'long-m', key: LONG, value: 'v' }],
    ['POST', `${API}/model-versions/create`, { name: 'long-m', source: `runs:/${run}/model`, run_id: LONG }],
    ['POST', `${API}/model-versions/set-tag`, { name: 'long-m', version: '1', key: LONG, value: 'v' }],
    ['POST', `${API}/registered-models/alias`, { name: 'long-m', alias: LONG, version: '1' }],
    ['POST', `/api/v1/models/${LONG}/champion`, { run_id: run }],
    [
      'POST',
      '/api/3.0/mlflow/traces',
      {
        trace: {
          trace_info: {
            trace_id: `tr-${LONG}`,
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: '2026-11-30T06:56:39.616Z',
            state: 'OK',
          },
        },
      },
    ],
    [
      'POST',
      '/api/3.0/mlflow/traces',
      {
        trace: {
          trace_info: {
            trace_id: 'tr-de9951df7861dd31cd0be00e5902989c',
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: '2026-11-30T06:56:39.616Z',
            state: 'OK',
            tags: { [LONG]: 'v' },
          },
        },
      },
    ],
    [
      'POST',
      '/api/3.0/mlflow/traces',
      {
        trace: {
          trace_info: {
            trace_id: 'tr-de9951df7861dd31cd0be00e5902989d',
            trace_location: { type: 'MLFLOW_EXPERIMENT', mlflow_experiment: { experiment_id: exp } },
            request_time: '2026-11-30T06:56:39.616Z',
            state: 'OK',
            trace_metadata: { [LONG]: 'v' },
          },
        },
      },
    ],
    ['POST', `${API}/traces/link-to-run`, { trace_ids: ['tr-de9951df7861dd31cd0be00e5902989c'], run_id: LONG }],
    [
      'POST',
      '/api/v1/training/grid-searches',
      { dataset: { ticker: LONG, start_date: '2023-01-01', end_date: '2024-01-01', source: 'sample' }, grid: {} },
    ],
    ['PUT', `/api/v1/training/datasets/${LONG}`, 'Date,Close\n2024-01-02,1\n'],
    [
      'POST',
      '/api/v1/monitors',
      {
        name: LONG,
        model_name: 'long-m',
        dataset: { ticker: 'MSFT', source: 'sample' },
        schedule: { cron: '0 0 * * *' },
      },
    ],
  ];

  it.skipIf(skip)(
    'answers a 4xx naming the field, and stores nothing',
    async () => {
      const failures: string[] = [];
      for (const [method, path, body] of cases()) {
        const res = await call(method, path, body);
        const label = `${method} ${path.replace(LONG, '<3000>').slice(0, 80)} ${JSON.stringify(body).replace(LONG, '<3000>').slice(0, 160)}`;
        if (res.status < 400 || res.status >= 500) failures.push(`${res.status} ${label}: ${res.text.slice(0, 200)}`);
      }
      expect(failures).toEqual([]);
    },
    120_000,
  );

  it.skipIf(skip)('a logged model source_run_id must be a run id of a run here (RESOURCE_DOES_NOT_EXIST)', async () => {
    const missing = await call('POST', `${API}/logged-models`, { experiment_id: exp, source_run_id: 'f'.repeat(32) });
    expect([missing.status, missing.body.error_code]).toEqual([404, 'RESOURCE_DOES_NOT_EXIST']);
    expect(missing.body.message).toBe(`Run with id=${'f'.repeat(32)} not found`);
    const bad = await call('POST', `${API}/logged-models`, { experiment_id: exp, source_run_id: '../x' });
    expect([bad.status, bad.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(bad.body.message).toContain("'source_run_id'");
    const ok = await call('POST', `${API}/logged-models`, { experiment_id: exp, source_run_id: run });
    expect(ok.status).toBe(200);
    expect(ok.body.model.info.source_run_id).toBe(run);
    const long = await call('POST', `${API}/registered-models/create`, { name: 'n'.repeat(257) });
    expect([long.status, long.body.message]).toEqual([400, "'name' exceeds the maximum length of 256 characters"]);
    const out = await call('POST', `${API}/runs/outputs`, { run_id: run, models: [{ model_id: 'x', step: 0 }] });
    expect([out.status, out.body.error_code]).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(out.body.message).toContain("'models[0].model_id'");
  });
});
