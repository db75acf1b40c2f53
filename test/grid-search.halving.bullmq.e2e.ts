import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  apiOf,
  expectNoLiveRuns,
  experimentId,
  getRun,
  GRIDS,
  gridStatus,
  slowGrid,
  submitGrid,
  tagsOf,
  waitForGrid,
  waitUntil,
} from './support/grid';
import { expectHalvingOutcome, halvingBody } from './support/halving';
import { startServer, TestServer } from './support/server';
import { startWorkers, TEST_REDIS_URL, uniquePrefix, WorkerPool } from './support/workers';

/**
 * Successive halving through BullMQ with two real `tsflow worker` processes: candidates train in
 * parallel in different processes and compare their rung values through the shared tracking
 * store; a worker killed mid-search and a cancelled search keep the lifecycle's guarantees.
 * Needs `npx tsc -p tsconfig.build.json` first.
 */
describe('halving searches on BullMQ with two worker processes', () => {
  const prefix = uniquePrefix('halving');
  let server: TestServer;
  let pool: WorkerPool;
  const api = apiOf(() => server.url);

  beforeAll(async () => {
    server = await startServer({ env: { REDIS_URL: TEST_REDIS_URL, TSFLOW_REDIS_PREFIX: prefix } });
    pool = startWorkers({ count: 2, config: server.config, prefix });
    await pool.ready();
  });

  afterAll(async () => {
    await pool?.cleanup();
    await server?.close();
  });

  /** Slower candidates (more data): a good one first, then clearly worse ones; rungs at epochs 2 and 6. */
  const slowHalving = (experiment: string, lrs: number[], epochs: number) => ({
    ...slowGrid({
      experiment_name: experiment,
      params: { units: 8, epochs, patience: 1000, seed: 7, dropout: 0, seq_length: 10 },
    }),
    grid: { learning_rate: lrs },
    strategy: 'halving',
    halving: { eta: 3, min_resource: 2 },
  });

  it('stops the clearly worse candidates early across processes and still finds the best', async () => {
    const sub = await submitGrid(api, halvingBody('halving') as never);
    const status = await waitForGrid(api, sub.job_id, 120_000);
    await expectHalvingOutcome(api, status, sub.parent_run_id);
    expect(status.counts.pruned).toBeGreaterThanOrEqual(2);
  }, 150_000);

  it('a candidate whose worker is killed after a rung is retried in a fresh run that re-enters the rungs', async () => {
    const sub = await submitGrid(api, slowHalving('halving-kill', [0.01, 1e-6], 12) as never);
    const [good] = sub.candidates;
    const rungs = (runId: string) =>
      api('GET', `/api/2.0/mlflow/metrics/get-history?run_id=${runId}&metric_key=rung_val_loss`).then((r) =>
        (r.body.metrics ?? []).map((m: any) => m.step),
      );
    await waitUntil(
      'the good candidate past its first rung',
      async () => (await rungs(good.run_id)).includes(2),
      60_000,
      100,
    );
    const redis = new IORedis(TEST_REDIS_URL);
    const redisJob = await redis.hgetall(`${prefix}:bull:training:${good.job_id}`).finally(() => redis.disconnect());
    const victim = pool.byName(redisJob.pb);
    expect(victim).toBeDefined();
    await pool.kill(victim!.index);

    const status = await waitForGrid(api, sub.job_id, 120_000);
    expect(status.state, JSON.stringify(status)).toBe('completed');
    const done = status.candidates[0];
    expect(done.state).toBe('completed');
    expect(done.run_id).not.toBe(good.run_id);
    expect(status.best_run_id).toBe(done.run_id);
    expect((await getRun(api, good.run_id)).info.status).toBe('FAILED');
    expect(tagsOf(await getRun(api, done.run_id))['tsflow.retry_of']).toBe(good.run_id);
    expect(await rungs(done.run_id)).toEqual([2, 6]); // the retry recorded its own rung values
    expect(['pruned', 'completed']).toContain(status.candidates[1].state);
    await expectNoLiveRuns(api, [(await experimentId(api, 'halving-kill'))!]);
    pool.add();
    await pool.ready();
  }, 180_000);

  it('cancelling a halving search keeps the pruned candidates pruned and ends every run', async () => {
    // Short candidates first (4 epochs: the bad ones stop at epoch 2), then long ones: the good long
    // one trains exactly like the short good one up to its first rung (same seed, no shuffling), ties
    // and goes on, first at every later rung; the bad long ones stop at epoch 2.
    const body = {
      ...slowHalving('halving-cancel', [0.01, 1e-6, 2e-6], 300),
      grid: { epochs: [4, 300], learning_rate: [0.01, 1e-6, 2e-6] },
    };
    const sub = await submitGrid(api, body as never);
    const long = sub.candidates[3];
    const seen = await waitUntil(
      'a pruned candidate while the long good one trains',
      async () => {
        const s = await gridStatus(api, sub.job_id);
        const running = s.candidates.find((c: any) => c.job_id === long.job_id && c.state === 'running');
        return running && s.candidates.some((c: any) => c.state === 'pruned') ? s : undefined;
      },
      120_000,
      200,
    );
    const pruned = seen.candidates.filter((c: any) => c.state === 'pruned');
    const res = await api('DELETE', `${GRIDS}/${sub.job_id}`);
    expect(res.status).toBe(200);
    expect(res.body.state).toBe('cancelled');
    for (const c of pruned) expect(res.body.candidates.find((x: any) => x.job_id === c.job_id).state).toBe('pruned');
    expect(res.body.candidates.find((c: any) => c.job_id === long.job_id).state).toBe('cancelled');
    expect(res.body.candidates.every((c: any) => ['pruned', 'cancelled', 'completed'].includes(c.state))).toBe(true);
    // Running candidates stop at their next epoch; no run of the search is left live.
    const ids = [sub.parent_run_id, ...sub.candidates.map((c) => c.run_id)];
    await waitUntil(
      'every run of the search to end',
      async () =>
        (await Promise.all(ids.map((id) => getRun(api, id)))).every((r) =>
          ['KILLED', 'FINISHED'].includes(r.info.status),
        ),
      30_000,
    );
    expect((await getRun(api, sub.parent_run_id)).info.status).toBe('KILLED');
    expect((await getRun(api, long.run_id)).info.status).toBe('KILLED');
    for (const c of pruned) expect(tagsOf(await getRun(api, c.run_id))['tsflow.pruned']).toBe('true');
    await expectNoLiveRuns(api, [(await experimentId(api, 'halving-cancel'))!]);
  }, 180_000);
});
