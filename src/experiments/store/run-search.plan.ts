import { PageToken, Seek, seekableKey } from '../../common/search';
import type { Db, SqlRunner } from '../../database/db';
import type { SearchRunsQuery } from '../tracking.store';
import {
  buildGroupRows,
  buildGroupWalk,
  buildNextGroup,
  groupWalkable,
  longValuesProbe,
} from './run-search-groups.sql';
import {
  buildRunSearch,
  buildWalk,
  RunPageOptions,
  matchEstimateProbe,
  runCountProbe,
  SemiJoin,
  selectivityProbe,
  walkable,
  walkRest,
} from './run-search.sql';
import { RUN_COLUMNS, RunRow } from './sql-values';

/** A clause matching fewer runs than this drives the query (`in`); otherwise runs are walked in order. */
const SELECTIVE = 2000;

/** How a page is read: `walk` reads the leading order key's index in order (metric, param, tag). */
export interface SearchPlan {
  style: SemiJoin;
  walk: boolean;
  /** Postgres walks a lone param or tag key by value groups (buildGroupWalk); unset: probed when walking. */
  groups?: boolean;
}

/**
 * Fewer runs than SELECTIVE in the searched experiments (with `attributes`, matching their run
 * attribute filters too): sorting them all beats any walk.
 */
async function fewRuns(db: SqlRunner, q: SearchRunsQuery, snapshot: number, attributes = false): Promise<boolean> {
  const probe = runCountProbe(db.dialect, q, snapshot, SELECTIVE, attributes);
  const [{ n }] = await db.query<{ n: number }>(probe.sql, probe.params);
  return Number(n) < SELECTIVE;
}

/**
 * sqlite's planner has no statistics here (the server never runs ANALYZE), so it cannot tell
 * a selective filter from a broad one. Probe each keyed clause with a bounded index count:
 * any selective clause → build the small matching set first; all broad → walk runs in the
 * requested order and stop when the page is full. Postgres picks the join order on its own,
 * but sorts every run for an ORDER BY on a joined table: an ordered search over many runs walks.
 */
async function choosePlan(db: SqlRunner, q: SearchRunsQuery, snapshot: number): Promise<SearchPlan> {
  if (db.dialect !== 'sqlite') return postgresPlan(db, q, snapshot);
  // No statistics: a rare attribute filter (a run name, a status) is found by counting, as walking would pass every run.
  const ordered = walkable(q) && !(await fewRuns(db, q, snapshot, true));
  if (await anySelective(db, q)) return { style: 'in', walk: false };
  return q.clauses.length === 0 && !ordered ? { style: 'in', walk: false } : { style: 'exists', walk: ordered };
}

/** A keyed clause matching fewer than SELECTIVE runs (a bounded index count each). */
async function anySelective(db: SqlRunner, q: SearchRunsQuery): Promise<boolean> {
  for (const c of q.clauses) {
    const probe = selectivityProbe(db.dialect, c, SELECTIVE);
    if (!probe) continue;
    const [{ n }] = await db.query<{ n: number }>(probe.sql, probe.params);
    if (Number(n) < SELECTIVE) return true;
  }
  return false;
}

/**
 * A lone param or tag key is walked by value groups (run-search-groups.sql.ts). Postgres: unless
 * one of its values outgrows the indexed prefix. sqlite: in descending order only (its index
 * hands ascending values out in tie order already).
 */
async function walksGroups(db: SqlRunner, q: SearchRunsQuery): Promise<boolean> {
  if (!groupWalkable(q)) return false;
  if (db.dialect === 'sqlite') return !q.orderBy[0].ascending;
  // No statistics on length(value): the planner would scan the table for an early match (1.9 s at
  // 10M params when there is none) instead of reading the partial index, which holds only long values.
  await db.query('SET LOCAL enable_seqscan = off');
  const probe = longValuesProbe(q);
  const found = await db.query(probe.sql, probe.params);
  await db.query('SET LOCAL enable_seqscan = DEFAULT');
  return found.length === 0;
}

/** Postgres: the planner expects the filters to match fewer than SELECTIVE runs. */
async function fewMatches(db: SqlRunner, q: SearchRunsQuery, snapshot: number): Promise<boolean> {
  if (q.clauses.length === 0) return false;
  const probe = matchEstimateProbe(q, snapshot);
  const [row] = await db.query<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>(probe.sql, probe.params);
  return row['QUERY PLAN'][0].Plan['Plan Rows'] < SELECTIVE;
}

