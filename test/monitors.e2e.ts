import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, champion, getRun, tagsOf, waitForGrid } from './support/grid';
import {
  checkNow,
  createMonitor,
  metricHistory,
  monitorDataDir,
  MONITORS,
  msftDates,
  TINY_RETRAIN,
  trainChampion,
} from './support/monitors';
import { TEST_POSTGRES_URL } from './support/postgres';
import { startServer, TestServer } from './support/server';
import { startWorkers, TEST_REDIS_URL, uniquePrefix, WorkerPool } from './support/workers';

/** sqlite and Postgres in the embedded mode; with Postgres, also the scaled-out mode (Redis, BullMQ, two workers). */
const MODES = [
  { name: 'sqlite', database: 'sqlite' as const, redis: false },
  ...(TEST_POSTGRES_URL
    ? [
        { name: 'postgres', database: 'postgres' as const, redis: false },
        { name: 'bullmq', database: 'postgres' as const, redis: true },
      ]
    : []),
];

/**
 * The embedded mode (no Redis) end to end: a champion trained on MSFT 2021, a monitor replayed
 * day by day over 2022 with `as_of`, live scoring on exactly the new days, drift numbers,
 * a retrain decided by a threshold and executed as a grid search with `if_better`.
 * Needs `npx tsc -p tsconfig.build.json` first (the embedded driver runs the compiled processor).
 */
