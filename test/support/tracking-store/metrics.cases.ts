import { describe, expect, it } from 'vitest';
import type { BulkIntervalQuery, TrackingStore } from '../../../src/experiments/tracking.store';
import type { Metric } from '../../../src/experiments/tracking.types';
import { allPages, metric, newExperiment, newRun, newRunId } from './fixture';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Metric history, the chart down-sampling endpoint, and concurrent log-batch. */
export function metricCases(store: () => TrackingStore): void {
  const logSteps = (runId: string, key: string, steps: number[]) =>
    store().logBatch(runId, { metrics: steps.map((s) => metric(key, s * 10, 1000 + s, s)), params: [], tags: [] });

  describe('getMetricHistory', () => {
    it('returns every point of one key ordered by (timestamp, step, value)', async () => {
      const exp = await newExperiment(store(), 'hist');
      const runId = await newRun(store(), exp);
      const points = [
        metric('m', 1, 3, 1),
        metric('m', 5, 1, 2),
        metric('m', 9, 1, 1),
        metric('m', 2, 1, 1),
        metric('m', 0, 2, 0),
        metric('other', 7, 0, 0),
      ];
      await store().logBatch(runId, { metrics: points.slice(0, 3), params: [], tags: [] });
      await store().logBatch(runId, { metrics: points.slice(3), params: [], tags: [] });
      const res = await store().getMetricHistory(runId, 'm', 100);
      expect(res.items).toEqual([
        metric('m', 2, 1, 1),
        metric('m', 9, 1, 1),
        metric('m', 5, 1, 2),
        metric('m', 0, 2, 0),
        metric('m', 1, 3, 1),
      ]);
      expect(res.nextPageToken).toBeUndefined();
      expect((await store().getMetricHistory(runId, 'missing', 100)).items).toEqual([]);
      expect((await store().getMetricHistory(newRunId(), 'm', 100)).items).toEqual([]);
    });

    it('pages by offset; a token appears only when more points exist', async () => {
      const exp = await newExperiment(store(), 'histpage');
      const runId = await newRun(store(), exp);
      await logSteps(runId, 'm', range(0, 6));
      const pages = await allPages((page) => store().getMetricHistory(runId, 'm', 3, page));
      expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
      expect(pages.flat().map((m) => m.step)).toEqual(range(0, 6));
      const exact = await store().getMetricHistory(runId, 'm', 7);
      expect(exact.items).toHaveLength(7);
      expect(exact.nextPageToken).toBeUndefined();
    });
  });

  describe('getMetricHistoryBulkInterval', () => {
    const bulk = async (q: Partial<BulkIntervalQuery> & { runIds: string[] }) =>
      store().getMetricHistoryBulkInterval({ key: 'loss', maxResults: 2500, ...q });
    const stepsOf = (rows: (Metric & { runId: string })[], runId: string) =>
      rows.filter((r) => r.runId === runId).map((r) => r.step);

    it('returns every step when there are at most max_results, per run in the order of run_ids', async () => {
      const exp = await newExperiment(store(), 'bulk');
      const [a, b] = [await newRun(store(), exp), await newRun(store(), exp)];
      await logSteps(a, 'loss', range(0, 9));
      await logSteps(b, 'loss', range(0, 4));
      await logSteps(b, 'acc', range(0, 50));
      const rows = await bulk({ runIds: [b, a], maxResults: 10 });
      expect(rows.map((r) => r.runId)).toEqual([...Array(5).fill(b), ...Array(10).fill(a)]);
      expect(stepsOf(rows, a)).toEqual(range(0, 9));
      expect(rows[5]).toEqual({ runId: a, key: 'loss', value: 0, timestamp: 1000, step: 0 });
    });

    it('samples max_results evenly spaced steps plus the last, and adds each run’s own first and last step', async () => {
      const exp = await newExperiment(store(), 'bulk2');
      const [a, b] = [await newRun(store(), exp), await newRun(store(), exp)];
      await logSteps(a, 'loss', range(0, 99));
      await logSteps(b, 'loss', [5, 55]);
      const rows = await bulk({ runIds: [a, b], maxResults: 10 });
      expect(stepsOf(rows, a)).toEqual([0, 5, 10, 20, 30, 40, 50, 55, 60, 70, 80, 90, 99]);
      expect(stepsOf(rows, b)).toEqual([5, 55]);
    });

    it('restricts to [start_step, end_step]; a run’s own min/max outside the range is not added', async () => {
      const exp = await newExperiment(store(), 'bulk3');
      const [a, b] = [await newRun(store(), exp), await newRun(store(), exp)];
      await logSteps(a, 'loss', range(0, 100));
      await logSteps(b, 'loss', [5, 12, 100]);
      // 21 steps in range, 4 samples: indices 0, 5, 10, 15 (stride 5.25) plus the last (30).
      const sampled = await bulk({ runIds: [a, b], startStep: 10, endStep: 30, maxResults: 4 });
      expect(stepsOf(sampled, a)).toEqual([10, 15, 20, 25, 30]);
      expect(stepsOf(sampled, b)).toEqual([]);
      const all = await bulk({ runIds: [a, b], startStep: 20, endStep: 60 });
      expect(stepsOf(all, a)).toEqual(range(20, 60));
      expect(stepsOf(all, b)).toEqual([]);
      const withMax = await bulk({ runIds: [a, b], startStep: 50, endStep: 100, maxResults: 2 });
      // 51 steps, 2 samples: 50 and 75, plus the last (100), which is also both runs' max.
      expect(stepsOf(withMax, a)).toEqual([50, 75, 100]);
      expect(stepsOf(withMax, b)).toEqual([100]);
    });

    it('defaults to the range [0, max step] and returns every point at a sampled step', async () => {
      const exp = await newExperiment(store(), 'bulk4');
      const runId = await newRun(store(), exp);
      await logSteps(runId, 'loss', range(-3, 3));
      await store().logBatch(runId, {
        metrics: [metric('loss', 42, 5000, 2), metric('loss', NaN, 6000, 2)],
        params: [],
        tags: [],
      });
      const rows = await bulk({ runIds: [runId] });
      expect(rows.map((r) => r.step)).toEqual([0, 1, 2, 2, 2, 3]);
      expect(rows.filter((r) => r.step === 2).map((r) => r.timestamp)).toEqual([1002, 5000, 6000]);
      expect(rows.find((r) => r.timestamp === 6000)!.value).toBeNaN();
      expect(await bulk({ runIds: [newRunId()] })).toEqual([]);
    });
  });

  describe('concurrent logBatch', () => {
    it('20 concurrent batches on different runs and 20 on one run all succeed with every point present', async () => {
      const exp = await newExperiment(store(), 'conc');
      const runs = await Promise.all(range(1, 20).map(() => newRun(store(), exp)));
      const batchFor = (i: number) => ({
        metrics: range(0, 49).map((s) => metric(`m${s % 5}`, i + s, 1000 + s, s)),
        params: [{ key: `p${i}`, value: String(i) }],
        tags: [{ key: `t${i}`, value: String(i) }],
      });
      await Promise.all(runs.map((r, i) => store().logBatch(r, batchFor(i))));
      for (const [i, r] of runs.entries()) {
        const run = (await store().getRun(r))!;
        expect(run.data.params).toEqual([{ key: `p${i}`, value: String(i) }]);
        expect(run.data.metrics.map((m) => [m.key, m.step])).toEqual([
          ['m0', 45],
          ['m1', 46],
          ['m2', 47],
          ['m3', 48],
          ['m4', 49],
        ]);
        expect((await store().getMetricHistory(r, 'm0', 100)).items).toHaveLength(10);
      }
      const shared = runs[0];
      await Promise.all(
        range(0, 19).map((i) =>
          store().logBatch(shared, {
            metrics: [metric('shared', i, 5000 + i, 100 + i), metric(`own${i}`, i, 5000, 0)],
            params: [{ key: `sp${i}`, value: 'v' }],
            tags: [{ key: 'last', value: String(i) }],
          }),
        ),
      );
      const run = (await store().getRun(shared))!;
      expect((await store().getMetricHistory(shared, 'shared', 100)).items.map((m) => m.step)).toEqual(range(100, 119));
      expect(run.data.metrics.find((m) => m.key === 'shared')).toEqual(metric('shared', 19, 5019, 119));
      expect(run.data.metrics.filter((m) => m.key.startsWith('own'))).toHaveLength(20);
      expect(run.data.params.filter((p) => p.key.startsWith('sp'))).toHaveLength(20);
      expect(run.data.tags.filter((t) => t.key === 'last')).toHaveLength(1);
    });
  });
}
