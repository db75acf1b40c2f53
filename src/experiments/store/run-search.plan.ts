import type { Db, SqlRunner } from '../../database/db';
import type { SearchRunsQuery } from '../tracking.store';
import {
  buildMetricWalk,
  buildRunSearch,
  leadsWithMetric,
  metricWalkRest,
  SemiJoin,
  selectivityProbe,
} from './run-search.sql';
import { RUN_COLUMNS, RunRow } from './sql-values';

/** A clause matching fewer runs than this drives the query (`in`); otherwise runs are walked in order. */
const SELECTIVE = 2000;

/**
 * sqlite's planner has no statistics here (the server never runs ANALYZE), so it cannot tell
 * a selective filter from a broad one. Probe each keyed clause with a bounded index count:
 * any selective clause → build the small matching set first; all broad → walk runs in the
 * requested order and stop when the page is full. Postgres plans this well on its own.
 */
async function chooseStyle(db: SqlRunner, q: SearchRunsQuery): Promise<SemiJoin> {
  if (db.dialect !== 'sqlite' || q.clauses.length === 0) return 'in';
  for (const c of q.clauses) {
    const probe = selectivityProbe(db.dialect, c, SELECTIVE);
    if (!probe) continue;
    const [{ n }] = await db.query<{ n: number }>(probe.sql, probe.params);
    if (Number(n) < SELECTIVE) return 'in';
  }
  return 'exists';
}

/** Postgres searches every join order of a query: fine for a few clauses, seconds for 50. */
const manyJoins = (q: SearchRunsQuery) => q.clauses.length + q.orderBy.length > 8;

/**
 * Plans many-clause Postgres searches in the order written (planning 50 clauses: 326 -> 27 ms
 * here); the filters are semi-joins on indexed keys, so the written order is a sound plan.
 */
function withFixedJoinOrder(db: Db, sql: string, params: unknown[]): Promise<RunRow[]> {
  if (db.dialect !== 'postgres') return db.query<RunRow>(sql, params);
  return db.transaction(async (tx) => {
    await tx.query('SET LOCAL join_collapse_limit = 1');
    await tx.query('SET LOCAL from_collapse_limit = 1');
    return tx.query<RunRow>(sql, params);
  });
}

/**
 * Run rows of one search page (max_results + 1 for the look-ahead). When runs are walked and
 * the first order key is a metric, runs with a value come from the metric's index in order,
 * then the NaN/missing rest, with the offset carried across the two parts. `force` pins the
 * strategy (tests prove both give identical pages).
 */
export async function searchRunRows(db: Db, q: SearchRunsQuery, snapshot: number, force?: SemiJoin): Promise<RunRow[]> {
  const limit = q.maxResults + 1;
  const offset = q.page?.offset ?? 0;
  const style = force ?? (await chooseStyle(db, q));
  const d = db.dialect;
  if (style === 'in' || !leadsWithMetric(q)) {
    const { sql, params } = buildRunSearch(d, q, snapshot, RUN_COLUMNS, { style, limit, offset });
    return manyJoins(q) ? withFixedJoinOrder(db, sql, params) : db.query<RunRow>(sql, params);
  }
  const walk = buildMetricWalk(d, q, snapshot, RUN_COLUMNS, { style, limit, offset });
  const first = await db.query<RunRow>(walk.sql, walk.params);
  if (first.length === limit) return first;
  let walked = offset + first.length;
  if (first.length === 0 && offset > 0) {
    const c = buildMetricWalk(d, q, snapshot, RUN_COLUMNS, { style, limit, offset }, true);
    walked = Number((await db.query<{ n: number }>(c.sql, c.params))[0].n);
  }
  const rest = buildRunSearch(
    d,
    q,
    snapshot,
    RUN_COLUMNS,
    { style, limit: limit - first.length, offset: Math.max(0, offset - walked) },
    metricWalkRest(q),
  );
  return [...first, ...(await db.query<RunRow>(rest.sql, rest.params))];
}