/**
 * Postgres plans the join order itself, so a metric order is walked whenever the experiments
 * hold many runs. A param or tag order is walked only by value groups (a plain walk joins and
 * re-sorts a tie group of a tenth of the runs on every page: 12 s at 1M runs), and only when
 * the planner expects the filters to leave many runs (else the walk would pass most of the
 * key's runs before the page fills, where the hash join + top-N sort of a few runs is quick).
 */
async function postgresPlan(db: SqlRunner, q: SearchRunsQuery, snapshot: number): Promise<SearchPlan> {
  const sorted: SearchPlan = { style: 'in', walk: false };
  if (q.orderBy[0]?.entity === 'metric') return { style: 'in', walk: !(await fewRuns(db, q, snapshot)) };
  if (!(await walksGroups(db, q)) || (await fewRuns(db, q, snapshot)) || (await fewMatches(db, q, snapshot)))
    return sorted;
  return { style: 'in', walk: true, groups: true };
}

/** Postgres searches every join order of a query: fine for a few clauses, seconds for 50. */
const manyJoins = (q: SearchRunsQuery) => q.clauses.length + q.orderBy.length > 8;

/** Orders no index hands out on Postgres: every run of the experiment is joined and sorted. */
function sortsEveryRun(q: SearchRunsQuery, plan: SearchPlan): boolean {
  const first = q.orderBy[0];
  if (!first || plan.walk) return false;
  return first.entity !== 'metric' && !(first.entity === 'attribute' && ['start_time', 'run_name'].includes(first.key));
}

/**
 * Session settings of a Postgres search. A search that reads one page in index order (a walk,
 * the start_time or run_name order, a filter probed run by run) is done before parallel
 * workers would have started: at 1M runs a filtered page took 55-75 ms with 2 workers, 25-40 ms
 * without. Only sorts over every run keep them (1.5 s -> 2.5 s without). Many-clause searches
 * are planned in the order written (planning 50 clauses: 326 -> 27 ms here); the filters are
 * semi-joins on indexed keys, so the written order is a sound plan.
 */
function postgresSettings(q: SearchRunsQuery, plan: SearchPlan): string[] {
  const out = sortsEveryRun(q, plan) ? [] : ['SET LOCAL max_parallel_workers_per_gather = 0'];
  if (manyJoins(q)) out.push('SET LOCAL join_collapse_limit = 1', 'SET LOCAL from_collapse_limit = 1');
  return out;
}

/** Where the page after this one starts, beyond its offset (see PageToken). */
export type Cursor = Pick<PageToken, 'seek' | 'rest'>;

export interface RunRowsPage {
  /** Up to max_results + 1 rows (the last one is the look-ahead). */
  rows: RunRow[];
  cursor: Cursor;
}

type WalkRow = RunRow & { walk_key: number | string; walk_start?: number };

/**
 * The seek for the page after `page` (the first `max` walked rows): its last key, and how many
 * returned runs share it. Unknown (undefined) when every row shares the key and the page was
 * reached by offset, or when the key does not fit in a token.
 */
function nextSeek(page: WalkRow[], from: Seek | undefined, offset: number, groups: boolean): Seek | undefined {
  const last = page[page.length - 1];
  const key = last.walk_key;
  if (!seekableKey(key)) return undefined;
  if (groups) return { key, skip: 0, start: Number(last.walk_start), run: last.run_uuid };
  let same = 0;
  while (same < page.length && page[page.length - 1 - same].walk_key === key) same++;
  if (same < page.length) return { key, skip: same };
  if (from && from.key === key) return { key, skip: from.skip + same };
  return offset === 0 ? { key, skip: same } : undefined;
}

const stripKey = (rows: WalkRow[]): RunRow[] => rows.map(({ walk_key: _, walk_start: __, ...r }) => r);

async function walkedCount(db: SqlRunner, q: SearchRunsQuery, snapshot: number, plan: SearchPlan): Promise<number> {
  const c = buildWalk(db.dialect, q, snapshot, RUN_COLUMNS, { style: plan.style, limit: 0, offset: 0 }, true);
  return Number((await db.query<{ n: number }>(c.sql, c.params))[0].n);
}

/**
 * A walked page: runs with a value for the leading key from its index (from the token's seek,
 * else its offset), then the NaN/missing rest in full order, the position carried across both.
 */
