import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/common/mlflow-error';
import type { TrackingStore } from '../../../src/experiments/tracking.store';
import type { DatasetInput } from '../../../src/experiments/tracking.types';
import { expectMlflowError, metric, newExperiment, newRun, newRunId, sortedKv, StoreHandle } from './fixture';

const MAX = 1.7976931348623157e308;

/** Run CRUD, log-batch semantics, tags and dataset inputs. */
export function runCases(handle: () => StoreHandle): void {
  const store = (): TrackingStore => handle().store;

  describe('runs', () => {
    it('createRun returns the full run and getRun/getRunInfo read it back', async () => {
      const exp = await newExperiment(store(), 'run');
      const runId = newRunId();
      const tags = [
        { key: 'mlflow.user', value: 'alice' },
        { key: 'mlflow.runName', value: 'first' },
      ];
      const created = await store().createRun({
        runId,
        experimentId: exp,
        userId: 'alice',
        runName: 'first',
        startTime: 1_714_000_000_123,
        tags,
        artifactUri: `s3://b/${runId}/artifacts`,
      });
      const info = {
        runId,
        runName: 'first',
        experimentId: exp,
        userId: 'alice',
        status: 'RUNNING',
        startTime: 1_714_000_000_123,
        endTime: null,
        artifactUri: `s3://b/${runId}/artifacts`,
        lifecycleStage: 'active',
      };
      expect(created.info).toEqual(info);
      expect(sortedKv(created.data.tags)).toEqual(sortedKv(tags));
      expect(created.data.metrics).toEqual([]);
      expect(created.data.params).toEqual([]);
      expect(created.inputs.datasetInputs).toEqual([]);
      expect(await store().getRun(runId)).toEqual(created);
      expect(await store().getRunInfo(runId)).toEqual(info);
      expect(await store().getRun(newRunId())).toBeUndefined();
      expect(await store().getRunInfo(newRunId())).toBeUndefined();
    });

    it('getRuns keeps the order of the ids and skips unknown ones', async () => {
      const exp = await newExperiment(store(), 'runs');
      const [a, b, c] = [await newRun(store(), exp), await newRun(store(), exp), await newRun(store(), exp)];
      await store().logBatch(b, { metrics: [metric('m', 1, 1)], params: [{ key: 'p', value: 'v' }], tags: [] });
      const runs = await store().getRuns([c, newRunId(), a, b]);
      expect(runs.map((r) => r.info.runId)).toEqual([c, a, b]);
      expect(runs[2].data.params).toEqual([{ key: 'p', value: 'v' }]);
      expect(runs[0].data.params).toEqual([]);
      expect(await store().getRuns([])).toEqual([]);
    });

    it('updateRun applies only the present fields; a new name also sets tag mlflow.runName', async () => {
      const exp = await newExperiment(store(), 'upd');
      const runId = await newRun(store(), exp, { runName: 'old', tags: [{ key: 'mlflow.runName', value: 'old' }] });
      const finished = await store().updateRun(runId, { status: 'FINISHED', endTime: 5000 });
      expect(finished).toMatchObject({ status: 'FINISHED', endTime: 5000, runName: 'old' });
      const renamed = await store().updateRun(runId, { runName: 'new' });
      expect(renamed).toMatchObject({ status: 'FINISHED', endTime: 5000, runName: 'new' });
      expect((await store().getRun(runId))!.data.tags).toContainEqual({ key: 'mlflow.runName', value: 'new' });
      const failed = await store().updateRun(runId, { status: 'FAILED' });
      expect(failed).toMatchObject({ status: 'FAILED', endTime: 5000, runName: 'new' });
      expect(await store().updateRun(runId, {})).toEqual(failed);
    });

    it('setRunLifecycle deletes and restores one run', async () => {
      const exp = await newExperiment(store(), 'rlife');
      const [a, b] = [await newRun(store(), exp), await newRun(store(), exp)];
      await store().setRunLifecycle(a, 'deleted');
      expect((await store().getRunInfo(a))!.lifecycleStage).toBe('deleted');
      expect((await store().getRunInfo(b))!.lifecycleStage).toBe('active');
      await store().setRunLifecycle(a, 'active');
      expect((await store().getRunInfo(a))!.lifecycleStage).toBe('active');
    });

    it('deleteTag reports whether the tag existed', async () => {
      const exp = await newExperiment(store(), 'dtag');
      const runId = await newRun(store(), exp, {
        tags: [
          { key: 'a', value: '1' },
          { key: 'b', value: '2' },
        ],
      });
      expect(await store().deleteTag(runId, 'a')).toBe(true);
      expect(await store().deleteTag(runId, 'a')).toBe(false);
      expect(await store().deleteTag(runId, 'zzz')).toBe(false);
      expect((await store().getRun(runId))!.data.tags).toEqual([{ key: 'b', value: '2' }]);
    });
  });

  logBatchCases(store);
  logInputsCases(handle);
}

