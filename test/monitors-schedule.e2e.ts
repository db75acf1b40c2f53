import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiOf, sleep, waitUntil } from './support/grid';
import { checksOf, createMonitor, EVERY_10S, registerModel } from './support/monitors';
import { startServer, TestServer } from './support/server';

/**
 * The in-process scheduler (no Redis): cron ticks fire checks, each tick once; after a
 * restart the latest missed tick runs once, not one check per missed tick. The model has no
 * champion yet, so every check fails fast ("no champion") and is still recorded per tick.
 */
describe('monitor scheduling in the embedded mode', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-monitor-sched-'));
  const env = {
    MLFLOW_BACKEND_STORE_URI: `sqlite:///${path.join(dir, 'tsflow.db')}`,
    MLFLOW_ARTIFACTS_DESTINATION: path.join(dir, 'artifacts'),
  };
  let server: TestServer | undefined;
  const api = apiOf(() => server!.url);
  let id: string;

  beforeAll(async () => {
    server = await startServer({ env });
    await registerModel(api, 'sched-model');
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fires one check per tick, on the tick', async () => {
    const m = await createMonitor(api, {
      name: 'every-10s',
      model_name: 'sched-model',
      dataset: { ticker: 'MSFT', source: 'sample' },
      schedule: EVERY_10S,
    });
    id = m.monitor_id;
    expect(m.next_check_at % 10_000).toBe(0);
    const checks = await waitUntil(
      'two scheduled checks',
      async () => {
        const c = await checksOf(api, id);
        return c.filter((x) => x.trigger === 'schedule' && x.status !== 'running').length >= 2 ? c : undefined;
      },
      40_000,
      500,
    );
    const ticks = checks.map((c) => Date.parse(c.tick)).sort();
    expect(new Set(ticks).size).toBe(ticks.length);
    for (const t of ticks) expect(t % 10_000).toBe(0);
    for (let i = 1; i < ticks.length; i++) expect(ticks[i] - ticks[i - 1]).toBe(10_000);
    for (const c of checks) {
      expect(c.started_at - Date.parse(c.tick)).toBeLessThan(3000);
      if (c.status === 'failed') expect(c.error).toMatch(/has no champion/);
    }
  }, 60_000);

  it('after downtime, the latest missed tick runs once on start', async () => {
    await server!.close();
    const down = Date.now();
    const before = (await openChecks()).length;
    await sleep(25_000); // two or three ticks missed
    server = await startServer({ env });
    const up = Date.now();
    const missed = await waitUntil(
      'the missed tick',
      async () => (await checksOf(api, id)).filter((c) => c.trigger === 'missed'),
      15_000,
      300,
    ).then((x) => (x.length ? x : undefined));
    await sleep(1500);
    const all = await checksOf(api, id);
    const missedAll = all.filter((c) => c.trigger === 'missed');
    expect(missedAll).toHaveLength(1);
    const tick = Date.parse(missed![0].tick);
    // The latest tick before the restart, not the first one missed.
    expect(tick).toBeGreaterThan(down + 10_000);
    expect(tick).toBeLessThanOrEqual(up);
    expect(up - tick).toBeLessThan(10_000);
    expect(all.length).toBeGreaterThan(before);
  }, 70_000);

  /** The checks as stored, read while the server is down (the test reopens the same database). */
  async function openChecks(): Promise<unknown[]> {
    const Database = (await import('better-sqlite3')).default;
    const db = new Database(path.join(dir, 'tsflow.db'), { readonly: true });
    try {
      return db.prepare('SELECT check_id FROM monitor_checks').all();
    } finally {
      db.close();
    }
  }
});
