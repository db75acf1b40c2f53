import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Db } from '../src/database/db';
import { openDatabase } from '../src/database/open-database';
import { initialState } from '../src/monitors/check/monitor-check.service';
import type { MonitorConfig } from '../src/monitors/monitor.types';
import { MonitorsStore, NewMonitor } from '../src/monitors/monitors.store';
import { SqlMonitorsStore } from '../src/monitors/store/sql-monitors.store';
import { createTestDatabase, TEST_POSTGRES_URL, TestDatabase } from './support/postgres';

/** MonitorsStore conformance: the same cases on sqlite and (when TEST_POSTGRES_URL is set) Postgres. */

const CONFIG: MonitorConfig = {
  dataset: { ticker: 'MSFT', source: 'sample' },
  schedule: { cron: '0 6 * * *', timezone: 'UTC' },
  thresholds: { minScoredDays: 5, skillWindowDays: 20, driftWindowDays: 60, cooldownDays: 7, maxPsi: 0.25 },
};

const monitor = (id: string, name = id): NewMonitor => ({
  monitorId: id,
  name,
  modelName: 'm',
  config: CONFIG,
  paused: false,
  state: initialState(),
});

const backends = [
  {
    name: 'sqlite',
    enabled: true,
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-mon-store-'));
      const db = await openDatabase({ type: 'sqlite', path: path.join(dir, 'm.db') });
      return { db, close: async () => (await db.close(), fs.rmSync(dir, { recursive: true, force: true })) };
    },
  },
  {
    name: 'postgres',
    enabled: !!TEST_POSTGRES_URL,
    async open() {
      const pg: TestDatabase = await createTestDatabase('tsflow_mon');
      const db = await openDatabase({ type: 'postgres', url: pg.url });
      return { db, close: async () => (await db.close(), await pg.drop()) };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`MonitorsStore on ${backend.name}`, () => {
    let db: Db;
    let close: () => Promise<void>;
    let store: MonitorsStore;

    beforeAll(async () => {
      ({ db, close } = await backend.open());
      store = new SqlMonitorsStore(db);
    });

    afterAll(async () => close?.());

    it('creates, reads back every field, refuses a taken name, lists oldest first', async () => {
      expect(await store.create(monitor('a', 'alpha'))).toBe(true);
      expect(await store.create(monitor('b', 'alpha'))).toBe(false);
      expect(await store.create(monitor('b', 'beta'))).toBe(true);
      const a = await store.get('a');
      expect(a).toMatchObject({ monitorId: 'a', name: 'alpha', modelName: 'm', config: CONFIG, paused: false });
      expect(a!.state).toEqual(initialState());
      expect(typeof a!.createdAt).toBe('number');
      expect(await store.get('nope')).toBeUndefined();
      expect((await store.list(10, 0)).map((m) => m.monitorId)).toEqual(['a', 'b']);
      expect((await store.list(1, 1)).map((m) => m.monitorId)).toEqual(['b']);
    });

    it('updates config, pause and name; saves state', async () => {
      const config = { ...CONFIG, schedule: { cron: '*/10 * * * * *', timezone: 'Europe/Paris' } };
      await store.update('a', { config, paused: true, name: 'alpha2' });
      const state = { ...initialState(), championVersion: '3', scoredDays: 12, lastTick: '2024-01-01T06:00:00.000Z' };
      await store.saveState('a', state);
      const a = await store.get('a');
      expect(a).toMatchObject({ config, paused: true, name: 'alpha2', state });
    });

    it('claims a tick exactly once, even when claimed concurrently', async () => {
      const tick = '2024-07-01T06:00:00.000Z';
      const claims = await Promise.all(
        Array.from({ length: 8 }, (_, i) => store.claimTick('b', tick, 'schedule', `chk-${i}`)),
      );
      const won = claims.filter((c) => c !== undefined);
      expect(won).toHaveLength(1);
      expect(won[0]).toMatchObject({ monitorId: 'b', tick, trigger: 'schedule', status: 'running', finishedAt: null });
      // The same tick on another monitor is its own.
      expect(await store.claimTick('a', tick, 'schedule', 'chk-a')).toBeDefined();
      expect((await store.running('b', 0)).map((c) => c.checkId)).toEqual([won[0]!.checkId]);
    });

    it('finishes checks and returns the history newest first', async () => {
      const [running] = await store.running('b', 0);
      await store.finishCheck(running.checkId, { status: 'failed', asOf: '2024-07-01', error: 'boom' });
      const second = await store.claimTick('b', 'manual:x', 'manual', 'chk-m');
      const report = { as_of: '2024-07-02', reasons: ['all thresholds met'] } as never;
      await store.finishCheck(second!.checkId, {
        status: 'succeeded',
        asOf: '2024-07-02',
        decision: 'retrain',
        report,
        retrainJobId: 'grid-1',
      });
      expect(await store.running('b', 0)).toEqual([]);
      const history = await store.checks('b', 10);
      expect(history.map((c) => c.checkId)).toEqual(['chk-m', running.checkId]);
      expect(history[0]).toMatchObject({ status: 'succeeded', decision: 'retrain', report, retrainJobId: 'grid-1' });
      expect(history[1]).toMatchObject({ status: 'failed', error: 'boom', asOf: '2024-07-01', decision: null });
      expect(history[1].finishedAt).toBeGreaterThanOrEqual(history[1].startedAt);
      expect(await store.check('chk-m')).toEqual(history[0]);
      expect(await store.checks('b', 1)).toHaveLength(1);
    });

    it('deletes a monitor with its checks', async () => {
      expect(await store.delete('b')).toBe(true);
      expect(await store.delete('b')).toBe(false);
      expect(await store.get('b')).toBeUndefined();
      expect(await store.checks('b', 10)).toEqual([]);
      expect((await store.all()).map((m) => m.monitorId)).toEqual(['a']);
    });
  });
}
