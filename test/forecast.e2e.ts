import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, getRun, metricsOf, submitGrid, tagsOf, tinyGrid, waitForGrid } from './support/grid';
import { http, startServer, TestServer } from './support/server';
import { msftBars, promote } from './support/serving';

/**
 * Honest forecasts end to end (issue 10): a default training run (return target) logs
 * baselines, significance and interval metrics, serves intervals on /predict and
 * /invocations, exogenous series are fetched again at predict time, selection refuses test
 * metrics, and the promotion floor keeps a model that loses to persistence out.
 * Grids need `npx tsc -p tsconfig.build.json` first (the compiled processor).
 */
describe('honest forecasts over REST', () => {
  let server: TestServer;
  const api = apiOf(() => server.url);
  const MSFT = { ticker: 'MSFT', source: 'sample', start_date: '2019-01-01', end_date: '2024-06-30' };
  const TINY = { seq_length: 10, units: 4, epochs: 2, seed: 7 };

  async function train(body: Record<string, unknown>): Promise<string> {
    const sub = await api('POST', '/api/v1/training/runs', { experiment_name: 'forecast-e2e', ...body });
    expect(sub.status, sub.text).toBe(202);
    const deadline = Date.now() + 90_000;
    for (;;) {
      const job = await api('GET', `/api/v1/training/runs/${sub.body.job_id}`);
      if (job.body.state === 'completed') return job.body.run_id;
      if (['failed', 'cancelled'].includes(job.body.state)) throw new Error(JSON.stringify(job.body));
      if (Date.now() > deadline) throw new Error('training timed out');
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async function expect400(method: string, path: string, body: unknown, message: RegExp): Promise<void> {
    const res = await api(method, path, body);
    expect(res.status, res.text).toBe(400);
    expect(res.body.error_code).toBe('INVALID_PARAMETER_VALUE');
    expect(res.body.message).toMatch(message);
  }

  beforeAll(async () => {
    server = await startServer({ env: { TSFLOW_DEFAULT_MODEL: 'honest' } });
  });
  afterAll(async () => {
    await server?.close();
  });

  let runId: string;

  it('a default run logs skill, baselines, Diebold-Mariano, direction and interval metrics', async () => {
    runId = await train({ dataset: MSFT, params: TINY });
    const run = await getRun(api, runId);
    const m = metricsOf(run);
    for (const key of [
      'val_skill',
      'test_skill',
      'test_skill_drift',
      'test_skill_seasonal',
      'drift_test_mae',
      'seasonal_test_mae',
      'test_dm_stat',
      'test_dm_pvalue',
      'test_direction_accuracy',
      'test_coverage_80',
      'test_coverage_95',
      'test_interval_score_80',
      'naive_test_interval_score_80',
      'test_interval_skill_80',
    ]) {
      expect(Number.isFinite(m[key]), key).toBe(true);
    }
    expect(m.test_skill).toBeGreaterThanOrEqual(-0.02);
    const params = Object.fromEntries(run.data.params.map((p: any) => [p.key, p.value]));
    expect(params).toMatchObject({
      target: 'return',
      features: 'returns',
      interval_levels: '0.8,0.95',
      cleaning: 'ffill',
    });
  }, 120_000);

  it('/predict and /invocations answer intervals beside the point forecast', async () => {
    expect(await promote(server.url, 'honest', runId)).toBe('1');
    const bars = msftBars('2024-01-01');
    const closes = bars.slice(-11).map((b) => b.close); // seq_length + 1 closes: 10 returns
    const r = await http(server.url, 'POST', '/predict', { values: closes });
    expect(r.status, r.text).toBe(200);
    const [point] = r.body.predictions;
    const [[i80, i95]] = r.body.intervals;
    expect(i80).toMatchObject({ level: 0.8 });
    expect(i95).toMatchObject({ level: 0.95 });
    expect(i95.lower).toBeLessThan(i80.lower);
    expect(i80.lower).toBeLessThan(point);
    expect(point).toBeLessThan(i80.upper);
    expect(i80.upper).toBeLessThan(i95.upper);

    const dated = await http(server.url, 'POST', '/predict', { start_date: '2024-06-03', end_date: '2024-06-07' });
    expect(dated.status, dated.text).toBe(200);
    expect(dated.body.predictions).toHaveLength(5);
    for (const d of dated.body.predictions) {
      expect(d.intervals.map((i: any) => i.level)).toEqual([0.8, 0.95]);
      expect(d.intervals[0].lower).toBeLessThan(d.predicted);
    }

    const inv = await http(server.url, 'POST', '/invocations', { inputs: [closes, closes] });
    expect(inv.status, inv.text).toBe(200);
    expect(inv.body.predictions).toHaveLength(2);
    expect(inv.body.predictions[0]).toBeCloseTo(point, 6);
    expect(inv.body.intervals[0][0].lower).toBeCloseTo(i80.lower, 6);

    await expect400('POST', '/predict', { values: closes.slice(1) }, /needs at least 11 values \(seq_length \+ 1/);
  }, 60_000);

  it('exogenous series: trained aligned by date and fetched again at predict time', async () => {
    const petr = { ticker: 'PETR4.SA', source: 'sample', start_date: '2019-01-01', end_date: '2024-03-13' };
    const exoRun = await train({ dataset: petr, params: { ...TINY, exogenous: '^BVSP', features: 'returns,range' } });
    expect(await promote(server.url, 'petr', exoRun)).toBe('1');
    const r = await http(server.url, 'POST', '/predict', { model: 'petr', date: '2024-03-01' });
    expect(r.status, r.text).toBe(200);
    expect(r.body.predictions[0]).toMatchObject({ date: '2024-03-01', actual: expect.any(Number) });
    expect(r.body.predictions[0].intervals).toHaveLength(2);
  }, 120_000);

  it('bad input: unknown or misaligned exogenous series, interval levels outside (0,1), a season longer than the data, test-metric selection', async () => {
    const runs = '/api/v1/training/runs';
    await expect400('POST', runs, { dataset: MSFT, params: { ...TINY, exogenous: 'NOPE' } }, /exogenous ticker NOPE/);
    await expect400(
      'POST',
      runs,
      {
        dataset: { ticker: 'MSFT', source: 'sample', start_date: '1992-01-01', end_date: '1993-12-31' },
        params: { ...TINY, exogenous: '^BVSP' },
      },
      /exogenous series \^BVSP is misaligned with the data: only \d+ of \d+ dates/,
    );
    for (const levels of ['0,0.8', [0.8, 1], [1.5], 'x']) {
      await expect400('POST', runs, { dataset: MSFT, params: { interval_levels: levels } }, /strictly between 0 and 1/);
    }
    await expect400(
      'POST',
      runs,
      { dataset: { ...MSFT, start_date: '2023-01-01' }, params: { ...TINY, seasonal_period: 300 } },
      /seasonal_period 300 is larger than the data allows/,
    );
    for (const metric of ['test_skill', 'test_mae']) {
      await expect400(
        'POST',
        '/api/v1/training/grid-searches',
        tinyGrid({ metric }),
        /selecting on test metrics leaks the test period/,
      );
    }
  }, 60_000);

  it('the promotion floor: a candidate significantly worse than persistence is never promoted, with the numbers recorded', async () => {
    // The old formulation on a trending year: min-max-scaled levels lose badly to persistence.
    const sub = await submitGrid(
      api,
      tinyGrid({
        params: { target: 'level', units: 4, epochs: 1, seed: 7, learning_rate: 0.001 },
        grid: { seq_length: [5] },
        promote: { model_name: 'floor', policy: 'always' },
      }),
    );
    const status = await waitForGrid(api, sub.job_id, 90_000);
    expect(status.state).toBe('completed');
    expect(status.promotion).toMatchObject({ promoted: false, policy: 'always' });
    expect(status.promotion.reason).toMatch(/loses significantly to persistence .* never promoted automatically/);
    expect(status.promotion.floor).toMatchObject({ passed: false, alpha: 0.05 });
    expect(status.promotion.floor.test_skill).toBeLessThan(0);
    expect(status.promotion.floor.test_dm_pvalue).toBeLessThan(0.05);
    const tags = tagsOf(await getRun(api, sub.parent_run_id));
    expect(tags['tsflow.promotion.decision']).toBe('not_promoted');
    expect(JSON.parse(tags['tsflow.promotion.floor'])).toEqual(status.promotion.floor);
  }, 120_000);

  it('if_better compares on the days after both training ends and says so on the parent run', async () => {
    const body = tinyGrid({
      dataset: { ticker: 'MSFT', source: 'sample', start_date: '2019-01-01', end_date: '2021-12-31' },
      params: { units: 4, epochs: 1, seed: 7 },
      grid: { seq_length: [5] },
      promote: { model_name: 'cmp', policy: 'if_better' },
    });
    const first = await waitForGrid(api, (await submitGrid(api, body)).job_id, 90_000);
    expect(first.promotion).toMatchObject({ promoted: true, reason: 'no champion yet (floor passed)' });
    // A challenger trained on later data: only days after its (later) training end count.
    const later = await submitGrid(api, {
      ...body,
      dataset: { ...body.dataset, start_date: '2020-06-01', end_date: '2023-12-31' },
    });
    const status = await waitForGrid(api, later.job_id, 90_000);
    const c = status.promotion.comparison;
    expect(c.after).toBe(c.candidate.last_training_date);
    expect(c.candidate.last_training_date > c.champion.last_training_date).toBe(true);
    expect(c.first_date > c.after).toBe(true);
    expect(c.days).toBeGreaterThan(100);
    expect(status.promotion.reason).toMatch(/day\(s\) after both training ends/);
    const tags = tagsOf(await getRun(api, later.parent_run_id));
    expect(JSON.parse(tags['tsflow.promotion.comparison'])).toEqual(c);
  }, 180_000);

  it('if_better across formats: a level (format 1) champion against a return (format 2) candidate', async () => {
    const dataset = { ticker: 'MSFT', source: 'sample', start_date: '2019-01-01', end_date: '2022-12-31' };
    const levelRun = await train({ dataset, params: { ...TINY, target: 'level' } });
    // A level model loses to persistence: promoted on purpose, so the promotion is forced.
    expect(await promote(server.url, 'mixed', levelRun, true)).toBe('1');
    const sub = await submitGrid(
      api,
      tinyGrid({
        dataset,
        params: { units: 4, epochs: 1, seed: 7 },
        grid: { seq_length: [5] },
        promote: { model_name: 'mixed', policy: 'if_better' },
      }),
    );
    const status = await waitForGrid(api, sub.job_id, 90_000);
    const p = status.promotion;
    expect(p.comparison, JSON.stringify(p)).toBeDefined();
    expect(p.comparison.days).toBeGreaterThan(100);
    expect(Number.isFinite(p.comparison.champion.skill)).toBe(true);
    expect(Number.isFinite(p.comparison.candidate.skill)).toBe(true);
    expect(p.champion_version).toBe('1');
    expect(p.promoted).toBe(p.comparison.candidate.skill > p.comparison.champion.skill);
  }, 180_000);
});
