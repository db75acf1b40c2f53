import { describe, expect, it } from 'vitest';
import { buildSummary, decodeSummary, encodeSummary } from '../../../src/experiments/history/summary';
import type { Metric } from '../../../src/experiments/tracking.types';
import { metric, newExperiment, newRun, type StoreHandle } from './fixture';

const noMore = { params: [], tags: [] };

/**
 * Pre-sampled histories (getMetricSummaries): whatever the order, batching, duplicates, values or
 * writers, each equals the summary of the run's full stored history.
 */
export function summaryCases(handle: () => StoreHandle): void {
  const store = () => handle().store;
  const expectExact = async (runIds: string[], key: string, duplicates = 0) => {
    const summaries = await store().getMetricSummaries(runIds, key);
    const full = await store().getMetricColumns(runIds, key);
    expect([...summaries.keys()].sort()).toEqual([...full.keys()].sort());
    for (const [runId, cols] of full) {
      // The point count is an estimate: a re-logged duplicate may count again (Postgres), never a point less.
      const s = summaries.get(runId)!;
      expect(s.points - cols.steps.length, `${runId}/${key}`).toBeGreaterThanOrEqual(0);
      expect(s.points - cols.steps.length, `${runId}/${key}`).toBeLessThanOrEqual(duplicates);
      expect(Buffer.from(encodeSummary({ ...s, points: cols.steps.length })), `${runId}/${key}`).toEqual(
        Buffer.from(encodeSummary(buildSummary(cols))),
      );
    }
  };

  describe('getMetricSummaries', () => {
    it('matches the full history for a training loop, out-of-order and repeated points, NaN and ±Infinity', async () => {
      const exp = await newExperiment(store(), 'summ');
      const runId = await newRun(store(), exp);
      for (let s = 0; s < 300; s += 3)
        await store().logBatch(runId, {
          metrics: [0, 1, 2].map((k) => metric('loss', Math.exp(-(s + k) / 50), 1000 + s + k, s + k)),
          ...noMore,
        });
      await expectExact([runId], 'loss');
      const odd: Metric[] = [
        metric('loss', 99, 5, 17), // an old step, a new extreme
        metric('loss', Math.exp(-3 / 50), 1003, 3), // an exact duplicate
        metric('loss', NaN, 7, 250),
        metric('loss', Infinity, 8, 251),
        metric('loss', -Infinity, 9, 252),
        metric('loss', -5, 10, -40), // a negative step: the grid re-anchors
        metric('loss', 1, 11, 2 ** 40), // far ahead: the width doubles many times
      ];
      for (const m of odd) await store().logBatch(runId, { metrics: [m], ...noMore });
      await expectExact([runId], 'loss', 1);
      const s = (await store().getMetricSummaries([runId], 'loss')).get(runId)!;
      expect(Math.max(...s.buckets.map((b) => b.max))).toBe(99);
      expect(s.buckets[0].firstStep).toBe(-40);
    });

    it('stays exact under concurrent batches on one run and key, and leaves out runs without the key', async () => {
      const exp = await newExperiment(store(), 'summ-conc');
      const [a, b] = [await newRun(store(), exp), await newRun(store(), exp)];
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          store().logBatch(a, {
            metrics: Array.from({ length: 20 }, (_, k) => metric('acc', (i * 7 + k) % 13, 100 + i, i * 20 + k)),
            ...noMore,
          }),
        ),
      );
      await expectExact([a, b], 'acc');
      expect((await store().getMetricSummaries([b], 'acc')).size).toBe(0);
    });

    it('rebuilds from the history what was written around the store (no summary row)', async () => {
      const exp = await newExperiment(store(), 'summ-raw');
      const runId = await newRun(store(), exp);
      await store().logBatch(runId, { metrics: [metric('m', 1, 1, 0)], ...noMore });
      const { db } = handle();
      for (let s = 1; s < 500; s++)
        await db.query(
          'INSERT INTO metrics (run_uuid, key, value, is_nan, timestamp, step) VALUES (?, ?, ?, 0, ?, ?)',
          [runId, 'm', Math.sin(s), 1 + s, s],
        );
      await db.query('DELETE FROM metric_summaries WHERE run_uuid = ?', [runId]);
      await expectExact([runId], 'm');
      // The rebuilt summary was stored: later batches keep it exact.
      await store().logBatch(runId, { metrics: [metric('m', 7, 600, 600), metric('m', -7, 2, 2)], ...noMore });
      await expectExact([runId], 'm');
      // A blob this code cannot read (another version) is rebuilt and replaced.
      await db.query('UPDATE metric_summaries SET data = ? WHERE run_uuid = ?', [Buffer.from([9, 9, 9]), runId]);
      await expectExact([runId], 'm');
      const [row] = await db.query<{ data: Uint8Array }>('SELECT data FROM metric_summaries WHERE run_uuid = ?', [
        runId,
      ]);
      expect(decodeSummary(row.data)).toBeDefined();
    });
  });
}
