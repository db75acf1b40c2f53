import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, getRun, gridStatus, slowGrid, submitGrid, tagsOf, waitForGrid, waitUntil } from './support/grid';
import { TEST_POSTGRES_URL } from './support/postgres';
import { startServer, TestServer } from './support/server';
import { deleteKeys, startWorkers, TEST_REDIS_URL, uniquePrefix, WorkerPool } from './support/workers';

/**
 * Issue 21, scaled out (Postgres when TEST_POSTGRES_URL is set, Redis, real `tsflow worker`
 * processes killed with SIGKILL): stalls count as attempts up to TSFLOW_JOB_ATTEMPTS and `attempts`
 * says so; an abandoned run is marked incomplete; after a flush of its Redis keys, a running
 * candidate whose worker is gone is back in the queue within seconds, not two minutes.
 * Needs `npx tsc -p tsconfig.build.json` first (workers run the compiled dist/).
 */
describe('worker faults (issue 21)', () => {
  const prefix = uniquePrefix('faults21');
  let server: TestServer;
  let pool: WorkerPool;
  let redis: IORedis;
  const api = apiOf(() => server.url);
  const bullJob = (jobId: string) => redis.hgetall(`${prefix}:bull:training:${jobId}`);
  const SLOW = { units: 8, epochs: 25, patience: 1000, seed: 7, dropout: 0 };

  beforeAll(async () => {
    server = await startServer({
      database: TEST_POSTGRES_URL ? 'postgres' : 'sqlite',
      env: { REDIS_URL: TEST_REDIS_URL, TSFLOW_REDIS_PREFIX: prefix, TSFLOW_RECONCILE_INTERVAL_MS: '1000' },
    });
    redis = new IORedis(TEST_REDIS_URL);
    pool = startWorkers({ count: 2, config: server.config, prefix, env: { TSFLOW_JOB_ATTEMPTS: '3' } });
    await pool.ready();
  }, 60_000);

  afterAll(async () => {
    await pool?.cleanup();
    redis?.disconnect();
    await server?.close();
  });

  /** Waits until the candidate trains (progress > 0) in attempt `attempt`; answers its worker. */
  async function trainingIn(gridId: string, attempt: number) {
    const c = await waitUntil(
      `attempt ${attempt} to be mid-training`,
      async () => {
        const cand = (await gridStatus(api, gridId)).candidates[0];
        return cand.state === 'running' && cand.attempts === attempt && cand.progress > 0 && cand.progress < 1
          ? cand
          : undefined;
      },
      60_000,
      100,
    );
    const worker = pool.byName((await bullJob(c.job_id)).pb);
    expect(worker, 'the BullMQ job names its worker').toBeDefined();
    return { candidate: c, worker: worker! };
  }

  it('a candidate whose worker is killed twice completes on its third attempt; attempts and abandoned runs say so', async () => {
    const sub = await submitGrid(api, slowGrid({ experiment_name: 'stalls', grid: { seq_length: [5] }, params: SLOW }));
    const abandoned: string[] = [];
    for (const attempt of [1, 2]) {
      const { candidate, worker } = await trainingIn(sub.job_id, attempt);
      abandoned.push(candidate.run_id);
      await pool.kill(worker.index);
      pool.add(); // an operator restarts it; the stalled check hands the job to a live worker
    }
    const status = await waitForGrid(api, sub.job_id, 200_000);
    expect(status.state, JSON.stringify(status)).toBe('completed');
    const [done] = status.candidates;
    expect(done).toMatchObject({ state: 'completed', attempts: 3 });
    const job = await bullJob(done.job_id);
    expect([job.stc, job.ats]).toEqual(['2', '3']);

    for (const runId of abandoned) {
      const run = await getRun(api, runId);
      expect(run.info.status).toBe('FAILED');
      const tags = tagsOf(run);
      expect(tags['tsflow.incomplete']).toBe('true');
      expect(tags['tsflow.failure_reason']).toMatch(/^abandoned at progress 0\.\d+ by attempt [12]: its process died/);
    }
    // Compare never picks an abandoned run as best, whatever its metrics.
    const runs = [...abandoned, done.run_id].join(',');
    const compared = await api('GET', `/api/v1/runs/compare?run_ids=${runs}`);
    expect(compared.status, compared.text).toBe(200);
    expect(compared.body.metrics.length).toBeGreaterThan(0);
    for (const m of compared.body.metrics) expect(abandoned).not.toContain(m.best_run_id);
  }, 300_000);

  it('after a flush of its Redis keys, a running candidate whose worker died is queued again within seconds', async () => {
    const sub = await submitGrid(api, slowGrid({ experiment_name: 'flush', grid: { seq_length: [5] }, params: SLOW }));
    const { candidate, worker } = await trainingIn(sub.job_id, 1);
    await pool.kill(worker.index);
    expect(await deleteKeys(TEST_REDIS_URL, prefix)).toBeGreaterThan(0); // the flush, and the job with it
    const flushedAt = Date.now();
    await waitUntil(
      'the candidate back in the queue',
      async () => (await bullJob(candidate.job_id)).timestamp,
      30_000,
      100,
    );
    const requeuedAfter = Date.now() - flushedAt;
    console.log(`re-queued ${requeuedAfter} ms after the flush (heartbeat stale after 5 s, reconcile every 1 s)`);
    expect(requeuedAfter).toBeLessThan(10_000);
    pool.add();
    await pool.ready();
    const status = await waitForGrid(api, sub.job_id, 200_000);
    expect(status.state).toBe('completed');
    expect(status.candidates[0].attempts).toBe(2);
  }, 300_000);
});
