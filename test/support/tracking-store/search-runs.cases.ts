import { beforeAll, describe, expect, it } from 'vitest';
import { type Clause, parseFilter, parseOrderBy, type PageToken, RUNS_GRAMMAR } from '../../../src/common/search';
import type { SearchRunsQuery, TrackingStore } from '../../../src/experiments/tracking.store';
import type { LifecycleStage, RunStatus } from '../../../src/experiments/tracking.types';
import { allPages, metric, newExperiment, newRun } from './fixture';

interface Spec {
  name: string;
  user: string;
  status: RunStatus;
  start: number;
  end?: number;
  m?: number;
  p?: string;
  t?: string;
  q?: string;
}

/**
 * The fixture: names are the run keys used in assertions. `e` has no metric/param/tag and
 * `deleted` is soft-deleted. String values mix cases so byte order and case sensitivity show.
 */
const SPECS: Spec[] = [
  { name: 'alpha', user: 'alice', status: 'FINISHED', start: 1000, end: 2000, m: 1, p: 'Apple', t: 'Xyz', q: 'a*b' },
  { name: 'beta', user: 'bob', status: 'RUNNING', start: 2000, m: 2, p: 'apple', t: 'xyz', q: 'axb' },
  {
    name: 'Gamma',
    user: 'alice',
    status: 'FAILED',
    start: 3000,
    end: 3500,
    m: NaN,
    p: 'banana',
    t: 'other',
    q: 'a[x]b',
  },
  { name: 'delta', user: 'carol', status: 'KILLED', start: 4000, end: 9000, m: -5, p: 'Banana', q: 'a?b' },
  { name: 'e', user: 'dave', status: 'FINISHED', start: 4000, end: 4100 },
  { name: 'deleted', user: 'alice', status: 'FINISHED', start: 5000, end: 5001, m: 0.5, p: 'apple', t: 'xyz' },
];

