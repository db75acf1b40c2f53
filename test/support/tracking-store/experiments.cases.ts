import { describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/common/mlflow-error';
import { EXPERIMENTS_GRAMMAR, parseFilter, parseOrderBy, type PageToken } from '../../../src/common/search';
import type { SearchQuery, TrackingStore } from '../../../src/experiments/tracking.store';
import type { Experiment, LifecycleStage } from '../../../src/experiments/tracking.types';
import { allPages, expectMlflowError, MakeStore, newExperiment, newRun, ROOT, sortedKv, uniqueName } from './fixture';

function query(
  filter: string,
  orderBy: string[] = [],
  stages: LifecycleStage[] = ['active'],
  maxResults = 1000,
  page?: PageToken,
): SearchQuery {
  return {
    clauses: parseFilter(filter, EXPERIMENTS_GRAMMAR),
    orderBy: parseOrderBy(orderBy, EXPERIMENTS_GRAMMAR),
    stages,
    maxResults,
    page,
  };
}

const names = (items: Experiment[]) => items.map((e) => e.name);

/** Experiment lifecycle, naming, tags and search-experiments. */
export function experimentCases(store: () => TrackingStore, makeStore: MakeStore): void {
  describe('experiments', () => {
    it('ensureDefaultExperiment creates experiment 0 once, also when called concurrently', async () => {
      const fresh = await makeStore();
      try {
        await Promise.all(Array.from({ length: 8 }, () => fresh.store.ensureDefaultExperiment(ROOT)));
        await fresh.store.ensureDefaultExperiment('s3://elsewhere');
        const all = await fresh.store.searchExperiments(query('', [], ['active', 'deleted']));
        expect(all.items).toHaveLength(1);
        expect(all.items[0]).toMatchObject({
          experimentId: '0',
          name: 'Default',
          artifactLocation: `${ROOT}/0`,
          lifecycleStage: 'active',
          tags: [],
        });
        // The identity sequence is not disturbed by the explicit id 0.
        const next = await fresh.store.createExperiment({ name: 'second', tags: [] }, ROOT);
        expect(Number(next)).toBeGreaterThan(0);
        await fresh.store.ensureDefaultExperiment(ROOT);
        expect((await fresh.store.searchExperiments(query('', [], ['active', 'deleted']))).items).toHaveLength(2);
      } finally {
        await fresh.close();
      }
    });

    it('createExperiment defaults artifact_location to <root>/<id> and keeps an explicit one', async () => {
      const before = Date.now();
      const id = await store().createExperiment({ name: uniqueName('loc'), tags: [] }, 'file:///tmp/root');
      expect(id).toMatch(/^\d+$/);
      const e = await store().getExperiment(id);
      expect(e?.artifactLocation).toBe(`file:///tmp/root/${id}`);
      expect(e?.lifecycleStage).toBe('active');
      expect(e?.creationTime).toBeGreaterThanOrEqual(before);
      expect(e?.lastUpdateTime).toBe(e?.creationTime);
      const id2 = await store().createExperiment(
        { name: uniqueName('loc'), artifactLocation: 's3://bucket/x', tags: [] },
        ROOT,
      );
      expect((await store().getExperiment(id2))?.artifactLocation).toBe('s3://bucket/x');
      expect(Number(id2)).toBeGreaterThan(Number(id));
    });

    it('createExperiment stores tags (last value of a repeated key wins)', async () => {
      const tags = [
        { key: 'team', value: 'a' },
        { key: 'mlflow.note.content', value: '' },
        { key: 'team', value: 'b' },
      ];
      const id = await newExperiment(store(), 'tags', tags);
      expect(sortedKv((await store().getExperiment(id))!.tags)).toEqual([
        { key: 'mlflow.note.content', value: '' },
        { key: 'team', value: 'b' },
      ]);
    });

    it('rejects a duplicate name with RESOURCE_ALREADY_EXISTS, also when the holder is deleted', async () => {
      const name = uniqueName('dup');
      const id = await store().createExperiment({ name, tags: [] }, ROOT);
      await expectMlflowError(
        store().createExperiment({ name, tags: [{ key: 'k', value: 'v' }] }, ROOT),
        ErrorCode.RESOURCE_ALREADY_EXISTS,
      );
      await store().setExperimentLifecycle(id, 'deleted');
      const err = await expectMlflowError(
        store().createExperiment({ name, tags: [] }, ROOT),
        ErrorCode.RESOURCE_ALREADY_EXISTS,
      );
      expect(err.message).toContain(name);
      const found = await store().searchExperiments(query(`name = '${name}'`, [], ['active', 'deleted']));
      expect(found.items.map((e) => e.experimentId)).toEqual([id]);
      // Names are case-sensitive.
      await expect(store().createExperiment({ name: name.toUpperCase(), tags: [] }, ROOT)).resolves.toMatch(/^\d+$/);
    });

    it('getExperiment / getExperimentByName find active and deleted experiments, exact names only', async () => {
      const name = uniqueName('Get');
      const id = await store().createExperiment({ name, tags: [] }, ROOT);
      expect((await store().getExperimentByName(name))?.experimentId).toBe(id);
      expect(await store().getExperimentByName(name.toLowerCase())).toBeUndefined();
      expect(await store().getExperimentByName(`${name}x`)).toBeUndefined();
      expect(await store().getExperiment('987654321')).toBeUndefined();
      expect(await store().getExperiment('abc')).toBeUndefined();
      await store().setExperimentLifecycle(id, 'deleted');
      expect((await store().getExperiment(id))?.lifecycleStage).toBe('deleted');
      expect((await store().getExperimentByName(name))?.lifecycleStage).toBe('deleted');
    });

    it('renames; a taken name (active or deleted) is RESOURCE_ALREADY_EXISTS and changes nothing', async () => {
      const id = await newExperiment(store(), 'ren');
      const before = (await store().getExperiment(id))!;
      const newName = uniqueName('renamed');
      await store().renameExperiment(id, newName);
      const after = (await store().getExperiment(id))!;
      expect(after.name).toBe(newName);
      expect(after.lastUpdateTime).toBeGreaterThanOrEqual(before.lastUpdateTime);
      expect(await store().getExperimentByName(before.name)).toBeUndefined();
      const other = await newExperiment(store(), 'ren-other');
      const otherName = (await store().getExperiment(other))!.name;
      await expectMlflowError(store().renameExperiment(id, otherName), ErrorCode.RESOURCE_ALREADY_EXISTS);
      await store().setExperimentLifecycle(other, 'deleted');
      await expectMlflowError(store().renameExperiment(id, otherName), ErrorCode.RESOURCE_ALREADY_EXISTS);
      expect((await store().getExperiment(id))!.name).toBe(newName);
    });

    it('lifecycle changes cascade to every run of the experiment and no other', async () => {
      const id = await newExperiment(store(), 'life');
      const other = await newExperiment(store(), 'life-other');
      const [r1, r2, r3] = [await newRun(store(), id), await newRun(store(), id), await newRun(store(), other)];
      await store().setRunLifecycle(r2, 'deleted');
      await store().setExperimentLifecycle(id, 'deleted');
      expect((await store().getExperiment(id))!.lifecycleStage).toBe('deleted');
      expect((await store().getRunInfo(r1))!.lifecycleStage).toBe('deleted');
      expect((await store().getRunInfo(r2))!.lifecycleStage).toBe('deleted');
      expect((await store().getRunInfo(r3))!.lifecycleStage).toBe('active');
      await store().setExperimentLifecycle(id, 'active');
      expect((await store().getExperiment(id))!.lifecycleStage).toBe('active');
      expect((await store().getRunInfo(r1))!.lifecycleStage).toBe('active');
      expect((await store().getRunInfo(r2))!.lifecycleStage).toBe('active');
    });

    it('experiment tags upsert and delete', async () => {
      const id = await newExperiment(store(), 'etag');
      await store().setExperimentTag(id, { key: 'k', value: '1' });
      await store().setExperimentTag(id, { key: 'k', value: '2' });
      await store().setExperimentTag(id, { key: 'empty', value: '' });
      expect(sortedKv((await store().getExperiment(id))!.tags)).toEqual([
        { key: 'empty', value: '' },
        { key: 'k', value: '2' },
      ]);
      expect(await store().deleteExperimentTag(id, 'k')).toBe(true);
      expect(await store().deleteExperimentTag(id, 'k')).toBe(false);
      expect(await store().deleteExperimentTag(id, 'never')).toBe(false);
      expect((await store().getExperiment(id))!.tags).toEqual([{ key: 'empty', value: '' }]);
    });

    searchExperimentCases(store);
  });
}

function searchExperimentCases(store: () => TrackingStore): void {
  describe('searchExperiments', () => {
    it('filters by name (LIKE case-sensitive, ILIKE, =, !=), tags and times', async () => {
      const p = uniqueName('S');
      const ids: Record<string, string> = {};
      for (const [suffix, team] of [
        ['-Alpha', 'red'],
        ['-alpha', 'blue'],
        ['-beta', 'red'],
      ]) {
        ids[suffix] = await newExperiment(store(), 'x', [{ key: 'team', value: team }]);
        await store().renameExperiment(ids[suffix], p + suffix);
      }
      const search = async (f: string) => names((await store().searchExperiments(query(f, ['name ASC']))).items);
      expect(await search(`name LIKE '${p}-a%'`)).toEqual([`${p}-alpha`]);
      expect(await search(`name ILIKE '${p}-A%'`)).toEqual([`${p}-Alpha`, `${p}-alpha`]);
      expect(await search(`name = '${p}-beta'`)).toEqual([`${p}-beta`]);
      expect(await search(`name LIKE '${p}%' AND name != '${p}-beta'`)).toEqual([`${p}-Alpha`, `${p}-alpha`]);
      expect(await search(`name LIKE '${p}%' AND tags.team = 'red'`)).toEqual([`${p}-Alpha`, `${p}-beta`]);
      expect(await search(`name LIKE '${p}%' AND tags.team LIKE 'b%'`)).toEqual([`${p}-alpha`]);
      expect(await search(`name LIKE '${p}%' AND tags.missing != 'x'`)).toEqual([]);
      const created = (await store().getExperiment(ids['-beta']))!.creationTime;
      expect(await search(`name LIKE '${p}%' AND creation_time > ${created + 1}`)).toEqual([]);
      expect((await search(`name LIKE '${p}%' AND creation_time <= ${created}`)).length).toBe(3);
    });

    it('orders names byte-wise, experiment ids numerically, and by default creation_time DESC, experiment_id ASC', async () => {
      const p = uniqueName('O');
      for (const suffix of ['-b', '-B', '-a', '-A', '-10', '-9']) {
        const id = await newExperiment(store(), 'x');
        await store().renameExperiment(id, p + suffix);
      }
      const f = `name LIKE '${p}%'`;
      const asc = ['-10', '-9', '-A', '-B', '-a', '-b'].map((s) => p + s);
      expect(names((await store().searchExperiments(query(f, ['name ASC']))).items)).toEqual(asc);
      expect(names((await store().searchExperiments(query(f, ['name DESC']))).items)).toEqual([...asc].reverse());
      const byId = (await store().searchExperiments(query(f, ['experiment_id ASC']))).items.map((e) =>
        Number(e.experimentId),
      );
      expect(byId).toEqual([...byId].sort((a, b) => a - b));
      const byIdDesc = (await store().searchExperiments(query(f, ['experiment_id DESC']))).items.map((e) =>
        Number(e.experimentId),
      );
      expect(byIdDesc).toEqual([...byId].reverse());
      const def = (await store().searchExperiments(query(f))).items;
      const expected = [...def].sort(
        (a, b) => b.creationTime - a.creationTime || Number(a.experimentId) - Number(b.experimentId),
      );
      expect(def.map((e) => e.experimentId)).toEqual(expected.map((e) => e.experimentId));
    });

    it('selects lifecycle stages', async () => {
      const p = uniqueName('V');
      const [a, b] = [await newExperiment(store(), p), await newExperiment(store(), p)];
      await store().setExperimentLifecycle(b, 'deleted');
      const ids = async (stages: LifecycleStage[]) =>
        (await store().searchExperiments(query(`name LIKE '${p}%'`, ['experiment_id ASC'], stages))).items.map(
          (e) => e.experimentId,
        );
      expect(await ids(['active'])).toEqual([a]);
      expect(await ids(['deleted'])).toEqual([b]);
      expect(await ids(['active', 'deleted'])).toEqual([a, b]);
    });

    it('pages with snapshot tokens: experiments created between pages cause no duplicates or misses', async () => {
      const p = uniqueName('P');
      const original: string[] = [];
      for (let i = 0; i < 5; i++) original.push(await newExperiment(store(), p, [{ key: 'i', value: String(i) }]));
      const f = `name LIKE '${p}%'`;
      let inserted = 0;
      const pages = await allPages(async (page) => {
        const res = await store().searchExperiments(query(f, [], ['active'], 2, page));
        // New experiments sort first under the default order (newest first): exactly what breaks plain offsets.
        if (inserted++ < 2) for (let i = 0; i < 2; i++) await newExperiment(store(), p);
        return res;
      });
      expect(pages.map((pg) => pg.length)).toEqual([2, 2, 1]);
      const seen = pages.flat().map((e) => e.experimentId);
      expect([...seen].sort()).toEqual([...original].sort());
      expect(pages.flat().every((e) => e.tags.length === 1)).toBe(true);
      const fresh = await store().searchExperiments(query(f));
      expect(fresh.items).toHaveLength(9);
      expect(fresh.nextPageToken).toBeUndefined();
    });

    it('emits a token only when another row exists', async () => {
      const p = uniqueName('T');
      for (let i = 0; i < 4; i++) await newExperiment(store(), p);
      const res = await store().searchExperiments(query(`name LIKE '${p}%'`, [], ['active'], 4));
      expect(res.items).toHaveLength(4);
      expect(res.nextPageToken).toBeUndefined();
      expect(
        (await store().searchExperiments(query(`name LIKE '${p}%'`, [], ['active'], 3))).nextPageToken,
      ).toBeDefined();
    });
  });
}
