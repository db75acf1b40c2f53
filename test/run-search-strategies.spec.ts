import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSearch, RUNS_GRAMMAR } from '../src/common/search';
import { Db } from '../src/database/db';
import { openDatabase } from '../src/database/open-database';
import { searchRunRows } from '../src/experiments/store/run-search.plan';
import { SqlTrackingStore } from '../src/experiments/store/sql-tracking.store';
import type { SearchRunsQuery } from '../src/experiments/tracking.store';

/**
 * The sqlite search planner picks between building the matching set first (`in`) and walking
 * runs in order (`exists`, with the metric-index walk when the first order key is a metric).
 * Both must return exactly the same pages, including NaN and missing metrics, ties and offsets.
 */
describe('search-runs strategies give identical pages (sqlite)', () => {
  let dir: string;
  let db: Db;
  let experimentId: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsflow-strategies-'));
    db = await openDatabase({ type: 'sqlite', path: path.join(dir, 's.db') });
    const store = new SqlTrackingStore(db);
    await store.ensureDefaultExperiment('mlflow-artifacts:');
    experimentId = await store.createExperiment({ name: 'strategies', tags: [] }, 'mlflow-artifacts:');
    for (let i = 0; i < 240; i++) {
      const runId = `r${String(i).padStart(31, '0')}`;
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
      // m1: values with ties; every 7th NaN, every 11th missing.
      if (i % 11 !== 0) metrics.push({ key: 'm1', value: i % 7 === 0 ? NaN : (i * 37) % 50, timestamp: 1, step: 0 });
      metrics.push({ key: 'm2', value: (i * 13) % 100, timestamp: 1, step: 0 });
      await store.logBatch(runId, {
        metrics,
        params: [{ key: 'p', value: `v${i % 3}` }],
        tags: i % 5 === 0 ? [] : [{ key: 't', value: `x${i % 4}` }],
      });
    }
  });

  afterAll(async () => {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const queries: [string | undefined, string[] | undefined][] = [
    [undefined, ['metrics.m1 DESC']],
    [undefined, ['metrics.m1 ASC', 'params.p DESC']],
    ['metrics.m2 < 70', ['metrics.m1 DESC']],
    ["params.p != 'v1' and tags.t LIKE 'x%'", ['metrics.m1 ASC']],
    ['metrics.m2 >= 10', ['metrics.m1 DESC', 'attributes.run_name ASC']],
    ["params.p = 'v2'", undefined],
    ['metrics.m2 > 5', ['attributes.start_time ASC']],
  ];

  it.each(queries)('filter %s, order %j', async (filter, orderBy) => {
    const { clauses, orderBy: keys } = parseSearch(filter, orderBy, RUNS_GRAMMAR);
    const snapshot = 1e9;
    for (const [maxResults, offset] of [
      [1000, 0],
      [25, 0],
      [25, 50],
      [25, 175],
      [40, 200],
      [10, 230],
    ]) {
      const q: SearchRunsQuery = {
        experimentIds: [experimentId],
        clauses,
        orderBy: keys,
        stages: ['active'],
        maxResults,
        page: { offset },
      };
      const viaIn = (await searchRunRows(db, q, snapshot, 'in')).map((r) => r.run_uuid);
      const viaWalk = (await searchRunRows(db, q, snapshot, 'exists')).map((r) => r.run_uuid);
      expect(viaWalk, `max ${maxResults} offset ${offset}`).toEqual(viaIn);
    }
  });
});
