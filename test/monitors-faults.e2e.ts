import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, champion, submitGrid, waitForGrid } from './support/grid';
import {
  checkNow,
  createMonitor,
  monitorDataDir,
  registerModel,
  TINY_RETRAIN,
  trainChampion,
} from './support/monitors';
import { startServer, TestServer } from './support/server';

/**
 * Issue 21: a check dated before the champion's training end retrained and replaced a newer
 * champion with one trained on older data; a monitor without thresholds said "all thresholds met".
 * Embedded mode (sqlite, no Redis); needs `npm run build` first (the compiled processor).
 */
describe('monitor faults (issue 21)', () => {
  let server: TestServer;
  let dataDir: string;
  const api = apiOf(() => server.url);
  const MODEL = 'monitor-faults';

  beforeAll(async () => {
    dataDir = monitorDataDir();
    server = await startServer({ env: { TSFLOW_DATA_DIR: dataDir } });
    await trainChampion(api, MODEL); // data through 2021-12-31
  }, 120_000);

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a monitor with every threshold unset says so, whatever the drift', async () => {
    const m = await createMonitor(api, {
      name: 'no-thresholds',
      model_name: MODEL,
      dataset: { ticker: 'MSFT', source: 'csv' },
      schedule: { cron: '0 0 1 1 *', timezone: 'UTC' },
    });
    const check = await checkNow(api, m.monitor_id, '2022-03-01');
    expect(check.decision).toBe('none');
    expect(check.reasons).toEqual(['no thresholds set: nothing can trigger a retrain']);
  }, 60_000);

  it('a check dated before the champion training end neither retrains nor replaces it', async () => {
    const m = await createMonitor(api, {
      name: 'too-early',
      model_name: MODEL,
      dataset: { ticker: 'MSFT', source: 'csv' },
      schedule: { cron: '0 0 1 1 *', timezone: 'UTC' },
      thresholds: { retrain_every_days: 1, max_psi: 0.0001 },
      retrain: { ...TINY_RETRAIN, policy: 'always' },
    });
    const check = await checkNow(api, m.monitor_id, '2021-10-01');
    expect(check.decision).toBe('none');
    expect(check.retrain_job_id ?? null).toBeNull();
    expect(check.report.days_since_training).toBe(-91);
    expect(check.reasons[0]).toMatch(/^as_of is 91 day\(s\) before the champion's training end/);
    expect((await champion(api, MODEL))!.version).toBe('1');
  }, 60_000);

  it("a retrain trained on older data never replaces the champion, even with policy 'always'", async () => {
    const sub = await submitGrid(api, {
      experiment_name: 'monitor-faults-old',
      dataset: { ticker: 'MSFT', source: 'sample', start_date: '2020-06-01', end_date: '2021-06-30' },
      params: { units: 4, epochs: 1, layers: 1, batch_size: 32, patience: 5, seed: 3, dropout: 0, seq_length: 5 },
      grid: { seed: [3] },
      promote: { model_name: MODEL, policy: 'always' },
    });
    const grid = await waitForGrid(api, sub.job_id, 90_000);
    expect(grid.state).toBe('completed');
    expect(grid.promotion).toMatchObject({ promoted: false, champion_version: '1' });
    expect(grid.promotion.reason).toBe(
      "champion v1 was trained on data through 2021-12-31, newer than the candidate's 2021-06-30: a model trained " +
        'on older data never replaces it',
    );
    expect((await champion(api, MODEL))!.version).toBe('1');
  }, 120_000);

  it("the README's monitor example offline: a 400 with the reason (Yahoo cannot load), not a 503", async () => {
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Monitors: keeping champions fresh'));
    const body = JSON.parse(/-XPOST localhost:5000\/api\/v1\/monitors -H '[^']*' -d '([^']*)'/.exec(section)![1]);
    expect(body.dataset).toEqual({ ticker: 'MSFT', source: 'yahoo' });
    await registerModel(api, body.model_name);
    const res = await api('POST', '/api/v1/monitors', body);
    expect([res.status, res.body.error_code], res.text).toEqual([400, 'INVALID_PARAMETER_VALUE']);
    expect(res.body.message).toMatch(
      /^The monitor's data source cannot load now, so the monitor was not created: Yahoo/,
    );
    expect((await api('GET', '/api/v1/monitors')).body.monitors.map((m: any) => m.name)).not.toContain(body.name);
  }, 60_000);
});
