import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import IORedis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ServerProcess, startServerProcess } from '../bench/lib/server-process';
import { MONITOR_QUEUE } from '../src/monitors/schedule/bullmq.scheduler';
import { apiOf, sleep, waitUntil } from './support/grid';
import { checksOf, createMonitor, EVERY_10S, MONITORS, registerModel } from './support/monitors';
import { createTestDatabase, TEST_POSTGRES_URL, TestDatabase } from './support/postgres';
import { startServer, TestServer } from './support/server';
import { sharedStoreEnv, startWorkers, TEST_REDIS_URL, uniquePrefix, WorkerPool } from './support/workers';

/**
 * Scale-out: two API replicas (this process and a real `tsflow server` child) and two
 * `tsflow worker` processes on one database and one Redis prefix. The monitor's schedule is a
 * BullMQ job scheduler upserted by both replicas; Redis produces one job per tick and one
 * replica's consumer takes it, so each tick is one check. Needs `npm run build` first.
 */
describe('monitor scheduling on BullMQ with two API replicas and two workers', () => {
  const prefix = uniquePrefix('monitors');
  let server: TestServer;
  let replica: ServerProcess;
  let pool: WorkerPool;
  let redis: IORedis;
  let queue: Queue;
  const api = apiOf(() => server.url);
  const api2 = apiOf(() => replica.url);
  // A store of our own that outlives a server restart (the second test restarts the API).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-monitor-bull-'));
  let pg: TestDatabase | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    pg = TEST_POSTGRES_URL ? await createTestDatabase('tsflow_monbull') : undefined;
    env = {
      REDIS_URL: TEST_REDIS_URL,
      TSFLOW_REDIS_PREFIX: prefix,
      MLFLOW_BACKEND_STORE_URI: pg?.url ?? `sqlite:///${path.join(dir, 'tsflow.db')}`,
      MLFLOW_ARTIFACTS_DESTINATION: path.join(dir, 'artifacts'),
    };
    server = await startServer({ env });
    replica = await startServerProcess({ env: { ...sharedStoreEnv(server.config), ...env } });
    pool = startWorkers({ count: 2, config: server.config, prefix });
    await pool.ready();
    redis = new IORedis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
    queue = new Queue(MONITOR_QUEUE, { connection: redis, prefix: `${prefix}:bull` });
    await registerModel(api, 'bull-model');
  }, 120_000);

  afterAll(async () => {
    await queue?.close();
    redis?.disconnect();
    await replica?.stop();
    await pool?.cleanup();
    await server?.close();
    await pg?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('one check per tick across replicas, every tick', async () => {
    const m = await createMonitor(api, {
      name: 'bull-10s',
      model_name: 'bull-model',
      dataset: { ticker: 'MSFT', source: 'sample' },
      schedule: EVERY_10S,
    });
    // The other replica sees the same monitor (shared database) and upserts the same scheduler.
    const seen = await api2('GET', `${MONITORS}/${m.monitor_id}`);
    expect(seen.status, seen.text).toBe(200);
    expect(await queue.getJobSchedulersCount()).toBe(1);

    const checks = await waitUntil(
      'three scheduled checks',
      async () => {
        const c = (await checksOf(api, m.monitor_id)).filter((x) => x.status !== 'running');
        return c.length >= 3 ? c : undefined;
      },
      60_000,
      500,
    );
    const pause = await api2('PATCH', `${MONITORS}/${m.monitor_id}`, { paused: true });
    expect(pause.status, pause.text).toBe(200);
    expect(await queue.getJobSchedulersCount()).toBe(0);

    const all = await checksOf(api, m.monitor_id);
    expect(all.every((c) => c.trigger === 'schedule')).toBe(true);
    const ticks = all.map((c) => Date.parse(c.tick)).sort();
    expect(new Set(ticks).size).toBe(ticks.length);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBe(10_000);
    for (const c of checks) expect(c.error).toMatch(/has no champion/);

    // Redis made exactly one job per tick (so no replica even tried a tick twice), each for a recorded check.
    const jobs = await queue.getJobs(['completed', 'failed', 'active']);
    const jobTicks = jobs.map((j) => (j.opts as { prevMillis?: number }).prevMillis).sort();
    expect(new Set(jobTicks).size).toBe(jobTicks.length);
    expect(jobTicks).toEqual(ticks);
  }, 90_000);

  it('after the whole deployment was down, the latest missed tick runs once; overdue ticks do not pile up', async () => {
    const m = await createMonitor(api, {
      name: 'bull-missed',
      model_name: 'bull-model',
      dataset: { ticker: 'MSFT', source: 'sample' },
      schedule: EVERY_10S,
    });
    await waitUntil('a first check', async () => (await checksOf(api, m.monitor_id)).length > 0, 30_000, 300);
    await replica.stop();
    await server.close();
    const down = Date.now();
    await sleep(25_000); // two or three ticks missed; BullMQ still holds the overdue delayed job
    server = await startServer({ env });
    const up = Date.now();
    await waitUntil(
      'the missed tick',
      async () => (await checksOf(api, m.monitor_id)).some((c) => c.trigger === 'missed'),
      15_000,
      300,
    );
    await sleep(12_000); // one more regular tick
    const after = (await checksOf(api, m.monitor_id)).filter((c) => c.started_at >= up);
    const missed = after.filter((c) => c.trigger === 'missed');
    expect(missed).toHaveLength(1);
    const missedTick = Date.parse(missed[0].tick);
    expect(missedTick).toBeGreaterThan(down + 10_000);
    expect(up - missedTick).toBeLessThan(10_000);
    // Everything else since the restart is a regular tick after the missed one: no overdue tick ran.
    for (const c of after.filter((x) => x.trigger !== 'missed')) {
      expect(c.trigger).toBe('schedule');
      expect(Date.parse(c.tick)).toBeGreaterThan(missedTick);
    }
    const ticks = after.map((c) => c.tick);
    expect(new Set(ticks).size).toBe(ticks.length);
  }, 90_000);
});