function logBatchCases(store: () => TrackingStore): void {
  describe('logBatch', () => {
    it('params are immutable: same value is a no-op, a different one lists every conflict', async () => {
      const exp = await newExperiment(store(), 'params');
      const runId = await newRun(store(), exp);
      await store().logBatch(runId, {
        metrics: [],
        params: [
          { key: 'a', value: '1' },
          { key: 'b', value: '' },
        ],
        tags: [],
      });
      await store().logBatch(runId, { metrics: [], params: [{ key: 'a', value: '1' }], tags: [] });
      const one = await expectMlflowError(
        store().logBatch(runId, { metrics: [], params: [{ key: 'a', value: '2' }], tags: [] }),
        ErrorCode.INVALID_PARAMETER_VALUE,
      );
      expect(one.message).toContain("key='a'");
      expect(one.message).toContain("value='1'");
      expect(one.message).toContain("'2'");
      expect(one.message).toContain(runId);
      const two = await expectMlflowError(
        store().logBatch(runId, {
          metrics: [],
          params: [
            { key: 'a', value: 'x' },
            { key: 'b', value: 'y' },
          ],
          tags: [],
        }),
        ErrorCode.INVALID_PARAMETER_VALUE,
      );
      expect(two.message).toContain("'key': 'a'");
      expect(two.message).toContain("'key': 'b'");
      expect((await store().getRun(runId))!.data.params).toEqual([
        { key: 'a', value: '1' },
        { key: 'b', value: '' },
      ]);
    });

    it('racing batches give one key two values: one wins, every other is refused, none is dropped silently', async () => {
      const exp = await newExperiment(store(), 'param-race');
      const runId = await newRun(store(), exp);
      const values = ['1', '2', '3', '4'];
      const outcomes = await Promise.allSettled(
        values.map((value) =>
          store().logBatch(runId, {
            metrics: [],
            params: [
              { key: `own-${value}`, value },
              { key: 'shared', value },
            ],
            tags: [],
          }),
        ),
      );
      const won = values.filter((_, i) => outcomes[i].status === 'fulfilled');
      expect(won).toHaveLength(1);
      for (const o of outcomes) {
        if (o.status === 'rejected') expect((o.reason as Error).message).toContain("key='shared'");
      }
      expect((await store().getRun(runId))!.data.params).toEqual([
        { key: `own-${won[0]}`, value: won[0] },
        { key: 'shared', value: won[0] },
      ]);
      // The same value again is fine.
      await store().logBatch(runId, { metrics: [], params: [{ key: 'shared', value: won[0] }], tags: [] });
    });

    it('a batch with a param conflict writes nothing at all (params, metrics, tags)', async () => {
      const exp = await newExperiment(store(), 'atomic');
      const runId = await newRun(store(), exp);
      await store().logBatch(runId, { metrics: [], params: [{ key: 'fixed', value: '1' }], tags: [] });
      await expectMlflowError(
        store().logBatch(runId, {
          metrics: [metric('m', 1, 10, 0), metric('m', 2, 11, 1)],
          params: [
            { key: 'fresh', value: 'x' },
            { key: 'fixed', value: '2' },
          ],
          tags: [
            { key: 't', value: 'v' },
            { key: 'mlflow.runName', value: 'renamed' },
          ],
        }),
        ErrorCode.INVALID_PARAMETER_VALUE,
      );
      const run = (await store().getRun(runId))!;
      expect(run.data.params).toEqual([{ key: 'fixed', value: '1' }]);
      expect(run.data.metrics).toEqual([]);
      expect(run.data.tags).toEqual([]);
      expect(run.info.runName).not.toBe('renamed');
      expect((await store().getMetricHistory(runId, 'm', 100)).items).toEqual([]);
    });

    it('is one transaction: a batch failing in its last write (tags) leaves its params and metrics out', async () => {
      const exp = await newExperiment(store(), 'atomic2');
      const runId = await newRun(store(), exp);
      // A NULL tag value violates NOT NULL: the services never send one, but it fails after the other writes.
      const broken = { key: 't', value: null as unknown as string };
      await expect(
        store().logBatch(runId, {
          metrics: [metric('m', 1, 10, 0)],
          params: [{ key: 'p', value: 'v' }],
          tags: [broken],
        }),
      ).rejects.toThrow();
      const run = (await store().getRun(runId))!;
      expect(run.data).toEqual({ metrics: [], params: [], tags: [] });
      expect((await store().getMetricHistory(runId, 'm', 100)).items).toEqual([]);
      await store().logBatch(runId, {
        metrics: [metric('m', 1, 10, 0)],
        params: [{ key: 'p', value: 'other' }],
        tags: [],
      });
      expect((await store().getRun(runId))!.data.params).toEqual([{ key: 'p', value: 'other' }]);
    });

    it('ignores exact duplicate metric points within and across batches', async () => {
      const exp = await newExperiment(store(), 'dups');
      const runId = await newRun(store(), exp);
      const points = [
        metric('m', 1.5, 100, 1),
        metric('m', 1.5, 100, 1),
        metric('m', NaN, 100, 1),
        metric('m', NaN, 100, 1),
        metric('m', 0, 100, 1),
      ];
      await store().logBatch(runId, { metrics: points, params: [], tags: [] });
      await store().logBatch(runId, { metrics: points, params: [], tags: [] });
      const history = (await store().getMetricHistory(runId, 'm', 100)).items;
      expect(history).toHaveLength(3);
      expect(history.filter((m) => Number.isNaN(m.value))).toHaveLength(1);
      expect(history.filter((m) => m.value === 0)).toHaveLength(1);
      expect(history.filter((m) => m.value === 1.5)).toHaveLength(1);
    });

    it('latest metric is the greatest (step, timestamp, value) across batches', async () => {
      const exp = await newExperiment(store(), 'latest');
      const runId = await newRun(store(), exp);
      const latest = async () => (await store().getRun(runId))!.data.metrics;
      const log = (...ms: ReturnType<typeof metric>[]) =>
        store().logBatch(runId, { metrics: ms, params: [], tags: [] });
      await log(metric('m', 1, 100, 5));
      await log(metric('m', 2, 999, 3)); // lower step loses despite later timestamp
      expect(await latest()).toEqual([metric('m', 1, 100, 5)]);
      await log(metric('m', 0, 101, 5)); // same step, later timestamp wins despite lower value
      expect(await latest()).toEqual([metric('m', 0, 101, 5)]);
      await log(metric('m', 3, 101, 5)); // same step and timestamp: larger value wins
      await log(metric('m', -1, 101, 5));
      expect(await latest()).toEqual([metric('m', 3, 101, 5)]);
      await log(metric('m', -7, 0, 6)); // higher step wins regardless
      expect(await latest()).toEqual([metric('m', -7, 0, 6)]);
    });

    it('latest metric is the greatest (step, timestamp, value) within one batch, per key', async () => {
      const exp = await newExperiment(store(), 'latest1');
      const runId = await newRun(store(), exp);
      await store().logBatch(runId, {
        metrics: [
          metric('b', 9, 50, 0),
          metric('a', 1, 10, 2),
          metric('a', 5, 5, 2),
          metric('a', 4, 10, 2),
          metric('a', 100, 999, 1),
          metric('b', 8, 60, 0),
        ],
        params: [],
        tags: [],
      });
      expect((await store().getRun(runId))!.data.metrics).toEqual([metric('a', 4, 10, 2), metric('b', 8, 60, 0)]);
    });

    it('stores NaN as NaN and ±Infinity as ±max double', async () => {
      const exp = await newExperiment(store(), 'nan');
      const runId = await newRun(store(), exp);
      await store().logBatch(runId, {
        metrics: [
          metric('nan', NaN, 1, 0),
          metric('pinf', Infinity, 1, 0),
          metric('ninf', -Infinity, 1, 0),
          metric('tiny', 5e-324, 1, 0),
        ],
        params: [],
        tags: [],
      });
      const latest = new Map((await store().getRun(runId))!.data.metrics.map((m) => [m.key, m.value]));
      expect(latest.get('nan')).toBeNaN();
      expect(latest.get('pinf')).toBe(MAX);
      expect(latest.get('ninf')).toBe(-MAX);
      expect(latest.get('tiny')).toBe(5e-324);
      expect((await store().getMetricHistory(runId, 'nan', 10)).items[0].value).toBeNaN();
      expect((await store().getMetricHistory(runId, 'pinf', 10)).items[0].value).toBe(MAX);
      expect((await store().getMetricHistory(runId, 'ninf', 10)).items[0].value).toBe(-MAX);
    });

    it('NaN counts as 0 when choosing the latest point', async () => {
      const exp = await newExperiment(store(), 'nan0');
      const runId = await newRun(store(), exp);
      await store().logBatch(runId, { metrics: [metric('m', -1, 5, 1)], params: [], tags: [] });
      await store().logBatch(runId, { metrics: [metric('m', NaN, 5, 1)], params: [], tags: [] });
      expect((await store().getRun(runId))!.data.metrics[0].value).toBeNaN();
      await store().logBatch(runId, { metrics: [metric('m', 0.5, 5, 1)], params: [], tags: [] });
      expect((await store().getRun(runId))!.data.metrics[0].value).toBe(0.5);
    });

    it('tags upsert, the last value of a key in one batch wins, mlflow.runName renames the run', async () => {
      const exp = await newExperiment(store(), 'tags');
      const runId = await newRun(store(), exp, { runName: 'before' });
      await store().logBatch(runId, {
        metrics: [],
        params: [],
        tags: [
          { key: 't', value: '1' },
          { key: 'u', value: '' },
        ],
      });
      await store().logBatch(runId, {
        metrics: [],
        params: [],
        tags: [
          { key: 't', value: '2' },
          { key: 't', value: '3' },
          { key: 'mlflow.runName', value: 'after' },
        ],
      });
      const run = (await store().getRun(runId))!;
      expect(sortedKv(run.data.tags)).toEqual([
        { key: 'mlflow.runName', value: 'after' },
        { key: 't', value: '3' },
        { key: 'u', value: '' },
      ]);
      expect(run.info.runName).toBe('after');
    });

    it('an empty batch is a no-op', async () => {
      const exp = await newExperiment(store(), 'empty');
      const runId = await newRun(store(), exp);
      const before = await store().getRun(runId);
      await store().logBatch(runId, { metrics: [], params: [], tags: [] });
      expect(await store().getRun(runId)).toEqual(before);
    });
  });
}

