import { describe, expect, it } from 'vitest';
import { metric, newExperiment, newRun, type StoreHandle } from './fixture';

const noMore = { params: [], tags: [] };

/**
 * The two tables behind a metric history on sqlite (migration 1763800000035,
 * metric-history.sql.ts): new points in `metric_recent`, moved to `metrics` when many or when the
 * run ends. Whichever table a point is in, it is stored once and read once (Postgres: one table).
 */
export function historyTableCases(handle: () => StoreHandle): void {
  const store = () => handle().store;
  const db = () => handle().db;
  const recentRows = async (runId: string) =>
    Number(
      (
        await db().query<{ n: number | string }>('SELECT count(*) AS n FROM metric_recent WHERE run_uuid = ?', [runId])
      )[0].n,
    );
  const history = async (runId: string, key: string) => (await store().getMetricHistory(runId, key, 1000)).items;

  describe('metric history tables', () => {
    it('a run that ends has its points moved; a point re-logged afterwards is not stored twice', async () => {
      const exp = await newExperiment(store(), 'hist-tables');
      const runId = await newRun(store(), exp);
      const points = [metric('m', 1, 10, 0), metric('m', 2, 20, 1), metric('n', NaN, 30, 1)];
      await store().logBatch(runId, { metrics: points, ...noMore });
      await store().updateRun(runId, { status: 'FINISHED', endTime: 40 });
      expect(await recentRows(runId)).toBe(0);
      // The same points again (a retried request), and one new point below the moved steps.
      await store().logBatch(runId, { metrics: [...points, metric('m', 3, 5, 0)], ...noMore });
      expect(await history(runId, 'm')).toEqual([metric('m', 3, 5, 0), metric('m', 1, 10, 0), metric('m', 2, 20, 1)]);
      expect((await history(runId, 'n')).length).toBe(1);
      const columns = (await store().getMetricColumns([runId], 'm')).get(runId)!;
      expect(Array.from(columns.steps)).toEqual([0, 0, 1]);
      const summary = (await store().getMetricSummaries([runId], 'm')).get(runId)!;
      // sqlite summarizes stored points; Postgres counts the two re-logged ones again (an estimate).
      expect(summary.points).toBe(db().dialect === 'sqlite' ? 3 : 5);
    });

    it('points of a run from before the two tables (no step bound) are looked up before storing', async () => {
      const exp = await newExperiment(store(), 'hist-legacy');
      const runId = await newRun(store(), exp);
      await db().query('UPDATE runs SET metrics_max_step = NULL WHERE run_uuid = ?', [runId]);
      for (const step of [5, 6])
        await db().query(
          'INSERT INTO metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, 0, ?, ?)',
          [runId, 'm', step, 100 + step, step],
        );
      await store().logBatch(runId, { metrics: [metric('m', 5, 105, 5), metric('m', 7, 107, 7)], ...noMore });
      expect((await history(runId, 'm')).map((p) => p.step)).toEqual([5, 6, 7]);
      // Moving (sqlite) sets the bound from what `metrics` holds.
      await store().updateRun(runId, { status: 'KILLED' });
      const [{ s }] = await db().query<{ s: number | string }>(
        'SELECT metrics_max_step AS s FROM runs WHERE run_uuid = ?',
        [runId],
      );
      if (db().dialect === 'sqlite') expect(Number(s)).toBe(7);
      await store().logBatch(runId, { metrics: [metric('m', 6, 106, 6), metric('m', 8, 108, 8)], ...noMore });
      expect((await history(runId, 'm')).map((p) => p.step)).toEqual([5, 6, 7, 8]);
    });
  });
}
