import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePageToken, encodePageToken, type PageToken, parseSearch, RUNS_GRAMMAR } from '../src/common/search';
import { Db } from '../src/database/db';
import { openDatabase } from '../src/database/open-database';
import { searchRunRows, type SearchPlan } from '../src/experiments/store/run-search.plan';
import { SqlTrackingStore } from '../src/experiments/store/sql-tracking.store';
import type { SearchRunsQuery } from '../src/experiments/tracking.store';
import type { LifecycleStage } from '../src/experiments/tracking.types';
import { createTestDatabase, TEST_POSTGRES_URL, type TestDatabase } from './support/postgres';

/**
 * The search planner picks between building the matching set first (`in`) and probing per run
 * (`exists`), and walks the leading order key's index (metric, param, tag) with keyset page
 * tokens. Every plan must return exactly the same pages as the plain sorted query, including
 * NaN and missing values, ties, deleted runs, several experiments, offsets and followed tokens.
 */
const PLANS: SearchPlan[] = [
  { style: 'exists', walk: false },
  { style: 'exists', walk: true },
  { style: 'in', walk: true },
];
const REFERENCE: SearchPlan = { style: 'in', walk: false };

const backends: [string, () => Promise<{ db: Db; done: () => Promise<void> }>][] = [
  [
    'sqlite',
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-strategies-'));
      const db = await openDatabase({ type: 'sqlite', path: path.join(dir, 's.db') });
      return { db, done: async () => (await db.close(), fs.rmSync(dir, { recursive: true, force: true })) };
    },
  ],
];
if (TEST_POSTGRES_URL)
  backends.push([
    'postgres',
    async () => {
      const pg: TestDatabase = await createTestDatabase('tsflow_strat');
      const db = await openDatabase({ type: 'postgres', url: pg.url });
      return { db, done: async () => (await db.close(), await pg.drop()) };
    },
  ]);

async function seed(store: SqlTrackingStore, experimentId: string, prefix: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const runId = `${prefix}${String(i).padStart(31, '0')}`;
    await store.createRun({
      runId,
      experimentId,
      userId: 'u',
      runName: `run-${i}`,
      startTime: 1000 + (i % 17),
      tags: [],
      artifactUri: 'x',
    });
    const metrics = [];
    // m1: values with ties; every 7th NaN, every 11th missing; m3: +/-Infinity and -0 too.
    if (i % 11 !== 0) metrics.push({ key: 'm1', value: i % 7 === 0 ? NaN : (i * 37) % 50, timestamp: 1, step: 0 });
    metrics.push({ key: 'm2', value: (i * 13) % 100, timestamp: 1, step: 0 });
    const m3 = [Infinity, -Infinity, -0, 0, 1.5][i % 5];
    if (i % 3 !== 0) metrics.push({ key: 'm3', value: m3, timestamp: 1, step: 0 });
    const params = [{ key: 'p', value: `v${i % 3}` }];
    // q: long values (past Postgres' indexed prefix) and Unicode, sorted byte-wise; missing on every 4th run.
    if (i % 4 !== 0) params.push({ key: 'q', value: i % 6 === 1 ? `${'x'.repeat(300)}${i % 2}` : `é${i % 9}Z` });
    await store.logBatch(runId, { metrics, params, tags: i % 5 === 0 ? [] : [{ key: 't', value: `x${i % 4}` }] });
    if (i % 13 === 0) await store.setRunLifecycle(runId, 'deleted');
  }
}

/** Every page, following the next-page cursor as the store does; or one page at `offset`. */
let seeks = 0;
/** Seeks that carry the last run's (start_time, run_uuid): a param or tag order walked by value groups. */
let groupSeeks = 0;

async function pages(db: Db, q: SearchRunsQuery, plan: SearchPlan, snapshot: number): Promise<string[][]> {
  const out: string[][] = [];
  let page: PageToken | undefined = q.page;
  for (let guard = 0; guard < 1000; guard++) {
    const { rows, cursor } = await searchRunRows(db, { ...q, page }, snapshot, plan);
    out.push(rows.slice(0, q.maxResults).map((r) => r.run_uuid));
    if (rows.length <= q.maxResults) return out;
    if (cursor.seek) seeks++;
    if (cursor.seek?.run !== undefined) groupSeeks++;
    // Through the wire format, as a client hands the token back.
    page = decodePageToken(encodePageToken({ offset: (page?.offset ?? 0) + q.maxResults, snapshot, ...cursor }));
  }
  throw new Error('no last page');
}

