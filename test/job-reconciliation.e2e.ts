import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, getRun, submitGrid, tinyGrid, waitForGrid, waitUntil } from './support/grid';
import { startServer, TestServer } from './support/server';
import { deleteKeys, startWorkers, TEST_REDIS_URL, uniquePrefix, WorkerPool } from './support/workers';

/**
 * Issue 16, fault 3: Redis loses its keys while a grid runs (a flush, or a restart without
 * persistence). The job records in the database still say what is pending; the API puts the
 * lost jobs back into the queue while it runs (TSFLOW_RECONCILE_INTERVAL_MS), not only when it
 * restarts. Only this test's key prefix is flushed: the shared Redis keeps everyone else's.
 * Needs `npx tsc -p tsconfig.build.json` first (workers run the compiled dist/).
 */
describe('jobs lost with a flushed Redis are re-queued while the API runs', () => {
  const prefix = uniquePrefix('reconcile');
  let server: TestServer;
  let pool: WorkerPool | undefined;
  let redis: IORedis;
  const api = apiOf(() => server.url);
  const bullKey = (jobId: string) => `${prefix}:bull:training:${jobId}`;

  beforeAll(async () => {
    server = await startServer({
      env: { REDIS_URL: TEST_REDIS_URL, TSFLOW_REDIS_PREFIX: prefix, TSFLOW_RECONCILE_INTERVAL_MS: '500' },
    });
    redis = new IORedis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    await pool?.cleanup();
    await deleteKeys(TEST_REDIS_URL, prefix);
    redis?.disconnect();
    await server?.close();
  });

  it('puts the candidates of a submitted grid back into a flushed queue; a worker then completes the grid', async () => {
    // No worker yet: both candidates wait in Redis, as the second one of a busy worker would.
    const sub = await submitGrid(api, tinyGrid({ experiment_name: 'reconcile' }));
    const ids = sub.candidates.map((c) => c.job_id);
    const addedAt = async () => Promise.all(ids.map(async (id) => Number(await redis.hget(bullKey(id), 'timestamp'))));
    const before = await addedAt();
    expect(before.every((t) => t > 0)).toBe(true);

    expect(await deleteKeys(TEST_REDIS_URL, prefix)).toBeGreaterThan(0); // FLUSH of this prefix

    // Before periodic reconciliation, the jobs stayed lost (the grid queued for ever) until the API restarted.
    await waitUntil(
      'the lost candidates to be queued again',
      async () => (await addedAt()).every((t, i) => t > before[i]),
      10_000,
    );
    expect(await redis.llen(`${prefix}:bull:training:wait`)).toBe(2); // waiting for a worker, once each

    pool = startWorkers({ count: 1, config: server.config, prefix });
    await pool.ready();
    const status = await waitForGrid(api, sub.job_id, 90_000);
    expect(status.state).toBe('completed');
    expect(status.candidates.map((c: { state: string }) => c.state)).toEqual(['completed', 'completed']);
    for (const c of sub.candidates) expect((await getRun(api, c.run_id)).info.status).toBe('FINISHED');
    expect((await getRun(api, sub.parent_run_id)).info.status).toBe('FINISHED');
  }, 150_000);
});