function dataset(name: string, digest: string, extra: Partial<DatasetInput['dataset']> = {}): DatasetInput['dataset'] {
  return { name, digest, sourceType: 'local', source: '{"uri": "/data/x.csv"}', ...extra };
}

function logInputsCases(handle: () => StoreHandle): void {
  const store = () => handle().store;
  const datasetRows = async (experimentId: string) => {
    const rows = await handle().db.query<{ n: number }>('SELECT COUNT(*) AS n FROM datasets WHERE experiment_id = ?', [
      Number(experimentId),
    ]);
    return Number(rows[0].n);
  };

  describe('logInputs', () => {
    it('stores a dataset once per experiment, links it once, and writes input tags only with the first link', async () => {
      const exp = await newExperiment(store(), 'inputs');
      const [a, b] = [await newRun(store(), exp), await newRun(store(), exp)];
      const ds = dataset('train', 'd1', { schema: '{"cols": []}', profile: '{"rows": 3}' });
      const context = { key: 'mlflow.data.context', value: 'training' };
      await store().logInputs(a, exp, [{ tags: [context], dataset: ds }]);
      await store().logInputs(a, exp, [
        {
          tags: [
            { key: 'mlflow.data.context', value: 'eval' },
            { key: 'x', value: 'y' },
          ],
          dataset: ds,
        },
      ]);
      await store().logInputs(b, exp, [{ tags: [], dataset: ds }]);
      expect((await store().getRun(a))!.inputs.datasetInputs).toEqual([{ tags: [context], dataset: ds }]);
      expect((await store().getRun(b))!.inputs.datasetInputs).toEqual([{ tags: [], dataset: ds }]);
      expect(await datasetRows(exp)).toBe(1);
    });

    it('a new digest is a new dataset; another experiment gets its own copy; optional fields stay absent', async () => {
      const exp = await newExperiment(store(), 'inputs2');
      const other = await newExperiment(store(), 'inputs3');
      const runId = await newRun(store(), exp);
      const otherRun = await newRun(store(), other);
      await store().logInputs(runId, exp, [
        { tags: [], dataset: dataset('train', 'v1') },
        {
          tags: [
            { key: 'b', value: '2' },
            { key: 'a', value: '1' },
          ],
          dataset: dataset('train', 'v2'),
        },
      ]);
      await store().logInputs(otherRun, other, [{ tags: [], dataset: dataset('train', 'v1') }]);
      const inputs = (await store().getRun(runId))!.inputs.datasetInputs;
      expect(inputs.map((i) => i.dataset.digest).sort()).toEqual(['v1', 'v2']);
      const v2 = inputs.find((i) => i.dataset.digest === 'v2')!;
      expect(sortedKv(v2.tags)).toEqual([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ]);
      expect(v2.dataset.schema).toBeUndefined();
      expect(v2.dataset.profile).toBeUndefined();
      expect(await datasetRows(exp)).toBe(2);
      expect(await datasetRows(other)).toBe(1);
      expect((await store().getRun(otherRun))!.inputs.datasetInputs).toEqual([
        { tags: [], dataset: dataset('train', 'v1') },
      ]);
    });
  });
}
