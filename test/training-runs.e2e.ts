import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';

const FIXTURES = path.join(__dirname, 'fixtures');
const TINY = { seq_length: 5, units: 4, epochs: 2, batch_size: 32, seed: 7 };
const SAMPLE = { ticker: 'MSFT', source: 'sample', start_date: '2023-01-01', end_date: '2024-06-30' };

async function waitForJob(base: string, jobId: string, timeoutMs = 60_000): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const res = await http(base, 'GET', `/api/v1/training/runs/${jobId}`);
    expect(res.status).toBe(200);
    if (['completed', 'failed', 'cancelled'].includes(res.body.state)) return res.body;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${res.body.state}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const mlflow = (base: string, method: string, p: string, body?: unknown) =>
  http(base, method, `/api/2.0/mlflow${p}`, body);

describe('training runs over REST (embedded driver)', () => {
  let server: TestServer;
  let csvDir: string;
  beforeAll(async () => {
    // A data directory of our own: the bundled MSFT sample plus a CSV with a broken cell.
    server = await startServer({ env: { TSFLOW_YAHOO_REPLAY_DIR: path.join(FIXTURES, 'yahoo') } });
    csvDir = path.join(server.dir, 'data');
    fs.mkdirSync(csvDir);
    fs.copyFileSync(path.join(__dirname, '..', 'data', 'MSFT.csv'), path.join(csvDir, 'MSFT.csv'));
    fs.copyFileSync(path.join(FIXTURES, 'csv', 'bad-cell.csv'), path.join(csvDir, 'bad-cell.csv'));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('trains a tiny model on a bundled sample into a complete MLflow run', async () => {
    const sub = await http(server.url, 'POST', '/api/v1/training/runs', {
      experiment_name: 'train-e2e',
      dataset: SAMPLE,
      params: TINY,
    });
    expect(sub.status).toBe(202);
    expect(sub.body).toEqual({
      job_id: expect.stringMatching(/^run-/),
      run_id: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    const job = await waitForJob(server.url, sub.body.job_id);
    expect(job).toMatchObject({ state: 'completed', progress: 1, run_id: sub.body.run_id });

    const { body } = await mlflow(server.url, 'GET', `/runs/get?run_id=${job.run_id}`);
    const run = body.run;
    expect(run.info.status).toBe('FINISHED');
    const metrics = Object.fromEntries(run.data.metrics.map((m: any) => [m.key, m.value]));
    for (const key of [
      'val_mae',
      'val_rmse',
      'val_mape',
      'test_mae',
      'test_rmse',
      'test_mape',
      'naive_val_mae',
      'naive_test_mae',
      'naive_test_rmse',
      'naive_test_mape',
      'test_skill',
    ]) {
      expect(Number.isFinite(metrics[key]), key).toBe(true);
    }
    expect(metrics.test_skill).toBeCloseTo(1 - metrics.test_mae / metrics.naive_test_mae, 9);
    const params = Object.fromEntries(run.data.params.map((p: any) => [p.key, p.value]));
    expect(params).toMatchObject({ seq_length: '5', units: '4', epochs: '2', ticker: 'MSFT', data_source: 'sample' });
    expect(params.engine).toBe('fused');
    const tags = Object.fromEntries(run.data.tags.map((t: any) => [t.key, t.value]));
    expect(tags['tsflow.engine']).toBe('fused');
    expect(tags['tsflow.backend']).toBe('fused-wasm-simd');
    expect(run.inputs.dataset_inputs[0].dataset).toMatchObject({ source_type: 'sample', digest: expect.any(String) });

    const history = await mlflow(server.url, 'GET', `/metrics/get-history?run_id=${job.run_id}&metric_key=loss`);
    expect(history.body.metrics.map((m: any) => m.step)).toEqual([1, 2]);

    const listing = await http(
      server.url,
      'GET',
      `/api/2.0/mlflow-artifacts/artifacts?path=${encodeURIComponent(run.info.artifact_uri.replace('mlflow-artifacts:/', ''))}`,
    );
    expect(listing.body.files.map((f: any) => f.path).sort()).toEqual(['data_quality.json', 'model', 'plots']);
    const base = `/api/2.0/mlflow-artifacts/artifacts/${run.info.artifact_uri.replace('mlflow-artifacts:/', '')}`;
    const mlmodel = await http(server.url, 'GET', `${base}/model/MLmodel`);
    expect(mlmodel.text).toContain('tfjs');
    expect(mlmodel.text).toContain(job.run_id);
    const svg = await http(server.url, 'GET', `${base}/plots/test_predictions.svg`);
    expect(svg.text.trimStart()).toMatch(/^<svg/);
    expect(svg.headers.get('content-type')).toContain('image/svg+xml');
    // Viewable in a browser straight from the download URL, with scripts blocked.
    expect(svg.headers.get('content-disposition')).toBe('inline; filename=test_predictions.svg');
    expect(svg.headers.get('content-security-policy')).toContain('sandbox');
    const report = await http(server.url, 'GET', `${base}/data_quality.json`);
    expect(report.body).toMatchObject({ strategy: 'ffill', input_rows: expect.any(Number) });
  });

  it('replays recorded Yahoo responses, caches the bars and refuses unknown tickers', async () => {
    const dataset = { ticker: 'MSFT', source: 'yahoo', start_date: '2021-02-01', end_date: '2022-01-28' };
    const sub = await http(server.url, 'POST', '/api/v1/training/runs', { dataset, params: TINY });
    expect(sub.status).toBe(202);
    const job = await waitForJob(server.url, sub.body.job_id);
    expect(job.state).toBe('completed');
    const run = (await mlflow(server.url, 'GET', `/runs/get?run_id=${job.run_id}`)).body.run;
    const rows = run.data.tags.find((t: any) => t.key === 'tsflow.data.rows').value;
    expect(Number(rows)).toBe(252);

    const unknown = await http(server.url, 'POST', '/api/v1/training/runs', {
      dataset: { ...dataset, ticker: 'NOPE' },
      params: TINY,
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(unknown.body.message).toContain('NOPE');
    expect(unknown.body.message).toContain('2021-02-01');
  });

  it('cancels a queued or running job and marks its run KILLED', async () => {
    const sub = await http(server.url, 'POST', '/api/v1/training/runs', {
      dataset: SAMPLE,
      // tfjs: the fused engine could finish 200 tiny epochs before the DELETE arrives.
      params: { ...TINY, epochs: 200, patience: 200, engine: 'tfjs' },
    });
    expect(sub.status).toBe(202);
    const cancel = await http(server.url, 'DELETE', `/api/v1/training/runs/${sub.body.job_id}`);
    expect(cancel.status).toBe(200);
    expect(cancel.body.state).toBe('cancelled');
    const deadline = Date.now() + 60_000;
    let status = '';
    while (Date.now() < deadline) {
      status = (await mlflow(server.url, 'GET', `/runs/get?run_id=${sub.body.run_id}`)).body.run.info.status;
      if (status === 'KILLED') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(status).toBe('KILLED');
  });

  it.each([
    ['unknown parameter', { dataset: SAMPLE, params: { unitz: 3 } }, /unitz.*allowed/],
    ['horizon 0', { dataset: SAMPLE, params: { horizon: 0 } }, /horizon/],
    ['negative horizon', { dataset: SAMPLE, params: { horizon: -2 } }, /horizon/],
    ['dropout 1', { dataset: SAMPLE, params: { dropout: 1 } }, /dropout/],
    ['units 0', { dataset: SAMPLE, params: { units: 0 } }, /units/],
    [
      'unknown engine',
      { dataset: SAMPLE, params: { engine: 'torch' } },
      /engine must be one of fused, tfjs, got "torch"/,
    ],
    [
      'a shape the fused engine cannot hold',
      { dataset: SAMPLE, params: { seq_length: 500, units: 512, layers: 4, batch_size: 4096 } },
      /engine fused: batch_size 4096 x seq_length 500 x units 512 x layers 4 needs \d+ MiB.*use engine tfjs/,
    ],
    [
      'seq_length larger than the data',
      { dataset: { ...SAMPLE, start_date: '2024-06-01' }, params: { seq_length: 200 } },
      /seq_length|window|small/i,
    ],
    [
      'empty date range',
      { dataset: { ...SAMPLE, start_date: '2024-06-30', end_date: '2024-01-01' }, params: TINY },
      /Empty date range/,
    ],
    [
      'no bars in range',
      { dataset: { ...SAMPLE, start_date: '1900-01-01', end_date: '1900-02-01' }, params: TINY },
      /No daily bars/,
    ],
    ['unknown sample', { dataset: { ticker: 'ZZZZ', source: 'sample' }, params: TINY }, /ZZZZ/],
    ['bad date', { dataset: { ...SAMPLE, start_date: '2024-13-45' }, params: TINY }, /start_date/],
    ['missing dataset', { params: TINY }, /dataset/],
    ['params not an object', { dataset: SAMPLE, params: [1, 2] }, /params/],
    [
      'path traversal in csv path',
      { dataset: { ticker: 'X', source: 'csv', path: '../../etc/passwd' }, params: TINY },
      /data directory/,
    ],
  ])('rejects %s with 400', async (_name, body, message) => {
    const res = await http(server.url, 'POST', '/api/v1/training/runs', body);
    expect(res.status).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toMatch(message);
  });

  it('names the line and column of a non-numeric CSV cell', async () => {
    const s2 = await startServer({ env: { TSFLOW_DATA_DIR: csvDir } });
    try {
      const res = await http(s2.url, 'POST', '/api/v1/training/runs', {
        dataset: { ticker: 'bad-cell', source: 'csv' },
        params: TINY,
      });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/bad-cell\.csv.*line 3.*close/i);
      const ok = await http(s2.url, 'POST', '/api/v1/training/runs', {
        dataset: { ticker: 'MSFT', source: 'csv', start_date: '2023-01-01' },
        params: { ...TINY, epochs: 1 },
      });
      expect(ok.status).toBe(202);
      expect((await waitForJob(s2.url, ok.body.job_id)).state).toBe('completed');
    } finally {
      await s2.close();
    }
  });

  it('trains on a CSV uploaded over REST, and names the broken cell of a bad upload', async () => {
    const csv = fs.readFileSync(path.join(__dirname, '..', 'data', 'MSFT.csv'), 'utf8').split('\n');
    const body = [csv[0], ...csv.slice(-400)].join('\n');
    const put = await http(server.url, 'PUT', '/api/v1/training/datasets/msft-upload', body, {
      'content-type': 'text/csv',
    });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ name: 'msft-upload', rows: 400, last_date: '2024-07-26' });
    const list = await http(server.url, 'GET', '/api/v1/training/datasets');
    expect(list.body.datasets.map((d: any) => d.name)).toContain('msft-upload');

    const sub = await http(server.url, 'POST', '/api/v1/training/runs', {
      dataset: { ticker: 'msft-upload', source: 'csv' },
      params: { ...TINY, epochs: 1 },
    });
    expect(sub.status).toBe(202);
    const job = await waitForJob(server.url, sub.body.job_id);
    expect(job.state).toBe('completed');
    const run = (await mlflow(server.url, 'GET', `/runs/get?run_id=${job.run_id}`)).body.run;
    expect(run.inputs.dataset_inputs[0].dataset.source).toContain('tsflow-upload://msft-upload');

    const bad = fs.readFileSync(path.join(FIXTURES, 'csv', 'bad-cell.csv'), 'utf8');
    const rejected = await http(server.url, 'PUT', '/api/v1/training/datasets/broken', bad, {
      'content-type': 'text/csv',
    });
    expect(rejected.status).toBe(400);
    expect(rejected.body.message).toMatch(/line 3.*close/i);
    const badName = await http(server.url, 'PUT', '/api/v1/training/datasets/..%2Fx', bad, {
      'content-type': 'text/csv',
    });
    expect(badName.status).toBe(400);
  });

  it('answers 404 for an unknown job', async () => {
    const res = await http(server.url, 'GET', '/api/v1/training/runs/run-nope');
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('RESOURCE_DOES_NOT_EXIST');
  });
});
