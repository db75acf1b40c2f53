import type { Seek } from '../../common/search';
import type { Dialect } from '../../database/db';
import type { Sql } from '../../database/sql-dialect';
import type { SearchRunsQuery } from '../tracking.store';
import { baseWhere, ORDER_PREFIX_CHARS, RunPageOptions, type SemiJoin, tieTerms, walkSource } from './run-search.sql';

/**
 * Walks of a lone param or tag order key by value groups (issue 21). A value with few distinct
 * values makes tie groups of a tenth of the runs, ordered by start_time DESC, run_uuid ASC. The
 * order index (key, value, start_time DESC, run_uuid) of migration 1763800000034 hands a group
 * out in that order, but one index serves one direction of the value: the other would sort each
 * tie group. Walking group by group (the next distinct value is one index descent) reads every
 * group forwards in both directions, and a page stops as soon as it is full.
 */

/** True when the order is a lone param or tag key (its ties are the index's own order). */
export function groupWalkable(q: SearchRunsQuery): boolean {
  const e = q.orderBy[0]?.entity;
  return q.orderBy.length === 1 && (e === 'param' || e === 'tag');
}

/**
 * Postgres: whether any value of the key is longer than the indexed prefix (a partial index of
 * migration 1763800000034 answers). Such a key orders by more than the prefix, which no group
 * walk reads from the index.
 */
export function longValuesProbe(q: SearchRunsQuery): Sql {
  const w = walkSource('postgres', q.orderBy[0]);
  return {
    sql: `SELECT 1 AS x FROM ${w.table} WHERE key = ? AND length(value) > ${ORDER_PREFIX_CHARS} LIMIT 1`,
    params: [q.orderBy[0].key],
  };
}

/** Past every start_time (milliseconds): a group read from its first run. */
const GROUP_START = Number.MAX_SAFE_INTEGER;

/** Where a group is read: SQL for its value and for the run after which it continues, with their parameters in order (v, s, s, u). */
interface GroupAt {
  v: string;
  s: string;
  u: string;
  params: unknown[];
}

/** The next value group after `after` (SQL), or the first one, in the requested direction. */
function nextGroup(d: Dialect, q: SearchRunsQuery, after?: string): Sql {
  const first = q.orderBy[0];
  const w = walkSource(d, first);
  const [op, dir] = first.ascending ? ['>', 'ASC'] : ['<', 'DESC'];
  const past = after === undefined ? '' : ` AND ${w.key} ${op} ${after}`;
  return {
    sql: `SELECT ${w.key} AS v FROM ${w.table} ${w.alias} WHERE ${w.alias}.key = ?${past} ORDER BY 1 ${dir} LIMIT 1`,
    params: [first.key],
  };
}

/** The runs of one value group from `at`, in MLflow's tie order, filtered like the search. */
function groupRows(
  d: Dialect,
  q: SearchRunsQuery,
  snapshot: number,
  columns: string,
  style: SemiJoin,
  at: GroupAt,
): Sql {
  const w = walkSource(d, q.orderBy[0]);
  const a = w.alias;
  const where = baseWhere(d, q, snapshot, style, `${a}.run_uuid`);
  return {
    sql:
      `SELECT ${columns}, ${a}.start_time AS walk_start FROM ${w.table} ${a} CROSS JOIN runs r ` +
      `WHERE ${a}.key = ? AND ${w.key} = ${at.v} AND ${a}.start_time <= ${at.s} ` +
      `AND (${a}.start_time < ${at.s} OR ${a}.run_uuid > ${at.u}) ` +
      `AND r.run_uuid = ${a}.run_uuid AND ${where.sql} ORDER BY ${tieTerms(a).join(', ')}`,
    params: [q.orderBy[0].key, ...at.params, ...where.params],
  };
}

/** Runs of the seek's group to pass: none when it names the last run, else its `skip`; without a seek, the offset. */
export const groupSkip = (seek: Seek | undefined, offset: number) =>
  seek ? (seek.run === undefined ? seek.skip : 0) : offset;

/**
 * Postgres: the whole walk in one statement, a recursive CTE over the distinct prefixes (from
 * the seek's group, else the first) joined LATERAL to each group's runs; the outer LIMIT stops
 * both. Rows carry walk_key (the group's prefix) and walk_start for the next seek.
 */
export function buildGroupWalk(
  q: SearchRunsQuery,
  snapshot: number,
  columns: string,
  o: RunPageOptions & { seek?: Seek },
): Sql {
  const seek = o.seek;
  const first = nextGroup('postgres', q);
  const anchor = seek
    ? {
        sql: `SELECT CAST(? AS TEXT) COLLATE "C", CAST(? AS BIGINT), CAST(? AS TEXT)`,
        params: [String(seek.key), seek.start ?? GROUP_START, seek.run ?? ''],
      }
    : { sql: `SELECT (${first.sql}), CAST(${GROUP_START} AS BIGINT), CAST('' AS TEXT)`, params: first.params };
  const next = nextGroup('postgres', q, 'g.v');
  const groups =
    `WITH RECURSIVE g (v, s, u) AS (${anchor.sql} UNION ALL ` +
    `SELECT (${next.sql}), CAST(${GROUP_START} AS BIGINT), CAST('' AS TEXT) FROM g WHERE g.v IS NOT NULL)`;
  const rows = groupRows('postgres', q, snapshot, columns, o.style, { v: 'g.v', s: 'g.s', u: 'g.u', params: [] });
  const skip = groupSkip(seek, o.offset);
  return {
    sql: `${groups} SELECT walked.*, g.v AS walk_key FROM g CROSS JOIN LATERAL (${rows.sql} LIMIT ?) walked LIMIT ? OFFSET ?`,
    params: [...anchor.params, ...next.params, ...rows.params, o.limit + skip, o.limit, skip],
  };
}

/** sqlite (no LATERAL): the first value group, or the one after `after`; the caller walks group by group. */
export function buildNextGroup(q: SearchRunsQuery, after?: string): Sql {
  const next = nextGroup('sqlite', q, after === undefined ? undefined : '?');
  return { sql: next.sql, params: after === undefined ? next.params : [...next.params, after] };
}

/** sqlite: up to `limit` runs of the group `seek.key` after `seek`'s position (its run, else its first `skip` runs). */
export function buildGroupRows(
  q: SearchRunsQuery,
  snapshot: number,
  columns: string,
  o: RunPageOptions & { seek: Seek },
): Sql {
  const { key, start, run } = o.seek;
  const s = start ?? GROUP_START;
  const at = { v: '?', s: '?', u: '?', params: [key, s, s, run ?? ''] };
  const rows = groupRows('sqlite', q, snapshot, columns, o.style, at);
  return { sql: `${rows.sql} LIMIT ? OFFSET ?`, params: [...rows.params, o.limit, groupSkip(o.seek, 0)] };
}