/** search-runs: every clause kind, ordering, view types and snapshot paging. */
export function searchRunCases(store: () => TrackingStore): void {
  describe('searchRuns', () => {
    let exp: string;
    const id: Record<string, string> = {};
    const nameOf = new Map<string, string>();

    beforeAll(async () => {
      exp = await newExperiment(store(), 'search');
      for (const s of SPECS) {
        const runId = await newRun(store(), exp, {
          runName: s.name,
          userId: s.user,
          startTime: s.start,
          tags: [{ key: 'mlflow.runName', value: s.name }],
        });
        id[s.name] = runId;
        nameOf.set(runId, s.name);
        await store().updateRun(runId, { status: s.status, endTime: s.end });
        await store().logBatch(runId, {
          metrics: s.m === undefined ? [] : [metric('m', s.m, 10, 0)],
          params: [
            ...(s.p === undefined ? [] : [{ key: 'p', value: s.p }]),
            ...(s.q === undefined ? [] : [{ key: 'q', value: s.q }]),
          ],
          tags: s.t === undefined ? [] : [{ key: 't', value: s.t }],
        });
      }
      await store().logInputs(id.alpha, exp, [
        {
          tags: [{ key: 'mlflow.data.context', value: 'training' }],
          dataset: { name: 'train', digest: 'd1', sourceType: 'local', source: 's' },
        },
      ]);
      await store().logInputs(id.beta, exp, [
        {
          tags: [{ key: 'mlflow.data.context', value: 'eval' }],
          dataset: { name: 'eval', digest: 'd2', sourceType: 'local', source: 's' },
        },
      ]);
      await store().setRunLifecycle(id.deleted, 'deleted');
    });

    const query = (over: Partial<SearchRunsQuery>): SearchRunsQuery => ({
      experimentIds: [exp],
      clauses: [],
      orderBy: [],
      stages: ['active'],
      maxResults: 1000,
      ...over,
    });
    const search = async (over: Partial<SearchRunsQuery>) =>
      (await store().searchRuns(query(over))).items.map((r) => nameOf.get(r.info.runId)!);
    /** Names matching `filter`, sorted (order is tested separately). */
    const matching = async (filter: string) => (await search({ clauses: parseFilter(filter, RUNS_GRAMMAR) })).sort();
    const ordered = (orderBy: string[], stages: LifecycleStage[] = ['active']) =>
      search({ orderBy: parseOrderBy(orderBy, RUNS_GRAMMAR), stages });

    it('metric comparisons use the latest value; NaN and missing never match', async () => {
      expect(await matching('metrics.m > 1')).toEqual(['beta']);
      expect(await matching('metrics.m >= 1')).toEqual(['alpha', 'beta']);
      expect(await matching('metrics.m != 1')).toEqual(['beta', 'delta']);
      expect(await matching('metrics.m < 0')).toEqual(['delta']);
      expect(await matching('metrics.m <= 2 AND metrics.m = 2')).toEqual(['beta']);
      expect(await matching('metrics.m = 0')).toEqual([]);
      expect(await matching('metrics.unknown != 0')).toEqual([]);
    });

    it('param and tag comparisons are case-sensitive except ILIKE; a missing key never matches, even for !=', async () => {
      expect(await matching("params.p = 'apple'")).toEqual(['beta']);
      expect(await matching("params.p != 'apple'")).toEqual(['Gamma', 'alpha', 'delta']);
      expect(await matching("params.p LIKE 'a%'")).toEqual(['beta']);
      expect(await matching("params.p LIKE 'A%'")).toEqual(['alpha']);
      expect(await matching("params.p LIKE '_pple'")).toEqual(['alpha', 'beta']);
      expect(await matching("params.p ILIKE 'A%'")).toEqual(['alpha', 'beta']);
      expect(await matching("params.p ILIKE '%ANANA'")).toEqual(['Gamma', 'delta']);
      expect(await matching("tags.t = 'xyz'")).toEqual(['beta']);
      expect(await matching("tags.t != 'xyz'")).toEqual(['Gamma', 'alpha']);
      expect(await matching("tags.t LIKE '%yz'")).toEqual(['alpha', 'beta']);
      expect(await matching("tags.t LIKE 'x%'")).toEqual(['beta']);
      expect(await matching("tags.t ILIKE 'X%'")).toEqual(['alpha', 'beta']);
      expect(await matching("tags.nope != 'x'")).toEqual([]);
    });

    it('LIKE treats only % and _ as wildcards (*, ?, [ are literal on every dialect)', async () => {
      expect(await matching("params.q LIKE 'a*b'")).toEqual(['alpha']);
      expect(await matching("params.q LIKE 'a?b'")).toEqual(['delta']);
      expect(await matching("params.q LIKE 'a[x]b'")).toEqual(['Gamma']);
      expect(await matching("params.q LIKE 'a_b'")).toEqual(['alpha', 'beta', 'delta']);
      expect(await matching("params.q ILIKE 'A[X]%'")).toEqual(['Gamma']);
    });

    it('run_id IN / NOT IN, including empty lists', async () => {
      expect(await matching(`attributes.run_id IN ('${id.alpha}', '${id.delta}', '${id.deleted}')`)).toEqual([
        'alpha',
        'delta',
      ]);
      expect(await matching(`run_id NOT IN ('${id.alpha}', '${id.beta}')`)).toEqual(['Gamma', 'delta', 'e']);
      expect(await matching('run_id IN ()')).toEqual([]);
      expect(await matching('run_id NOT IN ()')).toEqual(['Gamma', 'alpha', 'beta', 'delta', 'e']);
      expect(await matching(`run_id = '${id.beta}'`)).toEqual(['beta']);
      expect(await matching(`run_id != '${id.beta}'`)).toEqual(['Gamma', 'alpha', 'delta', 'e']);
    });

    it('string and time attributes', async () => {
      expect(await matching("run_name = 'alpha'")).toEqual(['alpha']);
      expect(await matching("attributes.run_name LIKE 'G%'")).toEqual(['Gamma']);
      expect(await matching("`Run name` ILIKE 'g%'")).toEqual(['Gamma']);
      expect(await matching("status = 'FINISHED'")).toEqual(['alpha', 'e']);
      expect(await matching("status != 'FINISHED'")).toEqual(['Gamma', 'beta', 'delta']);
      expect(await matching("status = 'finished'")).toEqual([]);
      expect(await matching("user_id = 'alice'")).toEqual(['Gamma', 'alpha']);
      expect(await matching("user_id ILIKE 'ALI%'")).toEqual(['Gamma', 'alpha']);
      expect(await matching('start_time >= 3000')).toEqual(['Gamma', 'delta', 'e']);
      expect(await matching('created < 2000')).toEqual(['alpha']);
      expect(await matching('start_time = 4000 AND end_time > 5000')).toEqual(['delta']);
      expect(await matching('end_time <= 3500')).toEqual(['Gamma', 'alpha']);
      expect(await matching('end_time != 2000')).toEqual(['Gamma', 'delta', 'e']);
      expect(await matching(`artifact_uri = '${(await store().getRunInfo(id.beta))!.artifactUri}'`)).toEqual(['beta']);
      expect(await matching(`artifact_uri LIKE '%${id.e}%'`)).toEqual(['e']);
    });

    it('a run name set later (tag mlflow.runName) is what run_name filters see', async () => {
      const e2 = await newExperiment(store(), 'rename');
      const runId = await newRun(store(), e2, { runName: 'before' });
      await store().logBatch(runId, { metrics: [], params: [], tags: [{ key: 'mlflow.runName', value: 'after' }] });
      const clauses = parseFilter("run_name = 'after'", RUNS_GRAMMAR);
      expect(
        (await store().searchRuns(query({ experimentIds: [e2], clauses }))).items.map((r) => r.info.runId),
      ).toEqual([runId]);
    });

    it('dataset name, digest and context', async () => {
      expect(await matching("datasets.name = 'train'")).toEqual(['alpha']);
      expect(await matching("dataset.name != 'train'")).toEqual(['beta']);
      expect(await matching("datasets.digest IN ('d1', 'd2', 'zz')")).toEqual(['alpha', 'beta']);
      expect(await matching("datasets.digest NOT IN ('d1')")).toEqual(['beta']);
      expect(await matching("datasets.name LIKE 'ev%'")).toEqual(['beta']);
      expect(await matching("datasets.context = 'training'")).toEqual(['alpha']);
      expect(await matching("datasets.context ILIKE 'EVAL'")).toEqual(['beta']);
      expect(await matching("datasets.name = 'train' AND datasets.context = 'eval'")).toEqual([]);
    });

    it('AND combines clauses of every kind', async () => {
      expect(
        await matching("metrics.m > 0 AND params.p ILIKE 'a%' AND tags.t LIKE '%yz' AND status = 'RUNNING'"),
      ).toEqual(['beta']);
    });

    it('orders metrics values first, then NaN, then missing, in both directions', async () => {
      expect(await ordered(['metrics.m ASC'])).toEqual(['delta', 'alpha', 'beta', 'Gamma', 'e']);
      expect(await ordered(['metrics.m DESC'])).toEqual(['beta', 'alpha', 'delta', 'Gamma', 'e']);
    });

    it('orders params and tags byte-wise (uppercase first), missing last in both directions', async () => {
      expect(await ordered(['params.p'])).toEqual(['alpha', 'delta', 'beta', 'Gamma', 'e']);
      expect(await ordered(['params.p DESC'])).toEqual(['Gamma', 'beta', 'delta', 'alpha', 'e']);
      const byTag = await ordered(['tags.t ASC']);
      expect(byTag.slice(0, 3)).toEqual(['alpha', 'Gamma', 'beta']);
      expect(byTag.slice(3).sort()).toEqual(['delta', 'e']);
      expect((await ordered(['tags.t DESC'])).slice(0, 3)).toEqual(['beta', 'Gamma', 'alpha']);
    });

    it('orders attributes; default start_time DESC then run_id ASC', async () => {
      expect(await ordered(['attributes.run_name'])).toEqual(['Gamma', 'alpha', 'beta', 'delta', 'e']);
      expect(await ordered(['start_time ASC'])).toEqual([
        'alpha',
        'beta',
        'Gamma',
        ...[id.delta, id.e].sort().map((r) => nameOf.get(r)!),
      ]);
      expect(await ordered(['user_id DESC', 'run_name ASC'])).toEqual(['e', 'delta', 'beta', 'Gamma', 'alpha']);
      const tie = [id.delta, id.e].sort().map((r) => nameOf.get(r)!);
      expect(await ordered([])).toEqual([...tie, 'Gamma', 'beta', 'alpha']);
      expect(await ordered(['end_time ASC'])).toEqual(['alpha', 'Gamma', 'e', 'delta', 'beta']);
    });

    it('view types select lifecycle stages', async () => {
      expect(await ordered([], ['deleted'])).toEqual(['deleted']);
      expect((await ordered([], ['active', 'deleted']))[0]).toBe('deleted');
      expect(await ordered([], ['active', 'deleted'])).toHaveLength(6);
      expect(await search({ experimentIds: [] })).toEqual([]);
    });

    it('searches several experiments at once', async () => {
      const e2 = await newExperiment(store(), 'search2');
      const other = await newRun(store(), e2, { startTime: 1 });
      const res = await store().searchRuns(
        query({ experimentIds: [exp, e2], clauses: parseFilter('start_time < 1500', RUNS_GRAMMAR) }),
      );
      expect(res.items.map((r) => r.info.runId)).toEqual([id.alpha, other]);
    });

    it('hydrates latest metrics, params, tags and inputs', async () => {
      const [run] = (await store().searchRuns(query({ clauses: parseFilter("run_name = 'alpha'", RUNS_GRAMMAR) })))
        .items;
      expect(run).toEqual(await store().getRun(id.alpha));
      expect(run.data.metrics).toEqual([metric('m', 1, 10, 0)]);
      expect(run.inputs.datasetInputs).toHaveLength(1);
    });

    pagingCases(store);
  });
}

function pagingCases(store: () => TrackingStore): void {
  it('pages with snapshot tokens: runs created between pages cause no duplicates or misses', async () => {
    const exp = await newExperiment(store(), 'runpage');
    const original: string[] = [];
    for (let i = 0; i < 7; i++) original.push(await newRun(store(), exp, { startTime: 1000 + i }));
    let calls = 0;
    const search = async (page?: PageToken, clauses: Clause[] = []) => {
      const res = await store().searchRuns({
        experimentIds: [exp],
        clauses,
        orderBy: [],
        stages: ['active'],
        maxResults: 3,
        page,
      });
      // Newer start times sort first by default: exactly what breaks plain offsets.
      if (calls++ < 2) for (let i = 0; i < 2; i++) await newRun(store(), exp, { startTime: 9000 + calls * 10 + i });
      return res;
    };
    const pages = await allPages((page) => search(page));
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    const seen = pages.flat().map((r) => r.info.runId);
    expect(seen).toEqual([...original].reverse());
    const all = await store().searchRuns({
      experimentIds: [exp],
      clauses: [],
      orderBy: [],
      stages: ['active'],
      maxResults: 100,
    });
    expect(all.items).toHaveLength(11);
    expect(all.nextPageToken).toBeUndefined();
  });
}
