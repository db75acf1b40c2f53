import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/common/mlflow-error';
import type {
  CreateLoggedModelInput,
  SearchLoggedModelsQuery,
} from '../../../src/experiments/logged-models/logged-model.types';
import type { TrackingStore } from '../../../src/experiments/tracking.store';
import { expectMlflowError, metric, newExperiment, newRun, newRunId, ROOT } from './fixture';

const newModelId = () => `m-${newRunId()}`;

/** MLflow 3 logged models, run outputs / model inputs and model-linked metrics. */
export function loggedModelCases(store: () => TrackingStore): void {
  async function newModel(experimentId: string, over: Partial<CreateLoggedModelInput> = {}) {
    const modelId = over.modelId ?? newModelId();
    return store().createLoggedModel({
      modelId,
      experimentId,
      name: 'm',
      artifactLocation: `${ROOT}/${experimentId}/models/${modelId}/artifacts`,
      modelType: '',
      sourceRunId: '',
      params: [],
      tags: [],
      ...over,
    });
  }
  const search = (q: Partial<SearchLoggedModelsQuery> & { experimentIds: string[] }) =>
    store().searchLoggedModels({ clauses: [], datasets: [], orderBy: [], maxResults: 100, offset: 0, ...q });

  describe('logged models', () => {
    it('create returns the PENDING model with params and tags; get reads it back; finalize bumps last_updated', async () => {
      const exp = await newExperiment(store(), 'lm');
      const created = await newModel(exp, {
        name: 'ridge',
        modelType: 'tree',
        sourceRunId: 'r1',
        params: [
          { key: 'b', value: '2' },
          { key: 'a', value: '1' },
        ],
        tags: [{ key: 'k', value: 'v' }],
      });
      expect(created.info).toMatchObject({
        experimentId: exp,
        name: 'ridge',
        status: 'LOGGED_MODEL_PENDING',
        modelType: 'tree',
        sourceRunId: 'r1',
        lifecycleStage: 'active',
      });
      expect(created.params).toEqual([
        { key: 'a', value: '1' },
        { key: 'b', value: '2' },
      ]);
      expect(created.info.tags).toEqual([{ key: 'k', value: 'v' }]);
      expect(created.metrics).toEqual([]);
      expect(await store().getLoggedModel(created.info.modelId)).toEqual(created);
      await new Promise((r) => setTimeout(r, 3));
      await store().finalizeLoggedModel(created.info.modelId, 'LOGGED_MODEL_READY');
      const ready = await store().getLoggedModel(created.info.modelId);
      expect(ready?.info.status).toBe('LOGGED_MODEL_READY');
      expect(ready!.info.lastUpdatedTimestampMs).toBeGreaterThan(created.info.lastUpdatedTimestampMs);
      expect(await store().getLoggedModel(newModelId())).toBeUndefined();
    });

    it('delete is soft: hidden from get, existing and search unless asked for', async () => {
      const exp = await newExperiment(store(), 'lmdel');
      const m = await newModel(exp);
      await store().deleteLoggedModel(m.info.modelId);
      expect(await store().getLoggedModel(m.info.modelId)).toBeUndefined();
      expect((await store().getLoggedModel(m.info.modelId, true))?.info.lifecycleStage).toBe('deleted');
      expect(await store().existingLoggedModels([m.info.modelId])).toEqual(new Set());
      expect((await search({ experimentIds: [exp] })).items).toEqual([]);
    });

    it('tags upsert and delete; params keep run-param semantics; updateLoggedModelTag is atomic', async () => {
      const exp = await newExperiment(store(), 'lmtag');
      const id = (await newModel(exp)).info.modelId;
      await store().setLoggedModelTags(id, [
        { key: 't', value: '1' },
        { key: 't', value: '2' },
      ]);
      expect((await store().getLoggedModel(id))?.info.tags).toEqual([{ key: 't', value: '2' }]);
      expect(await store().deleteLoggedModelTag(id, 't')).toBe(true);
      expect(await store().deleteLoggedModelTag(id, 't')).toBe(false);
      await store().logLoggedModelParams(id, [{ key: 'p', value: 'x' }]);
      await store().logLoggedModelParams(id, [{ key: 'p', value: 'x' }]);
      await expectMlflowError(
        store().logLoggedModelParams(id, [{ key: 'p', value: 'y' }]),
        ErrorCode.INVALID_PARAMETER_VALUE,
      );
      await Promise.all(
        Array.from({ length: 8 }, (_, i) =>
          store().updateLoggedModelTag(id, 'list', (cur) => JSON.stringify([...(cur ? JSON.parse(cur) : []), i])),
        ),
      );
      const list = JSON.parse((await store().getLoggedModel(id))!.info.tags.find((t) => t.key === 'list')!.value);
      expect([...list].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    });

    it('model metrics: every point kept with run and dataset, duplicates ignored, run history unaffected', async () => {
      const exp = await newExperiment(store(), 'lmmet');
      const runId = await newRun(store(), exp);
      const id = (await newModel(exp)).info.modelId;
      const point = { ...metric('acc', 0.5, 10, 1), modelId: id, runId, datasetName: 'd', datasetDigest: 'x' };
      await store().logBatch(runId, {
        metrics: [metric('acc', 0.5, 10, 1)],
        params: [],
        tags: [],
        modelMetrics: [point],
      });
      await store().logBatch(runId, {
        metrics: [metric('acc', NaN, 11, 2)],
        params: [],
        tags: [],
        modelMetrics: [point, { ...metric('acc', NaN, 11, 2), modelId: id, runId }],
      });
      const got = await store().getLoggedModel(id);
      expect(got?.metrics).toEqual([
        point,
        { ...metric('acc', NaN, 11, 2), modelId: id, runId, datasetName: undefined, datasetDigest: undefined },
      ]);
      expect((await store().getMetricHistory(runId, 'acc', 10)).items).toHaveLength(2);
    });

    it('run outputs and model inputs appear on the run, each link once', async () => {
      const exp = await newExperiment(store(), 'lmlinks');
      const runId = await newRun(store(), exp);
      await store().logRunOutputs(runId, [
        { modelId: 'm-b', step: 1 },
        { modelId: 'm-a', step: 0 },
        { modelId: 'm-b', step: 1 },
      ]);
      await store().logRunModelInputs(runId, ['m-z', 'm-z']);
      const run = await store().getRun(runId);
      expect(run?.outputs.modelOutputs).toEqual([
        { modelId: 'm-a', step: 0 },
        { modelId: 'm-b', step: 1 },
      ]);
      expect(run?.inputs.modelInputs).toEqual(['m-z']);
      const [searched] = (
        await store().searchRuns({ experimentIds: [exp], clauses: [], orderBy: [], stages: ['active'], maxResults: 10 })
      ).items;
      expect(searched.outputs.modelOutputs).toHaveLength(2);
    });

    it('search: experiments, clauses, metric ordering with missing values last, offsets with look-ahead', async () => {
      const exp = await newExperiment(store(), 'lmsearch');
      const other = await newExperiment(store(), 'lmsearch2');
      const runId = await newRun(store(), exp);
      const ids: string[] = [];
      for (const [i, value] of [0.3, 0.9, undefined].entries()) {
        const m = await newModel(exp, { name: `n${i}`, params: [{ key: 'i', value: String(i) }] });
        ids.push(m.info.modelId);
        if (value !== undefined) {
          await store().logBatch(runId, {
            metrics: [],
            params: [],
            tags: [],
            modelMetrics: [{ ...metric('r2', value, 1), modelId: m.info.modelId, runId }],
          });
        }
        await new Promise((r) => setTimeout(r, 3));
      }
      await newModel(other);
      const names = async (q: Partial<SearchLoggedModelsQuery>) =>
        (await search({ experimentIds: [exp], ...q })).items.map((m) => m.info.name);
      expect(await names({})).toEqual(['n2', 'n1', 'n0']);
      expect(await names({ clauses: [{ entity: 'metric', key: 'r2', comparator: '>', value: 0.5 }] })).toEqual(['n1']);
      expect(await names({ clauses: [{ entity: 'param', key: 'i', comparator: 'IN', value: ['0', '2'] }] })).toEqual([
        'n2',
        'n0',
      ]);
      expect(await names({ orderBy: [{ field: { metric: 'r2' }, ascending: false }] })).toEqual(['n1', 'n0', 'n2']);
      expect(await names({ orderBy: [{ field: { metric: 'r2' }, ascending: true }] })).toEqual(['n0', 'n1', 'n2']);
      const first = await search({ experimentIds: [exp], maxResults: 2 });
      expect([first.items.length, first.hasMore]).toEqual([2, true]);
      const last = await search({ experimentIds: [exp], maxResults: 2, offset: 2 });
      expect([last.items.length, last.hasMore]).toEqual([1, false]);
      expect((await search({ experimentIds: [exp, other] })).items).toHaveLength(4);
    });
  });
}