describe.each(backends)('search-runs plans give identical pages (%s)', (name, open) => {
  let db: Db;
  let done: () => Promise<void>;
  let exp1: string;
  let exp2: string;

  beforeAll(async () => {
    ({ db, done } = await open());
    const store = new SqlTrackingStore(db);
    await store.ensureDefaultExperiment('mlflow-artifacts:');
    exp1 = await store.createExperiment({ name: 'strategies', tags: [] }, 'mlflow-artifacts:');
    exp2 = await store.createExperiment({ name: 'strategies-2', tags: [] }, 'mlflow-artifacts:');
    await seed(store, exp1, 'r', 240);
    await seed(store, exp2, 's', 60);
  }, 120_000);

  afterAll(async () => {
    await done?.();
    // The walked plans page by keyset, not only by offset; lone param and tag keys by value groups
    // (Postgres both directions, sqlite descending), their seeks naming the last run.
    expect(seeks).toBeGreaterThan(100);
    expect(groupSeeks).toBeGreaterThan(name === 'postgres' ? 100 : 50);
    seeks = 0;
    groupSeeks = 0;
  });

  const queries: [string | undefined, string[] | undefined][] = [
    [undefined, ['metrics.m1 DESC']],
    [undefined, ['metrics.m1 ASC', 'params.p DESC']],
    [undefined, ['metrics.m3 DESC']],
    [undefined, ['metrics.m3 ASC']],
    [undefined, ['params.p ASC']],
    [undefined, ['params.q DESC']],
    [undefined, ['params.q ASC', 'metrics.m2 DESC']],
    [undefined, ['tags.t DESC']],
    [undefined, ['tags.t ASC', 'attributes.run_name DESC']],
    ['metrics.m2 < 70', ['metrics.m1 DESC']],
    ["params.p != 'v1' and tags.t LIKE 'x%'", ['metrics.m1 ASC']],
    ['metrics.m2 >= 10', ['metrics.m1 DESC', 'attributes.run_name ASC']],
    ["params.p = 'v2'", undefined],
    ['metrics.m2 > 5', ['attributes.start_time ASC']],
    ['metrics.m1 > 10', ['params.q ASC']],
    // Tie groups of ~80 runs (p) and ~60 (t) crossing pages, start_time ties broken by run_uuid, runs without t.
    ['metrics.m2 < 70', ['params.p DESC']],
    ["tags.t != 'x1'", ['tags.t ASC']],
    ["params.p != 'v1' and metrics.m1 >= 0", ['tags.t DESC']],
  ];

  it('equality on a value longer than the indexed prefix, and on a run name, matches exactly', async () => {
    const ids = async (filter: string) => {
      const { clauses, orderBy } = parseSearch(filter, undefined, RUNS_GRAMMAR);
      const q: SearchRunsQuery = { experimentIds: [exp1], clauses, orderBy, stages: ['active'], maxResults: 1000 };
      return (await pages(db, q, REFERENCE, 1e9)).flat().sort();
    };
    const seeded = [...Array(240).keys()].filter((i) => i % 13 !== 0);
    const id = (i: number) => `r${String(i).padStart(31, '0')}`;
    const long = seeded
      .filter((i) => i % 4 !== 0 && i % 6 === 1)
      .map(id)
      .sort();
    expect(long.length).toBeGreaterThan(10);
    // Both values share their first 300 characters: only the whole value tells them apart.
    expect(await ids(`params.q = '${'x'.repeat(300)}1'`)).toEqual(long);
    expect(await ids(`params.q = '${'x'.repeat(300)}0'`)).toEqual([]);
    expect(await ids("attributes.run_name = 'run-5'")).toEqual([id(5)]);
    expect(await ids("attributes.run_name = 'run-13'")).toEqual([]);
  });

  it.each(queries)('filter %s, order %j', async (filter, orderBy) => {
    const { clauses, orderBy: keys } = parseSearch(filter, orderBy, RUNS_GRAMMAR);
    const snapshot = 1e9;
    const scopes: [string[], LifecycleStage[]][] = [
      [[exp1], ['active']],
      [[exp1, exp2], ['active']],
      [
        [exp2, exp1],
        ['active', 'deleted'],
      ],
    ];
    for (const [experimentIds, stages] of scopes) {
      for (const [maxResults, offset] of [
        [1000, 0],
        [25, 0],
        [7, 0],
        [25, 50],
        [25, 175],
        [40, 200],
        [10, 290],
      ]) {
        const q: SearchRunsQuery = { experimentIds, clauses, orderBy: keys, stages, maxResults, page: { offset } };
        const where = `${experimentIds.length} experiment(s), ${stages.join('+')}, max ${maxResults} offset ${offset}`;
        const expected = await pages(db, q, REFERENCE, snapshot);
        for (const plan of PLANS)
          expect(await pages(db, q, plan, snapshot), `${JSON.stringify(plan)} ${where}`).toEqual(expected);
      }
    }
  });
});
