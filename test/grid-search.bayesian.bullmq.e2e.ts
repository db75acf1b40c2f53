import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BayesianScheduler } from '../src/training/bayesian.scheduler';
import type { NewJob } from '../src/training/jobs/job.types';
import { TrainingJobsStore } from '../src/training/jobs/training-jobs.store';
import { bayesianBody, expectBayesianSearch, trialRuns, uploadSales, waitForSearch } from './support/bayesian';
import { apiOf, champion, gridStatus, submitGrid } from './support/grid';
import { TEST_POSTGRES_URL } from './support/postgres';
import { startServer, TestServer } from './support/server';
import { sharedStoreEnv, startWorkers, TEST_REDIS_URL, uniquePrefix, WorkerPool } from './support/workers';

/**
 * Bayesian search on BullMQ with two `tsflow worker` processes and two API replicas sharing one
 * database (Postgres when TEST_POSTGRES_URL is set) and one Redis prefix: both replicas react
 * to every trial's completion event (and reconcile every 5 s), and the test makes them race
 * on top of that; each trial number is still submitted exactly once.
 * Needs `npx tsc -p tsconfig.build.json` first: workers and processors run the compiled dist/.
 */
describe('bayesian search on BullMQ with two workers and two API replicas', () => {
  const prefix = uniquePrefix('tpe');
  let a: TestServer;
  let b: TestServer;
  let pool: WorkerPool;
  let redis: IORedis;
  const api = apiOf(() => a.url);

  beforeAll(async () => {
    const env = { REDIS_URL: TEST_REDIS_URL, TSFLOW_REDIS_PREFIX: prefix };
    a = await startServer({ env, database: TEST_POSTGRES_URL ? 'postgres' : 'sqlite' });
    b = await startServer({ env: { ...env, ...sharedStoreEnv(a.config) } });
    pool = startWorkers({ count: 2, config: a.config, prefix });
    redis = new IORedis(TEST_REDIS_URL);
    await pool.ready();
    await uploadSales(a.url);
  });

  afterAll(async () => {
    await pool?.cleanup();
    redis?.disconnect();
    await b?.close();
    await a?.close();
  });

  it('spends the budget exactly once per trial number while both replicas schedule, and promotes the best', async () => {
    // parallelism left to its default: the two workers connected.
    const body = { ...bayesianBody({ n_candidates: 10, n_startup: 4 }), parallelism: undefined };
    const sub = await submitGrid(api, {
      ...body,
      promote: { model_name: 'sales-tpe-bull', policy: 'if_better' },
    } as never);
    expect(sub.candidates).toHaveLength(2);
    const schedulers = [a, b].map((s) => s.app.get(BayesianScheduler));
    // Extra reactions on both replicas at once, as after a duplicated or replayed event.
    const { final, most } = await waitForSearch(api, sub.job_id, () =>
      Promise.all(schedulers.map((s) => s.advance(sub.job_id))),
    );
    expect(final.state, JSON.stringify(final)).toBe('completed');
    expect(most).toBeLessThanOrEqual(2);
    await expectBayesianSearch(api, sub.job_id, { ...body, parallelism: 2 });
    // Each trial went through BullMQ once, and both workers trained some.
    const processedBy = await Promise.all(
      final.candidates.map((c: any) => redis.hget(`${prefix}:bull:training:${c.job_id}`, 'pb')),
    );
    expect(processedBy.every((p) => pool.byName(p) !== undefined)).toBe(true);
    expect(new Set(processedBy).size).toBe(2);
    const runs = await trialRuns(api, 'bayesian-e2e');
    expect(runs).toHaveLength(10);
    expect(new Set(runs.map((r) => r.trial)).size).toBe(10);
    expect(final.promotion).toMatchObject({ promoted: true });
    expect((await champion(api, 'sales-tpe-bull'))?.run_id).toBe(final.best_run_id);
    // The other replica reports the same finished search.
    const fromB = await gridStatus(
      apiOf(() => b.url),
      sub.job_id,
    );
    expect(fromB.candidates).toHaveLength(10);
  }, 300_000);

  it('inserts a job id once however many processes race for it (the primitive behind trial numbers)', async () => {
    const stores = [a, b].map((s) => s.app.get(TrainingJobsStore));
    // A grid record: nothing queues or trains it (it is not bayesian, so no trial follows either).
    const job = { jobId: `race-${prefix}`, kind: 'grid', spec: { metric: 'val_owa' }, runId: '' } as unknown as NewJob;
    const wins = await Promise.all(Array.from({ length: 16 }, (_, i) => stores[i % 2].createIfAbsent(job)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect((await stores[1].get(job.jobId))?.state).toBe('queued');
  });
});
