import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  allRuns,
  apiOf,
  champion,
  expectCompletedGrid,
  expectNoLiveRuns,
  experimentId,
  getRun,
  GRIDS,
  gridStatus,
  readEvents,
  slowGrid,
  submitGrid,
  tagsOf,
  tinyGrid,
  waitForGrid,
  waitUntil,
} from './support/grid';
import { startPrivateRedis } from './support/private-redis';
import { startServer, TestServer } from './support/server';
import {
  childPids,
  countKeys,
  isAlive,
  sharedStoreEnv,
  startWorkers,
  TEST_REDIS_URL,
  uniquePrefix,
  WorkerPool,
} from './support/workers';

/**
 * Grid searches through BullMQ with real `tsflow worker` processes (sandboxed processors) on a
 * real Redis, sharing the test server's sqlite file and artifact directory.
 * Needs `npx tsc -p tsconfig.build.json` first: workers and processors run the compiled dist/.
 */
describe('grid searches on BullMQ with two worker processes', () => {
  const prefix = uniquePrefix('grid');
  let server: TestServer;
  let pool: WorkerPool;
  let redis: IORedis;
  const api = apiOf(() => server.url);
  const MODEL = 'grid-msft';

  /** BullMQ's record of a candidate job (hash fields: pb = processedBy, progress, atm, stc ...). */
  const bullJob = (jobId: string) => redis.hgetall(`${prefix}:bull:training:${jobId}`);

  // A data directory of our own: one test deletes a CSV after submitting a grid that uses it.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-grid-data-'));

  beforeAll(async () => {
    fs.copyFileSync(path.join(__dirname, '..', 'data', 'MSFT.csv'), path.join(dataDir, 'MSFT.csv'));
    server = await startServer({
      env: { REDIS_URL: TEST_REDIS_URL, TSFLOW_REDIS_PREFIX: prefix, TSFLOW_DATA_DIR: dataDir },
    });
    pool = startWorkers({ count: 2, config: server.config, prefix });
    redis = new IORedis(TEST_REDIS_URL);
    await pool.ready();
  });

  afterAll(async () => {
    await pool?.cleanup();
    redis?.disconnect();
    await server?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  let first: { job_id: string; parent_run_id: string; candidates: any[] };
  let firstStatus: any;

  it('trains a small grid through two workers: child runs, metrics, best run, promotion, SSE', async () => {
    const body = tinyGrid({ promote: { model_name: MODEL, policy: 'if_better' } });
    first = await submitGrid(api, body);
    expect(first.job_id).toMatch(/^grid-[0-9a-f]{16}$/);
    expect(first.candidates.map((c) => c.job_id)).toEqual([`${first.job_id}-c0000`, `${first.job_id}-c0001`]);
    expect(first.candidates.map((c) => c.params)).toEqual([{ seq_length: 5 }, { seq_length: 10 }]);
    expect(first.candidates.every((c) => c.state === 'queued' && /^[0-9a-f]{32}$/.test(c.run_id))).toBe(true);

    const sse = readEvents(`${server.url}${GRIDS}/${first.job_id}/events`, 60_000);
    firstStatus = await waitForGrid(api, first.job_id, 60_000);
    await expectCompletedGrid(api, firstStatus, first, 2);

    // The stream delivered status events and ended by itself once the grid was final.
    const { contentType, events } = await sse;
    expect(contentType).toMatch(/^text\/event-stream/);
    expect(events.length).toBeGreaterThanOrEqual(1);
    expect(events.every((e) => e.job_id === first.job_id)).toBe(true);
    expect(events.at(-1).state).toBe('completed');
    expect(events.at(-1).best_run_id).toBe(firstStatus.best_run_id);
    expect(events.at(-1).promotion).toEqual(firstStatus.promotion); // final only once the decision is recorded

    // One BullMQ job per candidate, with the deterministic id, run by two different workers.
    const jobs = await Promise.all(first.candidates.map((c) => bullJob(c.job_id)));
    const workers = jobs.map((j) => pool.byName(j.pb)?.index);
    expect(workers.every((w) => w !== undefined)).toBe(true);
    expect(new Set(workers).size).toBe(2);
    for (const j of jobs) {
      expect(j.finishedOn).toBeTruthy();
      expect(Number(j.progress)).toBeGreaterThan(0); // per-epoch progress reached the BullMQ job
    }

    // No champion yet: if_better promotes the best candidate and says why.
    expect(firstStatus.promotion).toMatchObject({
      policy: 'if_better',
      model_name: MODEL,
      promoted: true,
      reason: 'no champion yet (floor passed)',
      new_version: '1',
      champion_score: null,
    });
    expect(firstStatus.promotion.candidate_score).toBe(firstStatus.best_value);
    const parentTags = tagsOf(await getRun(api, first.parent_run_id));
    expect(parentTags).toMatchObject({
      'tsflow.promotion.policy': 'if_better',
      'tsflow.promotion.decision': 'promoted',
      'tsflow.promotion.new_version': '1',
    });
    expect(Number(parentTags['tsflow.promotion.candidate_score'])).toBe(firstStatus.best_value);
    expect(await champion(api, MODEL)).toMatchObject({ version: '1', run_id: firstStatus.best_run_id });

    const list = await api('GET', GRIDS);
    expect(list.status).toBe(200);
    expect(list.body.grid_searches[0]).toMatchObject({
      job_id: first.job_id,
      state: 'completed',
      best_run_id: firstStatus.best_run_id,
    });
  }, 80_000);

  it('if_better re-scores the champion on the new test period and records both scores', async () => {
    const before = await champion(api, MODEL);
    const body = tinyGrid({
      dataset: { ticker: 'MSFT', source: 'sample', start_date: '2021-07-01', end_date: '2022-06-30' },
      grid: { seq_length: [5, 8] },
      promote: { model_name: MODEL, policy: 'if_better' },
    });
    const sub = await submitGrid(api, body);
    const status = await waitForGrid(api, sub.job_id, 60_000);
    await expectCompletedGrid(api, status, sub, 2);
    const p = status.promotion;
    expect(p.policy).toBe('if_better');
    expect(p.champion_version).toBe(before?.version);
    expect(typeof p.champion_score).toBe('number');
    // Both scored on the days after both training ends (skill against persistence, higher is better).
    expect(p.comparison.days).toBeGreaterThan(0);
    expect(p.comparison.after).toBe(p.comparison.candidate.last_training_date);
    expect(p.candidate_score).toBe(p.comparison.candidate.skill);
    expect(p.champion_score).toBe(p.comparison.champion.skill);
    expect(p.promoted).toBe(p.candidate_score > p.champion_score);
    const tags = tagsOf(await getRun(api, sub.parent_run_id));
    expect(tags['tsflow.promotion.decision']).toBe(p.promoted ? 'promoted' : 'not_promoted');
    expect(Number(tags['tsflow.promotion.champion_score'])).toBe(p.champion_score);
    expect(Number(tags['tsflow.promotion.candidate_score'])).toBe(p.candidate_score);
    expect((await champion(api, MODEL))?.run_id).toBe(p.promoted ? status.best_run_id : before?.run_id);
  }, 60_000);

  it('if_better keeps the champion when the candidate only ties it on the same data', async () => {
    // Retrain the current champion's own grid: same data, params and seed give the same score.
    const current = await champion(api, MODEL);
    const run = await getRun(api, current!.run_id);
    const seq = Number(run.data.params.find((p: any) => p.key === 'seq_length').value);
    const start = tagsOf(run)['mlflow.parentRunId'] === first.parent_run_id ? '2021-01-01' : '2021-07-01';
    const end = start === '2021-01-01' ? '2021-12-31' : '2022-06-30';
    const sub = await submitGrid(
      api,
      tinyGrid({
        dataset: { ticker: 'MSFT', source: 'sample', start_date: start, end_date: end },
        grid: { seq_length: [seq] },
        promote: { model_name: MODEL, policy: 'if_better' },
      }),
    );
    const status = await waitForGrid(api, sub.job_id, 60_000);
    expect(status.state).toBe('completed');
    expect(status.promotion).toMatchObject({
      policy: 'if_better',
      promoted: false,
      champion_version: current!.version,
      new_version: null,
    });
    expect(status.promotion.champion_score).toBeCloseTo(status.promotion.candidate_score, 6);
    expect(status.promotion.reason).toMatch(/is not better/);
    expect(tagsOf(await getRun(api, sub.parent_run_id))['tsflow.promotion.decision']).toBe('not_promoted');
    expect(await champion(api, MODEL)).toEqual(current);
  }, 60_000);

  it("'never' reports only; 'always' promotes even a worse model", async () => {
    const current = await champion(api, MODEL);
    const never = await submitGrid(
      api,
      tinyGrid({ grid: { seq_length: [6] }, promote: { model_name: MODEL, policy: 'never' } }),
    );
    // A deliberately weak model: one unit, one epoch, a tiny learning rate.
    const weak = { units: 1, epochs: 1, learning_rate: 0.00001, seed: 3, dropout: 0 };
    const always = await submitGrid(
      api,
      tinyGrid({
        // The champion's data ends 2022-06-30: a model trained on older data never replaces it, whatever the policy.
        dataset: { ticker: 'MSFT', source: 'sample', start_date: '2021-07-01', end_date: '2022-06-30' },
        params: weak,
        grid: { seq_length: [5] },
        promote: { model_name: MODEL, policy: 'always' },
      }),
    );
    const n = await waitForGrid(api, never.job_id, 60_000);
    expect(n.state).toBe('completed');
    expect(n.promotion).toMatchObject({ policy: 'never', promoted: false, new_version: null });
    expect(tagsOf(await getRun(api, never.parent_run_id))).toMatchObject({
      'tsflow.promotion.policy': 'never',
      'tsflow.promotion.decision': 'not_promoted',
    });
    const a = await waitForGrid(api, always.job_id, 60_000);
    expect(a.state).toBe('completed');
    expect(a.promotion).toMatchObject({ policy: 'always', promoted: true });
    expect(Number(a.promotion.new_version)).toBeGreaterThan(Number(current!.version));
    expect(tagsOf(await getRun(api, always.parent_run_id))).toMatchObject({
      'tsflow.promotion.decision': 'promoted',
      'tsflow.promotion.new_version': a.promotion.new_version,
    });
    expect(await champion(api, MODEL)).toMatchObject({ version: a.promotion.new_version, run_id: a.best_run_id });
  }, 60_000);

  it('recovers the job of a worker killed with SIGKILL mid-training; the abandoned run is FAILED', async () => {
    const sub = await submitGrid(
      api,
      slowGrid({ grid: { seq_length: [5] }, params: { units: 8, epochs: 15, patience: 1000, seed: 7, dropout: 0 } }),
    );
    const [submitted] = sub.candidates;
    // Per-epoch progress reaches the REST status while the candidate trains.
    const running = await waitUntil(
      'the candidate to be mid-training',
      async () => {
        const c = (await gridStatus(api, sub.job_id)).candidates[0];
        return c.state === 'running' && c.progress > 0 && c.progress < 1 ? c : undefined;
      },
      30_000,
      100,
    );
    expect(running.run_id).toBe(submitted.run_id); // the first attempt uses the run created at submission
    const victim = pool.byName((await bullJob(submitted.job_id)).pb);
    expect(victim, 'the BullMQ job names the worker running it').toBeDefined();
    const survivor = pool.workers.find((w) => w !== victim && !w.exited());
    const sandboxes = childPids(victim!.pid);
    expect(sandboxes.length).toBeGreaterThan(0);

    await pool.kill(victim!.index);
    // The orphaned sandboxed processor stops as well instead of training on.
    await waitUntil(
      'the sandboxed processor to exit',
      async () => sandboxes.every((pid) => !isAlive(pid)),
      10_000,
      100,
    );

    const status = await waitForGrid(api, sub.job_id, 60_000);
    expect(status.state).toBe('completed');
    const [done] = status.candidates;
    expect(done.state).toBe('completed');
    expect(done.run_id).not.toBe(submitted.run_id); // a fresh run for the second attempt
    const abandoned = await getRun(api, submitted.run_id);
    expect(abandoned.info.status).toBe('FAILED');
    expect(abandoned.info.end_time).toBeGreaterThan(0);
    const retry = await getRun(api, done.run_id);
    expect(retry.info.status).toBe('FINISHED');
    expect(tagsOf(retry)).toMatchObject({
      'mlflow.parentRunId': sub.parent_run_id,
      'tsflow.retry_of': submitted.run_id,
      'tsflow.job_id': submitted.job_id,
    });
    expect(status.best_run_id).toBe(done.run_id);
    // Recovered by stalled-job handling and completed by the other worker.
    const job = await bullJob(submitted.job_id);
    expect(pool.byName(job.pb)).toBe(survivor);
    expect(job.stc).toBe('1'); // stalled once (the kill) ...
    expect(job.ats).toBe('2'); // ... so started twice
    expect(job.finishedOn).toBeTruthy();
    await expectNoLiveRuns(api, [(await experimentId(api, 'grid-e2e'))!]);
    pool.add(); // back to two workers for the next tests
    await pool.ready();
  }, 90_000);

  it('cancels a running grid; a spec that became invalid after submission fails at once (no retries)', async () => {
    const expId = (await experimentId(api, 'grid-e2e'))!;
    const sub = await submitGrid(
      api,
      slowGrid({
        grid: { seq_length: [5, 6, 7] },
        params: { units: 8, epochs: 60, patience: 1000, seed: 7, dropout: 0 },
      }),
    );
    await waitUntil(
      'two candidates training',
      async () => {
        const s = await gridStatus(api, sub.job_id);
        return s.candidates.filter((c: any) => c.state === 'running' && c.progress > 0).length === 2 ? s : undefined;
      },
      40_000,
      100,
    );

    // While both workers are busy, queue a grid over a CSV file, then delete the file.
    fs.copyFileSync(path.join(dataDir, 'MSFT.csv'), path.join(dataDir, 'doomed.csv'));
    const doomed = await submitGrid(
      api,
      tinyGrid({ dataset: { ticker: 'doomed', source: 'csv', start_date: '2021-01-01', end_date: '2021-12-31' } }),
    );
    fs.rmSync(path.join(dataDir, 'doomed.csv'));

    const cancelledAt = Date.now();
    const res = await api('DELETE', `${GRIDS}/${sub.job_id}`);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('cancelled');
    expect(res.body.candidates.map((c: any) => c.state)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    const [, , queued] = sub.candidates;
    expect(await bullJob(queued.job_id)).toEqual({}); // dropped from the queue
    expect((await getRun(api, queued.run_id)).info.status).toBe('KILLED');

    // Running candidates stop at their next epoch boundary; every run of the grid ends KILLED.
    const ids = [sub.parent_run_id, ...sub.candidates.map((c) => c.run_id)];
    await waitUntil(
      'every run of the grid to be KILLED',
      async () => (await Promise.all(ids.map((id) => getRun(api, id)))).every((r) => r.info.status === 'KILLED'),
      20_000,
    );
    expect(Date.now() - cancelledAt).toBeLessThan(15_000);
    for (const c of sub.candidates.slice(0, 2)) {
      const history = await api('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${c.run_id}&metric_key=loss`);
      expect(history.body.metrics.length).toBeGreaterThan(0);
      expect(history.body.metrics.length).toBeLessThan(60);
    }
    expect((await api('DELETE', `${GRIDS}/${sub.job_id}`)).body.state).toBe('cancelled'); // idempotent
    const after = await gridStatus(api, sub.job_id);
    expect(after.state).toBe('cancelled');
    expect(after.best_run_id).toBeUndefined();

    // The freed workers take the CSV grid: its data is gone, a permanent error, no retry.
    const failed = await waitForGrid(api, doomed.job_id, 30_000);
    expect(failed.state).toBe('failed');
    for (const c of failed.candidates) {
      expect(c.state).toBe('failed');
      expect(c.attempts).toBe(1);
      expect(c.error).toMatch(/Unknown csv dataset 'doomed.csv'/);
      expect((await getRun(api, c.run_id)).info.status).toBe('FAILED');
      const job = await bullJob(c.job_id);
      expect(job.atm).toBe('1'); // attempts made: 1 of 3 (UnrecoverableError)
      expect(job.failedReason).toMatch(/Unknown csv dataset/);
    }
    expect((await getRun(api, doomed.parent_run_id)).info.status).toBe('FAILED');
    await expectNoLiveRuns(api, [expId]);
  }, 90_000);

  it('rejects invalid grids with 400 before anything is created or queued', async () => {
    const exp = 'grid-invalid';
    const gridsBefore = (await api('GET', GRIDS)).body.grid_searches.length;
    const keysBefore = await countKeys(TEST_REDIS_URL, prefix);
    const runsBefore = (await allRuns(api, ['0'])).length;
    const base = tinyGrid({ experiment_name: exp });
    const cases: [string, object, RegExp][] = [
      [
        '1001 candidates',
        {
          grid: {
            units: Array.from({ length: 11 }, (_, i) => i + 1),
            seq_length: Array.from({ length: 91 }, (_, i) => i + 2),
          },
        },
        /more than 1000 candidates/,
      ],
      [
        'unknown grid param',
        { grid: { unitz: [4, 8] } },
        /unknown parameter "unitz"; allowed: seq_length, horizon, layers, units, dropout, learning_rate/,
      ],
      ['unknown fixed param', { params: { epoch: 2 } }, /unknown parameter "epoch"; allowed: .*epochs/],
      ['out-of-range value', { grid: { units: [4, 0] } }, /units must be an integer in \[1, 512\], got 0/],
      ['out-of-range float', { grid: { dropout: [0.1, 1.5] } }, /dropout must be a number in \[0, 1\), got 1.5/],
      ['empty value list', { grid: { units: [] } }, /non-empty list/],
      ['bad metric', { metric: 'accuracy' }, /Invalid metric 'accuracy'/],
      ['bad promote model name', { promote: { model_name: 'a/b', policy: 'always' } }, /Invalid model name 'a\/b'/],
      ['bad promote policy', { promote: { model_name: 'm', policy: 'sometimes' } }, /policy/],
      ['unknown ticker', { dataset: { ticker: 'NOPE', source: 'sample' } }, /Unknown sample dataset 'NOPE.csv'/],
      ['invalid ticker', { dataset: { ticker: '../etc/passwd', source: 'sample' } }, /Invalid ticker/],
      [
        'seq_length longer than the data',
        {
          dataset: { ticker: 'MSFT', source: 'sample', start_date: '2021-01-01', end_date: '2021-06-30' },
          grid: { seq_length: [5, 60] },
        },
        /needed.*seq_length=60/,
      ],
    ];
    for (const [label, patch, message] of cases) {
      const res = await api('POST', GRIDS, { ...base, ...patch });
      expect(res.status, `${label}: ${res.text}`).toBe(400);
      expect(res.body.error_code, label).toBe('INVALID_PARAMETER_VALUE');
      expect(res.body.message, label).toMatch(message);
    }
    // Nothing was created: no experiment, no run, no grid job, no Redis job.
    expect(await experimentId(api, exp)).toBeUndefined();
    expect((await allRuns(api, ['0'])).length).toBe(runsBefore);
    expect((await api('GET', GRIDS)).body.grid_searches.length).toBe(gridsBefore);
    expect(await countKeys(TEST_REDIS_URL, prefix)).toBe(keysBefore);
  }, 30_000);

  it('answers 503 while Redis is down, keeps serving everything else, and keeps job status', async () => {
    const privateRedis = await startPrivateRedis();
    const p2 = uniquePrefix('down');
    // A second API process on the same database and artifacts (so it serves the champion
    // trained above), but with a Redis of its own that this test can stop.
    const other = await startServer({
      env: { ...sharedStoreEnv(server.config), REDIS_URL: privateRedis.url, TSFLOW_REDIS_PREFIX: p2 },
    });
    const api2 = apiOf(() => other.url);
    try {
      // No worker consumes this prefix: the grid stays queued.
      const queued = await submitGrid(api2, tinyGrid({ experiment_name: 'down' }));
      await privateRedis.kill();
      const expId = (await experimentId(api2, 'down'))!;
      const runsBefore = (await allRuns(api2, [expId])).length;
      const gridsBefore = (await api2('GET', GRIDS)).body.grid_searches.length;

      const t0 = Date.now();
      const res = await api2('POST', GRIDS, tinyGrid({ experiment_name: 'down' }));
      expect(res.status, res.text).toBe(503);
      expect(res.body.error_code).toBe('TEMPORARILY_UNAVAILABLE');
      expect(res.body.message).toMatch(/job queue \(Redis\) is unavailable.*retry/i);
      expect(Date.now() - t0).toBeLessThan(5000);
      const single = await api2('POST', '/api/v1/training/runs', {
        dataset: { ticker: 'MSFT' },
        params: { epochs: 1 },
      });
      expect(single.status).toBe(503);
      // A 503 leaves nothing behind.
      expect((await allRuns(api2, [expId])).length).toBe(runsBefore);
      expect((await api2('GET', GRIDS)).body.grid_searches.length).toBe(gridsBefore);

      // Status comes from the database.
      const status = await gridStatus(api2, queued.job_id);
      expect(status).toMatchObject({ job_id: queued.job_id, state: 'queued', parent_run_id: queued.parent_run_id });
      expect(status.candidates.map((c: any) => c.state)).toEqual(['queued', 'queued']);

      // Health, tracking and registry keep working.
      expect((await api2('GET', '/health')).status).toBe(200);
      const run = await api2('POST', '/api/2.0/mlflow/runs/create', { experiment_id: expId });
      expect(run.status).toBe(200);
      const runId = run.body.run.info.run_id;
      expect(
        (
          await api2('POST', '/api/2.0/mlflow/runs/log-metric', {
            run_id: runId,
            key: 'm',
            value: 1,
            timestamp: Date.now(),
          })
        ).status,
      ).toBe(200);
      expect((await api2('POST', '/api/2.0/mlflow/runs/search', { experiment_ids: [expId] })).status).toBe(200);
      expect((await api2('POST', '/api/2.0/mlflow/registered-models/create', { name: 'down-model' })).status).toBe(200);
      expect((await api2('GET', '/api/2.0/mlflow/registered-models/get?name=down-model')).status).toBe(200);
      const trained = (await champion(api2, MODEL))!;
      const promoted = await api2('POST', '/api/v1/models/down-model/champion', { run_id: trained.run_id });
      expect(promoted.status, promoted.text).toBe(200);
      expect((await champion(api2, 'down-model'))?.run_id).toBe(trained.run_id);
      // And /predict answers with the champion trained by the grids above.
      const values = Array.from({ length: 30 }, (_, i) => 300 + i);
      const predicted = await waitUntil(
        '/predict to answer',
        async () => {
          const r = await api2('POST', '/predict', { model: MODEL, values });
          return r.status === 200 ? r : undefined;
        },
        10_000,
      );
      expect(predicted.body.model).toMatchObject({ name: MODEL, version: trained.version });
      expect(Number.isFinite(predicted.body.predictions[0])).toBe(true);

      // Redis comes back (empty): submissions work again and the old status is still there.
      await privateRedis.restart();
      const again = await waitUntil(
        'submissions to be accepted again',
        async () => {
          const r = await api2('POST', GRIDS, tinyGrid({ experiment_name: 'down' }));
          return r.status === 202 ? r : undefined;
        },
        15_000,
        500,
      );
      expect(again.body.candidates).toHaveLength(2);
      // The job queued before the outage is still known; the reconciler may already have queued it
      // again in the new Redis (lost jobs come back within seconds), so a worker may be on it.
      expect(['queued', 'running', 'completed']).toContain((await gridStatus(api2, queued.job_id)).state);
    } finally {
      await other.close();
      await privateRedis.kill();
    }
  }, 60_000);
});
