import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startServer, TestServer } from './support/server';
import { logModelRun, promote, removeTinyModels, TinyModel, trainTinyModel, waitFor } from './support/serving';
import { TEST_REDIS_URL } from './support/redis';

const REDIS_URL = TEST_REDIS_URL;

/** `name{labels} value` lines of a Prometheus text exposition → value by series key. */
function parseMetrics(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*(?:\{.*\})?) (\S+)$/.exec(line);
    if (m) out.set(m[1], Number(m[2]));
  }
  return out;
}

describe('GET /metrics (Prometheus)', () => {
  let server: TestServer;
  let tiny: TinyModel;
  const values = [410, 412, 409, 415, 418];
  const scrape = async () => {
    const r = await http(server.url, 'GET', '/metrics');
    expect(r.status).toBe(200);
    return { text: r.text, series: parseMetrics(r.text), contentType: r.headers.get('content-type') };
  };

  beforeAll(async () => {
    tiny = await trainTinyModel({ seed: 3 });
    // BullMQ with no worker: a submitted job stays queued, which makes the job gauges exact.
    server = await startServer({
      env: { REDIS_URL, TSFLOW_REDIS_PREFIX: `tsflow-metrics-${randomUUID()}`, TSFLOW_DEFAULT_MODEL: 'm' },
    });
  });

  afterAll(async () => {
    tiny?.predictor.dispose();
    await server?.close();
    removeTinyModels();
  });

  it('exposes every series with zero or empty values before traffic', async () => {
    const { text, series, contentType } = await scrape();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of [
      'http_request_duration_seconds',
      'tsflow_prediction_duration_seconds',
      'tsflow_champion_version',
      'tsflow_model_loads_total',
      'tsflow_training_jobs',
      'tsflow_queue_depth',
    ]) {
      expect(text).toContain(`# TYPE ${name} `);
    }
    for (const state of ['queued', 'running', 'completed', 'failed', 'cancelled'])
      expect(series.get(`tsflow_training_jobs{kind="run",state="${state}"}`)).toBe(0);
    expect(series.get('tsflow_queue_depth{state="waiting"}')).toBe(0);
    expect(series.get('tsflow_queue_depth{state="active"}')).toBe(0);
    expect(series.get('process_cpu_user_seconds_total')).toBeGreaterThan(0);
  });

  it('counts requests per route pattern, predictions, champion version, loads, jobs and queue depth', async () => {
    const good = await logModelRun(server.url, tiny.dir);
    await promote(server.url, 'm', good);
    await waitFor(async () => (await http(server.url, 'POST', '/predict', { values })).status === 200, 'version 1');
    await promote(server.url, 'm', await logModelRun(server.url, null)); // fails to load
    await waitFor(
      async () => (await scrape()).series.get('tsflow_model_loads_total{model="m",result="failure"}') === 1,
      'the failed load',
    );
    await promote(server.url, 'm', good); // the run's version 1 again (a promotion reuses it): loads
    await waitFor(
      async () => (await http(server.url, 'POST', '/predict', { values })).body?.model?.version === '1',
      'version 1 again',
    );

    const before = (await scrape()).series;
    const ok = (k: string) => before.get(k) ?? 0;
    for (let i = 0; i < 20; i++) expect((await http(server.url, 'POST', '/predict', { values })).status).toBe(200);
    expect((await http(server.url, 'POST', '/predict', { values: [1] })).status).toBe(400);
    expect((await http(server.url, 'GET', '/no/such/path/123')).status).toBe(404);
    expect((await http(server.url, 'GET', '/api/v1/models/m/champion')).status).toBe(200);
    const job = await http(server.url, 'POST', '/api/v1/training/runs', {
      dataset: { ticker: 'MSFT', source: 'sample' },
      params: { epochs: 1 },
    });
    expect(job.status, job.text).toBe(202);

    const { text, series } = await scrape();
    const predictOk = 'http_request_duration_seconds_count{method="POST",route="/predict",status="200"}';
    expect(series.get(predictOk)! - ok(predictOk)).toBe(20);
    expect(series.get('http_request_duration_seconds_count{method="POST",route="/predict",status="400"}')).toBe(1);
    // Route patterns, never raw URLs: bounded label values.
    expect(
      series.get(
        'http_request_duration_seconds_count{method="GET",route="/api/v1/models/:name/champion",status="200"}',
      ),
    ).toBe(1);
    expect(series.get('http_request_duration_seconds_count{method="GET",route="unmatched",status="404"}')).toBe(1);
    expect(text).not.toContain('/no/such/path');
    expect(
      series.get('http_request_duration_seconds_bucket{le="+Inf",method="POST",route="/predict",status="200"}'),
    ).toBe(series.get(predictOk));

    const predictions = 'tsflow_prediction_duration_seconds_count{model="m"}';
    expect(series.get(predictions)! - ok(predictions)).toBe(20); // the 400 never reached the model
    const mean =
      (series.get('tsflow_prediction_duration_seconds_sum{model="m"}')! -
        ok('tsflow_prediction_duration_seconds_sum{model="m"}')) /
      20;
    expect(mean).toBeGreaterThan(0);
    expect(mean).toBeLessThan(0.5);

    expect(series.get('tsflow_champion_version{model="m"}')).toBe(1);
    // Version 1 was still being served (version 2 never loaded): moving back to it loads nothing.
    expect(series.get('tsflow_model_loads_total{model="m",result="success"}')).toBe(1);
    expect(series.get('tsflow_model_loads_total{model="m",result="failure"}')).toBe(1);
    expect(series.get('tsflow_training_jobs{kind="run",state="queued"}')).toBe(1);
    expect(series.get('tsflow_training_jobs{kind="run",state="completed"}')).toBe(0);
    expect(series.get('tsflow_queue_depth{state="waiting"}')).toBe(1);
    expect(series.get('tsflow_queue_depth{state="active"}')).toBe(0);
  });
});
