import * as fs from 'node:fs';
import * as path from 'node:path';
import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allRuns, apiOf, experimentId, getRun, submitGrid, tagsOf, tinyGrid, waitForGrid } from './support/grid';
import { startServer, TestServer } from './support/server';
import { startWorkers, TEST_REDIS_URL, uniquePrefix, WorkerPool } from './support/workers';

/**
 * Failures that may be transient are retried with exponential backoff, each attempt in a run
 * of its own. The failure here is real: once the worker and its sandboxed processor are up,
 * the worker's artifact directory is replaced by a regular file, so every artifact write
 * fails with an I/O error (not a bad-input error, hence retried).
 * Needs `npx tsc -p tsconfig.build.json` first.
 */
describe('grid candidates retried with backoff (BullMQ worker)', () => {
  const prefix = uniquePrefix('retry');
  let server: TestServer;
  let pool: WorkerPool;
  const api = apiOf(() => server.url);

  let workerArtifacts: string;

  beforeAll(async () => {
    server = await startServer({ env: { REDIS_URL: TEST_REDIS_URL, TSFLOW_REDIS_PREFIX: prefix } });
    // The worker's artifacts go to a directory of its own, which the test breaks later.
    workerArtifacts = path.join(server.dir, 'worker-artifacts');
    pool = startWorkers({
      count: 1,
      config: server.config,
      prefix,
      env: { MLFLOW_ARTIFACTS_DESTINATION: workerArtifacts, TSFLOW_JOB_ATTEMPTS: '3' },
    });
    await pool.ready();
  });

  afterAll(async () => {
    await pool?.cleanup();
    await server?.close();
  });

  it('retries an I/O failure 3 times with exponential backoff, then fails the candidate and the grid', async () => {
    // Warm up: the worker's sandboxed processor starts (and stays) with a working store.
    const warm = await submitGrid(api, tinyGrid({ experiment_name: 'warm-up', grid: { seq_length: [5] } }));
    expect((await waitForGrid(api, warm.job_id, 60_000)).state).toBe('completed');
    fs.rmSync(workerArtifacts, { recursive: true, force: true });
    fs.writeFileSync(workerArtifacts, 'not a directory any more\n');

    const sub = await submitGrid(api, tinyGrid({ experiment_name: 'retry', grid: { seq_length: [5] } }));
    const status = await waitForGrid(api, sub.job_id, 60_000);
    expect(status.state).toBe('failed');
    expect(status.error).toMatch(/no candidate completed/);
    const [c] = status.candidates;
    expect(c).toMatchObject({ state: 'failed', attempts: 3 });
    expect(c.error).toMatch(/ENOTDIR|not a directory|EEXIST/i);

    // One run per attempt, chained by tsflow.retry_of, all FAILED, all children of the parent.
    const runs = (await allRuns(api, [(await experimentId(api, 'retry'))!])).filter(
      (r) => r.info.run_id !== sub.parent_run_id,
    );
    expect(runs).toHaveLength(3);
    runs.sort((a, b) => a.info.start_time - b.info.start_time);
    expect(runs[0].info.run_id).toBe(sub.candidates[0].run_id);
    for (const [i, r] of runs.entries()) {
      expect(r.info.status).toBe('FAILED');
      const tags = tagsOf(r);
      expect(tags['mlflow.parentRunId']).toBe(sub.parent_run_id);
      expect(tags['tsflow.retry_of']).toBe(i === 0 ? undefined : runs[i - 1].info.run_id);
    }
    // Backoff 2 s then 4 s between attempts (each attempt fails within moments of its start).
    const gaps = runs.slice(1).map((r, i) => r.info.start_time - runs[i].info.end_time);
    expect(gaps[0]).toBeGreaterThanOrEqual(1900);
    expect(gaps[1]).toBeGreaterThanOrEqual(3900);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);

    const redis = new IORedis(TEST_REDIS_URL);
    try {
      const job = await redis.hgetall(`${prefix}:bull:training:${c.job_id}`);
      expect(job.atm).toBe('3');
      expect(job.failedReason).toMatch(/ENOTDIR|not a directory|EEXIST/i);
    } finally {
      redis.disconnect();
    }
    expect((await getRun(api, sub.parent_run_id)).info.status).toBe('FAILED');
  }, 60_000);
});
