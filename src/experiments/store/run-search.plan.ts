import type { SqlRunner } from '../../database/db';
import type { SearchRunsQuery } from '../tracking.store';
import { buildMetricWalk, buildRunSearch, leadsWithMetric, metricWalkRest, SemiJoin, selectivityProbe } from './run-search.sql';
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

/**
 * Run rows of one search page (max_results + 1 for the look-ahead). When runs are walked and
 * the first order key is a metric, runs with a value come from the metric's index in order,
 * then the NaN/missing rest, with the offset carried across the two parts. `force` pins the
 * strategy (tests prove both give identical pages).
 */
export async function searchRunRows(db: SqlRunner, q: SearchRunsQuery, snapshot: number, force?: SemiJoin): Promise<RunRow[]> {
  const limit = q.maxResults + 1;
  const offset = q.page?.offset ?? 0;
  const style = force ?? (await chooseStyle(db, q));
  const d = db.dialect;
  if (style === 'in' || !leadsWithMetric(q)) {
    const { sql, params } = buildRunSearch(d, q, snapshot, RUN_COLUMNS, { style, limit, offset });
    return db.query<RunRow>(sql, params);
  }
  const walk = buildMetricWalk(d, q, snapshot, RUN_COLUMNS, { style, limit, offset });
  const first = await db.query<RunRow>(walk.sql, walk.params);
  if (first.length === limit) return first;
  let walked = offset + first.length;
  if (first.length === 0 && offset > 0) {
    const c = buildMetricWalk(d, q, snapshot, RUN_COLUMNS, { style, limit, offset }, true);
    walked = Number((await db.query<{ n: number }>(c.sql, c.params))[0].n);
  }
  const rest = buildRunSearch(d, q, snapshot, RUN_COLUMNS, { style, limit: limit - first.length, offset: Math.max(0, offset - walked) }, metricWalkRest(q));
  return [...first, ...(await db.query<RunRow>(rest.sql, rest.params))];
}