async function walkedPage(db: SqlRunner, q: SearchRunsQuery, snapshot: number, plan: SearchPlan): Promise<RunRowsPage> {
  const d = db.dialect;
  const limit = q.maxResults + 1;
  const offset = q.page?.offset ?? 0;
  const rest = (skip: number, n: number) => {
    const r = buildRunSearch(
      d,
      q,
      snapshot,
      RUN_COLUMNS,
      { style: plan.style, limit: n, offset: skip },
      walkRest(d, q),
    );
    return db.query<RunRow>(r.sql, r.params);
  };
  if (q.page?.rest !== undefined) {
    const rows = await rest(q.page.rest, limit);
    return { rows, cursor: { rest: q.page.rest + q.maxResults } };
  }
  const seek = q.page?.seek;
  // sqlite walks groups from a known group only: a bare offset is read by the plain walk.
  const groups = (plan.groups ?? (await walksGroups(db, q))) && (d === 'postgres' || !!seek || offset === 0);
  const first = await walkRows(db, q, snapshot, { style: plan.style, limit, offset, seek }, groups);
  if (first.length >= q.maxResults) {
    const next = nextSeek(first.slice(0, q.maxResults), seek, offset, groups);
    const more = first.length === limit ? [] : await rest(0, 1);
    return { rows: [...stripKey(first), ...more], cursor: next ? { seek: next } : {} };
  }
  // The walk ended on this page: every earlier row was walked unless the offset lies past the walk.
  const walked =
    first.length > 0 || seek || offset === 0 ? offset + first.length : await walkedCount(db, q, snapshot, plan);
  const skip = Math.max(0, offset - walked);
  const tail = await rest(skip, limit - first.length);
  return { rows: [...stripKey(first), ...tail], cursor: { rest: skip + q.maxResults - first.length } };
}

/** The walked rows of a page: one statement, except sqlite's group walk (one per group, no LATERAL there). */
async function walkRows(
  db: SqlRunner,
  q: SearchRunsQuery,
  snapshot: number,
  o: RunPageOptions & { seek?: Seek },
  groups: boolean,
): Promise<WalkRow[]> {
  if (groups && db.dialect === 'sqlite') return sqliteGroupRows(db, q, snapshot, o);
  const w = groups ? buildGroupWalk(q, snapshot, RUN_COLUMNS, o) : buildWalk(db.dialect, q, snapshot, RUN_COLUMNS, o);
  return db.query<WalkRow>(w.sql, w.params);
}

/** sqlite: each value group from the seek's (else the first), one bounded read per group, until the page is full. */
async function sqliteGroupRows(
  db: SqlRunner,
  q: SearchRunsQuery,
  snapshot: number,
  o: RunPageOptions & { seek?: Seek },
): Promise<WalkRow[]> {
  const out: WalkRow[] = [];
  let at = o.seek;
  if (!at) {
    const first = buildNextGroup(q);
    const [row] = await db.query<{ v: string }>(first.sql, first.params);
    at = row && { key: row.v, skip: 0 };
  }
  while (at && out.length < o.limit) {
    const r = buildGroupRows(q, snapshot, RUN_COLUMNS, { ...o, limit: o.limit - out.length, seek: at });
    const key = at.key;
    for (const row of await db.query<WalkRow>(r.sql, r.params)) out.push({ ...row, walk_key: key });
    const next = buildNextGroup(q, String(key));
    const [row] = out.length < o.limit ? await db.query<{ v: string }>(next.sql, next.params) : [];
    at = row && { key: row.v, skip: 0 };
  }
  return out;
}

/**
 * Run rows of one search page (max_results + 1 for the look-ahead) and the cursor of the next
 * page. `force` pins the strategy (tests prove every plan gives identical pages).
 */
export async function searchRunRows(
  db: Db,
  q: SearchRunsQuery,
  snapshot: number,
  force?: SearchPlan,
): Promise<RunRowsPage> {
  if (db.dialect !== 'postgres') return readPage(db, q, snapshot, force ?? (await choosePlan(db, q, snapshot)));
  // One transaction for the probes too: the long-values probe needs a setting of its own.
  return db.transaction(async (tx) => {
    const plan = force ?? (await choosePlan(tx, q, snapshot));
    for (const sql of postgresSettings(q, plan)) await tx.query(sql);
    return readPage(tx, q, snapshot, plan);
  });
}

async function readPage(db: SqlRunner, q: SearchRunsQuery, snapshot: number, plan: SearchPlan): Promise<RunRowsPage> {
  if (plan.walk && walkable(q)) return walkedPage(db, q, snapshot, plan);
  const { sql, params } = buildRunSearch(db.dialect, q, snapshot, RUN_COLUMNS, {
    style: plan.style,
    limit: q.maxResults + 1,
    offset: q.page?.offset ?? 0,
  });
  return { rows: await db.query<RunRow>(sql, params), cursor: {} };
}
