import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from './support/grid';
import { http, startServer, TestServer } from './support/server';

const DATA = path.join(__dirname, '..', 'data', 'series');
const GRIDS = '/api/v1/training/grid-searches';

describe('a series panel end to end: upload → search across families → champion → /predict → /invocations', () => {
  let server: TestServer;
  let gridId = '';
  beforeAll(async () => {
    // Below the searches' horizon of 14: a series model serves its own horizon regardless.
    server = await startServer({ env: { TSFLOW_MAX_HORIZON: '10' } });
    const body = fs.readFileSync(path.join(DATA, 'store-sales.csv'), 'utf8');
    const put = await http(server.url, 'PUT', '/api/v1/training/datasets/sales?series_id=store&known=promo', body, {
      'content-type': 'text/csv',
    });
    expect(put.status).toBe(200);
  }, 60_000);
  afterAll(async () => {
    await server?.close();
  });
  const api = (method: string, p: string, body?: unknown) => http(server.url, method, p, body);

  it('searches across families and promotes a champion that beats seasonal naive on validation', async () => {
    const sub = await api('POST', GRIDS, {
      experiment_name: 'series-e2e',
      dataset: { name: 'sales' },
      params: { horizon: 14 },
      grid: { model: ['naive', 'seasonal_naive', 'theta', 'ets'] },
      promote: { model_name: 'sales-forecast', policy: 'if_better' },
    });
    expect(sub.status).toBe(202);
    expect(sub.body.candidates).toHaveLength(4);
    gridId = sub.body.job_id;
    const grid = await waitUntil(
      'grid done',
      async () => {
        const g = await api('GET', `${GRIDS}/${gridId}`);
        return ['completed', 'failed'].includes(g.body.state) ? g.body : undefined;
      },
      120_000,
    );
    expect(grid.state).toBe('completed');
    expect(grid.metric).toBe('val_owa');
    expect(grid.promotion.promoted).toBe(true);
    const run = (await http(server.url, 'GET', `/api/2.0/mlflow/runs/get?run_id=${grid.best_run_id}`)).body.run;
    const metric = (k: string) => run.data.metrics.find((m: any) => m.key === k)?.value;
    expect(metric('val_skill')).toBeGreaterThanOrEqual(0);
    for (const k of ['test_smape', 'test_mase', 'test_owa', 'test_msis', 'test_coverage_80', 'val_owa'])
      expect(Number.isFinite(metric(k))).toBe(true);
    const input = run.inputs.dataset_inputs[0].dataset;
    expect(input).toMatchObject({ name: 'sales', source_type: 'tsflow-series' });
    expect(JSON.parse(input.profile)).toMatchObject({ series_count: 4, frequency: 'D' });
    expect(input.digest).toMatch(/^[0-9a-f]{16}$/);
  }, 180_000);

  it('never promotes a family that loses to seasonal naive on validation', async () => {
    const sub = await api('POST', GRIDS, {
      dataset: { name: 'sales' },
      params: { horizon: 7 },
      grid: { model: ['naive'] },
      promote: { model_name: 'sales-naive', policy: 'always' },
    });
    const grid = await waitUntil(
      'grid done',
      async () => {
        const g = await api('GET', `${GRIDS}/${sub.body.job_id}`);
        return ['completed', 'failed'].includes(g.body.state) ? g.body : undefined;
      },
      120_000,
    );
    expect(grid.promotion.promoted).toBe(false);
    expect(grid.promotion.reason).toMatch(/loses to seasonal naive on validation/);
  }, 150_000);

  it('answers /predict per series with intervals per step, and names an unknown series', async () => {
    const champion = async () => {
      const r = await api('POST', '/predict', { model: 'sales-forecast', series_id: 'store-2', horizon: 7 });
      return r.status === 200 ? r : undefined;
    };
    const res = await waitUntil('champion served', champion, 60_000);
    expect(res.body.series_id).toBe('store-2');
    expect(res.body.timestamps).toEqual([
      '2024-07-29',
      '2024-07-30',
      '2024-07-31',
      '2024-08-01',
      '2024-08-02',
      '2024-08-03',
      '2024-08-04',
    ]);
    expect(res.body.predictions).toHaveLength(7);
    expect(res.body.intervals[0].map((i: any) => i.level)).toEqual([0.8, 0.95]);
    expect(res.body.intervals[6][0].lower).toBeLessThan(res.body.predictions[6]);
    const full = await api('POST', '/predict', { model: 'sales-forecast', series_id: 'store-2', horizon: 14 });
    expect(full.status).toBe(200);
    expect(full.body.predictions).toHaveLength(14);
    const beyond = await api('POST', '/predict', { model: 'sales-forecast', series_id: 'store-2', horizon: 15 });
    expect(beyond.status).toBe(400);
    expect(beyond.body.message).toMatch(/from 1 to 14 \(the model's horizon\)/);
    const unknown = await api('POST', '/predict', { model: 'sales-forecast', series_id: 'store-99' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/Unknown series_id 'store-99'/);
  }, 90_000);

  it('answers /invocations on a long-format DataFrame, per series', async () => {
    const rows = [];
    for (const id of ['store-1', 'store-3'])
      for (let d = 0; d < 28; d++)
        rows.push([id, new Date(Date.UTC(2024, 5, 1 + d)).toISOString().slice(0, 10), 100 + (d % 7) * 10]);
    const res = await http(server.url, 'POST', '/invocations?model=sales-forecast', {
      dataframe_split: { columns: ['series_id', 'timestamp', 'target'], data: rows },
      params: { horizon: 3 },
    });
    expect(res.status).toBe(200);
    expect(res.body.predictions).toHaveLength(6);
    expect(res.body.predictions[0]).toMatchObject({ series_id: 'store-1', timestamp: '2024-06-29' });
    expect(Object.keys(res.body.predictions[0])).toEqual(
      expect.arrayContaining(['forecast', 'lower_80', 'upper_80', 'lower_95', 'upper_95']),
    );
    const bad = await http(server.url, 'POST', '/invocations?model=sales-forecast', {
      dataframe_records: [
        { series_id: 'store-1', timestamp: '2024-06-02', target: 1 },
        { series_id: 'store-1', timestamp: '2024-06-01', target: 1 },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(/non-monotonic timestamps/);
  }, 60_000);

  it('monitors the panel champion per series once the dataset grows', async () => {
    const base = fs.readFileSync(path.join(DATA, 'store-sales.csv'), 'utf8').trimEnd().split('\n');
    const lastWeek = (store: string) => base.filter((l) => l.includes(`,${store},`)).slice(-7);
    const extra = ['store-1', 'store-2', 'store-3', 'store-4'].flatMap((store) =>
      lastWeek(store).map((l) => {
        const [date, , sales, promo] = l.split(',');
        const next = new Date(Date.parse(`${date}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
        return `${next},${store},${sales},${promo}`;
      }),
    );
    const put = await http(
      server.url,
      'PUT',
      '/api/v1/training/datasets/sales?series_id=store&known=promo',
      [...base, ...extra].join('\n'),
      { 'content-type': 'text/csv' },
    );
    expect(put.status).toBe(200);
    const created = await api('POST', '/api/v1/monitors', {
      name: 'sales-live',
      model_name: 'sales-forecast',
      dataset: { ticker: 'sales' },
      schedule: { cron: '0 6 * * *', timezone: 'UTC' },
      thresholds: { min_skill: -10 },
    });
    expect(created.status, created.text).toBe(201);
    const check = await api('POST', `/api/v1/monitors/${created.body.monitor.monitor_id}/check`, {
      as_of: '2024-08-05',
    });
    expect(check.status, check.text).toBe(200);
    const report = check.body.check.report;
    expect(report.series.new_steps).toBe(28);
    expect(report.series.series.map((s: any) => s.series_id)).toEqual(['store-1', 'store-2', 'store-3', 'store-4']);
    expect(Number.isFinite(report.series.mase)).toBe(true);
    expect(report.series.coverage).toBeGreaterThanOrEqual(0);
    expect(report.scoring.live_skill).toBe(report.series.skill);
    const retrain = await api('POST', '/api/v1/monitors', {
      name: 'sales-retrain',
      model_name: 'sales-forecast',
      dataset: { ticker: 'sales' },
      schedule: { cron: '0 6 * * *', timezone: 'UTC' },
      retrain: { params: {} },
    });
    expect(retrain.status).toBe(400);
  }, 60_000);

  it('a global model reads the known promo covariate: /predict and /invocations take its future values', async () => {
    const sub = await api('POST', '/api/v1/training/runs', {
      experiment_name: 'series-known',
      dataset: { name: 'sales' },
      params: { model: 'global_mlp', horizon: 7, steps: 200, hidden: 16 },
    });
    expect(sub.status, sub.text).toBe(202);
    const job = await waitUntil(
      'run done',
      async () => {
        const j = (await api('GET', `/api/v1/training/runs/${sub.body.job_id}`)).body;
        return ['completed', 'failed', 'cancelled'].includes(j.state) ? j : undefined;
      },
      120_000,
    );
    expect(job.state).toBe('completed');
    const promoted = await api('POST', '/api/v1/models/sales-promo/champion', { run_id: sub.body.run_id, force: true });
    expect(promoted.status, promoted.text).toBe(200);
    const ask = (body: Record<string, unknown>) =>
      api('POST', '/predict', { model: 'sales-promo', series_id: 'store-1', horizon: 3, ...body });
    const served = await waitUntil(
      'champion served',
      async () => {
        const r = await ask({ known: { promo: [1, 0, 1] } });
        return r.status === 200 ? r : undefined;
      },
      60_000,
    );
    expect(served.body.predictions).toHaveLength(3);
    const missing = await ask({});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/give 3 future value\(s\) of 'promo'/);
    const short = await ask({ known: { promo: [1] } });
    expect(short.status).toBe(400);
    expect(short.body.message).toMatch(/'promo' needs a list of at least 3 finite numbers/);
    const stranger = await ask({ known: { promo: [1, 0, 1], price: [1, 2, 3] } });
    expect(stranger.status).toBe(400);
    expect(stranger.body.message).toMatch(/Unknown known covariate 'price': this model reads 'promo'/);
    const notSeries = await api('POST', '/predict', { model: 'sales-promo', values: [1, 2], known: { promo: [1] } });
    expect(notSeries.status).toBe(400);
    const rows = Array.from({ length: 28 }, (_, d) => [
      'store-2',
      new Date(Date.UTC(2024, 5, 1 + d)).toISOString().slice(0, 10),
      100 + (d % 7) * 10,
    ]);
    const frame = { dataframe_split: { columns: ['series_id', 'timestamp', 'target'], data: rows } };
    const inv = await http(server.url, 'POST', '/invocations?model=sales-promo', {
      ...frame,
      params: { horizon: 2, known: { promo: [0, 1] } },
    });
    expect(inv.status, inv.text).toBe(200);
    expect(inv.body.predictions).toHaveLength(2);
    const invMissing = await http(server.url, 'POST', '/invocations?model=sales-promo', {
      ...frame,
      params: { horizon: 2 },
    });
    expect(invMissing.status).toBe(400);
    expect(invMissing.body.message).toMatch(/'promo'/);
  }, 240_000);

  it('refuses a horizon longer than the validation part, an unknown family and halving, creating nothing', async () => {
    const cases: [unknown, RegExp][] = [
      [{ horizon: 14, validation_steps: 7 }, /'horizon' \(14\) is longer than the validation part/],
      [{ model: 'prophet' }, /'model' must be one of/],
      [{ transform: 'sqrt' }, /'transform' must be one of none, log, log1p, diff/],
    ];
    for (const [params, message] of cases) {
      const res = await api('POST', '/api/v1/training/runs', { dataset: { name: 'sales' }, params });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    }
    const halving = await api('POST', GRIDS, { dataset: { name: 'sales' }, grid: {}, strategy: 'halving' });
    expect(halving.status).toBe(400);
    const missing = await api('POST', '/api/v1/training/runs', { dataset: { name: 'no-such' } });
    expect(missing.status).toBe(404);
    const both = await api('POST', '/api/v1/training/runs', { dataset: { name: 'sales', ticker: 'MSFT' } });
    expect(both.status).toBe(400);
  });
});