describe.each(MODES)('monitors: $name', ({ name: database, database: db, redis }) => {
  let server: TestServer;
  let pool: WorkerPool | undefined;
  let dataDir: string;
  const api = apiOf(() => server.url);
  const MODEL = `monitored-${database}`;
  let monitor: any;

  beforeAll(async () => {
    dataDir = monitorDataDir();
    const prefix = uniquePrefix('monitor-flow');
    const env: Record<string, string> = { TSFLOW_DATA_DIR: dataDir };
    if (redis) Object.assign(env, { REDIS_URL: TEST_REDIS_URL, TSFLOW_REDIS_PREFIX: prefix });
    server = await startServer({ database: db, env });
    if (redis) {
      pool = startWorkers({ count: 2, config: server.config, prefix });
      await pool.ready();
    }
    await trainChampion(api, MODEL);
  }, 120_000);

  afterAll(async () => {
    await pool?.cleanup();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('creates a monitor and shows it', async () => {
    monitor = await createMonitor(api, {
      name: `msft-${database}`,
      model_name: MODEL,
      dataset: { ticker: 'MSFT', source: 'sample' },
      schedule: { cron: '30 18 * * 1-5', timezone: 'America/New_York' },
      thresholds: { max_psi: 8, max_ks: 0.99 },
      retrain: TINY_RETRAIN,
    });
    expect(monitor).toMatchObject({
      model_name: MODEL,
      paused: false,
      schedule: { cron: '30 18 * * 1-5', timezone: 'America/New_York' },
      thresholds: { max_psi: 8, max_ks: 0.99, min_scored_days: 5, skill_window_days: 20, min_skill: null },
      retrain: { policy: 'if_better', lookback_days: 400 },
      checks: [],
      last_check: null,
    });
    expect(monitor.next_check_at).toBeGreaterThan(Date.now());
    const list = await api('GET', MONITORS);
    expect(list.body.monitors.map((m: any) => m.monitor_id)).toContain(monitor.monitor_id);
  });

  it('scores the champion on exactly the new days, check after check', async () => {
    const first = await checkNow(api, monitor.monitor_id, '2022-01-14');
    const expected1 = msftDates('2021-12-31', '2022-01-14');
    expect(first).toMatchObject({ status: 'succeeded', trigger: 'manual', as_of: '2022-01-14', decision: 'none' });
    expect(first.report.champion).toMatchObject({ version: '1', training_end: '2021-12-31' });
    expect(first.report.scoring).toMatchObject({
      new_days: expected1.length,
      first_date: expected1[0],
      last_date: expected1.at(-1),
      scored_days_total: expected1.length,
    });
    expect(first.report.scoring.live_mae).toBeGreaterThan(0);
    expect(Number.isFinite(first.report.scoring.live_skill)).toBe(true);
    // The champion (a return model) has prediction intervals: their live coverage is measured.
    expect(first.report.scoring.interval_coverage).toBeGreaterThanOrEqual(0);
    expect(first.report.scoring.interval_coverage).toBeLessThanOrEqual(1);
    for (const f of ['returns', 'volume']) {
      const d = first.report.drift[f];
      expect(d.psi).toBeGreaterThanOrEqual(0);
      expect(d.ks).toBeGreaterThan(0);
      expect(d.ks).toBeLessThanOrEqual(1);
      expect(d.recent_n).toBe(60);
    }
    expect(first.report.drift.reference.first_date >= '2021-01-01').toBe(true);

    // Same as_of again: nothing new to score.
    const again = await checkNow(api, monitor.monitor_id, '2022-01-14');
    expect(again.report.scoring.new_days).toBe(0);

    const second = await checkNow(api, monitor.monitor_id, '2022-01-21');
    const expected2 = msftDates('2022-01-14', '2022-01-21');
    expect(second.report.scoring).toMatchObject({
      new_days: expected2.length,
      first_date: expected2[0],
      scored_days_total: expected1.length + expected2.length,
    });

    // The live errors are MLflow metrics of the monitoring run, one point per day, linked by tags.
    const runId = first.report.champion.monitoring_run_id;
    expect(second.report.champion.monitoring_run_id).toBe(runId);
    const points = await metricHistory(api, runId, 'live_abs_error');
    expect(points.map((p) => new Date(Number(p.timestamp)).toISOString().slice(0, 10))).toEqual([
      ...expected1,
      ...expected2,
    ]);
    expect(points.map((p) => Number(p.step))).toEqual([...expected1, ...expected2].map((_, i) => i));
    const run = await getRun(api, runId);
    expect(tagsOf(run)).toMatchObject({
      'tsflow.monitor.id': monitor.monitor_id,
      'tsflow.model.name': MODEL,
      'tsflow.model.version': '1',
    });
    // The report and the plot are artifacts of that run.
    const files = await api('GET', `/api/2.0/mlflow/artifacts/list?run_id=${runId}&path=monitor/checks/2022-01-21`);
    expect(files.body.files.map((f: any) => path.basename(f.path)).sort()).toEqual(['live_error.svg', 'report.json']);

    // Prometheus: the gauges carry the latest check's numbers.
    const metrics = (await api('GET', '/metrics')).text;
    const labels = `monitor="msft-${database}",model="${MODEL}"`;
    const gauge = (name: string, extra = '') =>
      Number(new RegExp(`^${name}\\{${labels}${extra}\\} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(gauge('tsflow_monitor_live_skill')).toBeCloseTo(second.report.scoring.live_skill, 6);
    expect(gauge('tsflow_monitor_live_mae')).toBeCloseTo(second.report.scoring.live_mae, 6);
    expect(gauge('tsflow_monitor_drift', ',feature="volume",statistic="psi"')).toBeCloseTo(
      second.report.drift.volume.psi,
      6,
    );
    expect(gauge('tsflow_monitor_scored_days')).toBe(expected1.length + expected2.length);
    expect(gauge('tsflow_monitor_last_check_success')).toBe(1);
    expect(gauge('tsflow_monitor_last_decision_retrain')).toBe(0);
    expect(Date.now() / 1000 - gauge('tsflow_monitor_last_check_timestamp_seconds')).toBeLessThan(60);

    const got = await api('GET', `${MONITORS}/${monitor.monitor_id}`);
    expect(got.body.monitor.checks.map((c: any) => c.as_of)).toEqual(['2022-01-21', '2022-01-14', '2022-01-14']);
    expect(got.body.monitor.state).toMatchObject({
      champion_version: '1',
      scored_through: expected2.at(-1),
      scored_days: expected1.length + expected2.length,
    });
  });

  it('retrains when a threshold says so, through a grid search promoted by if_better', async () => {
    const patched = await api('PATCH', `${MONITORS}/${monitor.monitor_id}`, { thresholds: { max_new_days: 10 } });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.body.monitor.thresholds).toMatchObject({ max_new_days: 10, max_psi: 8 });

    const check = await checkNow(api, monitor.monitor_id, '2022-01-28');
    expect(check.decision).toBe('retrain');
    expect(check.reasons[0]).toMatch(/^enough new days: \d+ scored days >= 10$/);
    expect(check.retrain_job_id).toMatch(/^grid-/);
    const grid = await waitForGrid(api, check.retrain_job_id, 120_000);
    expect(grid.state).toBe('completed');
    expect(grid.promotion).toMatchObject({ policy: 'if_better', model_name: MODEL });

    // The retrain trained on data up to the check's as_of date, over the lookback.
    const candidate = await api('GET', `/api/2.0/mlflow/runs/get?run_id=${grid.best_run_id}`);
    const source = JSON.parse(candidate.body.run.inputs.dataset_inputs[0].dataset.source);
    expect(source).toMatchObject({ start_date: '2020-12-24', end_date: '2022-01-28' });

    // A retrain in flight blocks another; once final, the next check follows the champion.
    const next = await checkNow(api, monitor.monitor_id, '2022-02-04');
    const current = await champion(api, MODEL);
    // The first check after the retrain ended reports its outcome.
    expect(next.report.previous_retrain).toEqual({
      job_id: check.retrain_job_id,
      state: 'completed',
      promoted: grid.promotion.promoted,
      reason: grid.promotion.reason,
      new_version: grid.promotion.new_version,
    });
    expect(check.report.previous_retrain).toBeNull();
    expect(next.report.champion.version).toBe(current!.version);
    if (grid.promotion.promoted) {
      expect(current!.version).toBe('2');
      // A new champion: a new monitoring run, scored from its own training end.
      expect(next.report.champion.training_end).toBe('2022-01-28');
      expect(next.report.scoring.new_days).toBe(msftDates('2022-01-28', '2022-02-04').length);
      expect(next.report.champion.monitoring_run_id).not.toBe(check.report.champion.monitoring_run_id);
    } else {
      expect(current!.version).toBe('1');
      expect(next.report.scoring.new_days).toBe(msftDates('2022-01-28', '2022-02-04').length);
    }

    // That check may have started the next retrain (the cooldown had passed): let it end first.
    if (next.retrain_job_id) await waitForGrid(api, next.retrain_job_id, 120_000);

    // Degradation and drift over their thresholds retrain too, with the numbers in the reasons.
    const strict = await api('PATCH', `${MONITORS}/${monitor.monitor_id}`, {
      thresholds: { max_new_days: 10000, min_skill: 0.99, min_scored_days: 1, max_psi: 0.0001, cooldown_days: 0 },
    });
    expect(strict.status, strict.text).toBe(200);
    const drifted = await checkNow(api, monitor.monitor_id, '2022-02-11');
    expect(drifted.decision, JSON.stringify({ reasons: drifted.reasons, report: drifted.report })).toBe('retrain');
    expect(drifted.reasons.some((r: string) => /^live skill -?\d+\.\d{4} over the last 20 days < 0\.99$/.test(r))).toBe(
      true,
    );
    expect(drifted.reasons).toContain(`drift: returns PSI ${drifted.report.drift.returns.psi.toFixed(4)} > 0.0001`);
    expect(drifted.reasons.join(' ')).not.toMatch(/enough new days/);
    expect((await waitForGrid(api, drifted.retrain_job_id, 120_000)).state).toBe('completed');
  }, 240_000);

  it('a failing data source is a failed check; the champion keeps serving', async () => {
    const csv = path.join(dataDir, 'LIVE.csv');
    fs.copyFileSync(path.join(dataDir, 'MSFT.csv'), csv);
    const m = await createMonitor(api, {
      name: `gone-${database}`,
      model_name: MODEL,
      dataset: { ticker: 'MSFT', source: 'csv', path: 'LIVE.csv' },
      schedule: { cron: '0 6 * * *' },
    });
    fs.rmSync(csv);
    const check = await checkNow(api, m.monitor_id, '2022-02-11');
    expect(check.status).toBe('failed');
    expect(check.error).toMatch(/Unknown csv dataset 'LIVE.csv'/);
    const predicted = await api('POST', '/predict', { model: MODEL, date: '2022-02-11' });
    expect(predicted.status, predicted.text).toBe(200);
    expect((await api('DELETE', `${MONITORS}/${m.monitor_id}`)).status).toBe(200);
    expect((await api('GET', `${MONITORS}/${m.monitor_id}`)).status).toBe(404);
  }, 60_000);

  it('rejects bad input with clear 4xx messages', async () => {
    const base = {
      name: `bad-${database}`,
      model_name: MODEL,
      dataset: { ticker: 'MSFT', source: 'sample' },
      schedule: { cron: '0 6 * * *', timezone: 'UTC' },
    };
    const cases: [Record<string, unknown>, number, RegExp][] = [
      [{ schedule: { cron: '61 * * * *' } }, 400, /Invalid schedule: Invalid cron expression '61 \* \* \* \*'/],
      [{ schedule: { cron: '* * *' } }, 400, /expected 5 fields/],
      [{ schedule: { cron: '0 6 * * *', timezone: 'Mars/Olympus' } }, 400, /Unknown time zone 'Mars\/Olympus'/],
      [{ model_name: 'no-such-model' }, 404, /Registered model 'no-such-model' not found/],
      [{ thresholds: { max_psi: -1 } }, 400, /Invalid thresholds.max_psi -1/],
      [{ thresholds: { max_ks: 2 } }, 400, /Invalid thresholds.max_ks 2/],
      [{ thresholds: { min_scored_days: 0 } }, 400, /thresholds.min_scored_days/],
      [{ retrain: { params: { units: -3 } } }, 400, /units/],
      [{ retrain: { metric: 'accuracy' } }, 400, /Invalid metric 'accuracy'/],
      [{ dataset: { ticker: 'NOPE', source: 'sample' } }, 400, /Unknown sample dataset/],
      [{ name: 'has space' }, 400, /Invalid monitor name/],
      [{ schedule: undefined }, 400, /schedule/],
    ];
    for (const [override, status, message] of cases) {
      const res = await api('POST', MONITORS, { ...base, ...override });
      expect(res.status, `${JSON.stringify(override)} → ${res.text}`).toBe(status);
      expect(res.body.message).toMatch(message);
      expect(res.body.error_code).toBeTruthy();
    }
    const dup = await api('POST', MONITORS, { ...base, name: `msft-${database}` });
    expect(dup.status).toBe(400);
    expect(dup.body.error_code).toBe('RESOURCE_ALREADY_EXISTS');
    const badDate = await api('POST', `${MONITORS}/${monitor.monitor_id}/check`, { as_of: '2022-13-01' });
    expect(badDate.status).toBe(400);
    expect((await api('POST', `${MONITORS}/mon-nope/check`, {})).status).toBe(404);
    const badPatch = await api('PATCH', `${MONITORS}/${monitor.monitor_id}`, { schedule: { cron: 'nope' } });
    expect(badPatch.status).toBe(400);
    // Pause: no next check.
    const paused = await api('PATCH', `${MONITORS}/${monitor.monitor_id}`, { paused: true });
    expect(paused.body.monitor).toMatchObject({ paused: true, next_check_at: null });
  });
});
