import type { Clause, OrderKey } from '../../common/search';
import type { Dialect } from '../../database/db';
import { inList, listParam, type Sql, stringCondition, textOrder } from '../../database/sql-dialect';
import type { SearchRunsQuery } from '../tracking.store';

/** Run attributes as columns of `runs r` (run_name is kept in sync with tag mlflow.runName). */
const ATTRIBUTE_COLUMNS: Record<string, string> = {
  run_id: 'r.run_uuid',
  run_name: 'r.name',
  user_id: 'r.user_id',
  status: 'r.status',
  artifact_uri: 'r.artifact_uri',
  start_time: 'r.start_time',
  end_time: 'r.end_time',
};

const NUMERIC_OPS = new Set(['=', '!=', '>', '>=', '<', '<=']);

/** Bound for a BIGINT column: Postgres refuses `1.5` or `1e+30` as bigint, so those compare as doubles. */
export function integerBound(value: number): string {
  return Number.isSafeInteger(value) ? '?' : 'CAST(? AS DOUBLE PRECISION)';
}

function numericOp(op: string): string {
  if (!NUMERIC_OPS.has(op)) throw new Error(`unsupported numeric comparator ${op}`);
  return op;
}

/**
 * How a filter on a related table joins the run: `in` builds the matching run set first (best
 * when the clause is selective), `exists` probes per run (best when runs are walked in the
 * requested order and the page fills early).
 */
export type SemiJoin = 'in' | 'exists';

function member(style: SemiJoin, from: string, runCol: string, where: string): string {
  return style === 'in'
    ? `r.run_uuid IN (SELECT ${runCol} FROM ${from} WHERE ${where})`
    : `EXISTS (SELECT 1 FROM ${from} WHERE ${runCol} = r.run_uuid AND ${where})`;
}

function keyedSubquery(d: Dialect, table: string, c: Clause, style: SemiJoin): Sql {
  const cond = stringCondition(d, 'value', c);
  return { sql: member(style, table, 'run_uuid', `key = ? AND ${cond.sql}`), params: [c.key, ...cond.params] };
}

function datasetCondition(d: Dialect, c: Clause, style: SemiJoin): Sql {
  if (c.key === 'context') {
    const cond = stringCondition(d, 'value', c);
    return {
      sql: member(style, 'input_tags', 'run_uuid', `key = 'mlflow.data.context' AND ${cond.sql}`),
      params: cond.params,
    };
  }
  const cond = stringCondition(d, `ds.${c.key === 'digest' ? 'digest' : 'name'}`, c);
  return {
    sql: member(style, 'run_inputs ri JOIN datasets ds ON ds.dataset_id = ri.dataset_id', 'ri.run_uuid', cond.sql),
    params: cond.params,
  };
}

export function clauseCondition(d: Dialect, c: Clause, style: SemiJoin = 'in'): Sql {
  switch (c.entity) {
    case 'metric':
      // NaN never matches a numeric comparison (mlflow-api.md §8.1, harmless deviation).
      return {
        sql: member(
          style,
          'latest_metrics',
          'run_uuid',
          `key = ? AND is_nan = 0 AND value ${numericOp(c.comparator)} ?`,
        ),
        params: [c.key, c.value],
      };
    case 'param':
      return keyedSubquery(d, 'params', c, style);
    case 'tag':
      return keyedSubquery(d, 'tags', c, style);
    case 'dataset':
      return datasetCondition(d, c, style);
    default: {
      const col = ATTRIBUTE_COLUMNS[c.key];
      if (!col) throw new Error(`unknown run attribute ${c.key}`);
      if (typeof c.value === 'number')
        return { sql: `${col} ${numericOp(c.comparator)} ${integerBound(c.value)}`, params: [c.value] };
      return stringCondition(d, col, c);
    }
  }
}

interface OrderSql {
  joins: string[];
  joinParams: unknown[];
  terms: string[];
}

function orderTerms(d: Dialect, keys: OrderKey[]): OrderSql {
  const out: OrderSql = { joins: [], joinParams: [], terms: [] };
  keys.forEach((k, i) => {
    const dir = k.ascending ? 'ASC' : 'DESC';
    if (k.entity === 'metric') {
      const a = `om${i}`;
      out.joins.push(`LEFT JOIN latest_metrics ${a} ON ${a}.run_uuid = r.run_uuid AND ${a}.key = ?`);
      out.joinParams.push(k.key);
      // Values first, then NaN, then runs without the metric, in both directions.
      out.terms.push(
        `CASE WHEN ${a}.run_uuid IS NULL THEN 2 WHEN ${a}.is_nan = 1 THEN 1 ELSE 0 END`,
        `${a}.value ${dir}`,
      );
    } else if (k.entity === 'param' || k.entity === 'tag') {
      const a = `o${k.entity[0]}${i}`;
      out.joins.push(
        `LEFT JOIN ${k.entity === 'param' ? 'params' : 'tags'} ${a} ON ${a}.run_uuid = r.run_uuid AND ${a}.key = ?`,
      );
      out.joinParams.push(k.key);
      out.terms.push(`CASE WHEN ${a}.value IS NULL THEN 1 ELSE 0 END`, `${textOrder(d, `${a}.value`)} ${dir}`);
    } else {
      const col = ATTRIBUTE_COLUMNS[k.key];
      if (!col) throw new Error(`unknown run attribute ${k.key}`);
      const numeric = k.key === 'start_time' || k.key === 'end_time';
      if (k.key === 'end_time') out.terms.push(`CASE WHEN ${col} IS NULL THEN 1 ELSE 0 END`);
      out.terms.push(`${numeric ? col : textOrder(d, col)} ${dir}`);
    }
  });
  if (!keys.some((k) => k.entity === 'attribute' && k.key === 'start_time')) out.terms.push('r.start_time DESC');
  out.terms.push('r.run_uuid ASC');
  return out;
}

export interface RunPageOptions {
  style: SemiJoin;
  limit: number;
  offset: number;
}

function baseWhere(d: Dialect, q: SearchRunsQuery, snapshot: number, style: SemiJoin): Sql {
  const where: string[] = [inList(d, 'r.experiment_id'), inList(d, 'r.lifecycle_stage'), 'r.seq <= ?'];
  const params: unknown[] = [listParam(d, q.experimentIds.map(Number)), listParam(d, q.stages), snapshot];
  for (const c of q.clauses) {
    const cond = clauseCondition(d, c, style);
    where.push(cond.sql);
    params.push(...cond.params);
  }
  return { sql: where.join(' AND '), params };
}

/**
 * SELECT for one page of search-runs: filter and order in SQL, pinned to runs that existed
 * at `snapshot` (the highest `seq` when the first page was served) so offsets stay valid
 * while other clients insert runs. `extra` narrows the set further (the metric walk's rest).
 */
export function buildRunSearch(
  d: Dialect,
  q: SearchRunsQuery,
  snapshot: number,
  columns: string,
  o: RunPageOptions,
  extra?: Sql,
): Sql {
  const where = baseWhere(d, q, snapshot, o.style);
  const order = orderTerms(d, q.orderBy);
  const sql =
    `SELECT ${columns} FROM runs r ${order.joins.join(' ')} WHERE ${where.sql}${extra ? ` AND ${extra.sql}` : ''} ` +
    `ORDER BY ${order.terms.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...order.joinParams, ...where.params, ...(extra?.params ?? []), o.limit, o.offset] };
}

/** True when the first order key is a metric: its runs can be walked through the (key, value) index. */
export function leadsWithMetric(q: SearchRunsQuery): boolean {
  return q.orderBy[0]?.entity === 'metric';
}

/**
 * The runs that have a (non-NaN) value for the leading order metric, walked in metric order
 * through latest_metrics' (key, value) index, so a page stops as soon as it is full instead of
 * sorting every match. `count` gives the size of that set instead (for offsets past it).
 */
export function buildMetricWalk(
  d: Dialect,
  q: SearchRunsQuery,
  snapshot: number,
  columns: string,
  o: RunPageOptions,
  count = false,
): Sql {
  const where = baseWhere(d, q, snapshot, o.style);
  const order = orderTerms(d, q.orderBy);
  // om0 drives the query (CROSS JOIN fixes sqlite's join order); drop its LEFT JOIN and its NaN/missing rank.
  const joins = order.joins.slice(1);
  const from = `latest_metrics om0 CROSS JOIN runs r ${joins.join(' ')}`;
  const cond = `om0.key = ? AND om0.is_nan = 0 AND r.run_uuid = om0.run_uuid AND ${where.sql}`;
  const params = [...order.joinParams.slice(1), q.orderBy[0].key, ...where.params];
  if (count) return { sql: `SELECT COUNT(*) AS n FROM ${from} WHERE ${cond}`, params };
  return {
    sql: `SELECT ${columns} FROM ${from} WHERE ${cond} ORDER BY ${order.terms.slice(1).join(', ')} LIMIT ? OFFSET ?`,
    params: [...params, o.limit, o.offset],
  };
}

/** Complement of the metric walk: runs whose leading order metric is NaN or missing. */
export function metricWalkRest(q: SearchRunsQuery): Sql {
  return {
    sql: 'NOT EXISTS (SELECT 1 FROM latest_metrics x WHERE x.run_uuid = r.run_uuid AND x.key = ? AND x.is_nan = 0)',
    params: [q.orderBy[0].key],
  };
}

/**
 * A bounded count of the runs a keyed clause matches, through its (key, value) index: a cheap
 * selectivity probe that lets sqlite searches pick `in` (selective) or `exists` (broad).
 */
export function selectivityProbe(d: Dialect, c: Clause, cap: number): Sql | undefined {
  const table =
    c.entity === 'metric'
      ? 'latest_metrics'
      : c.entity === 'param'
        ? 'params'
        : c.entity === 'tag'
          ? 'tags'
          : undefined;
  if (!table) return undefined;
  const cond =
    c.entity === 'metric'
      ? { sql: `is_nan = 0 AND value ${numericOp(c.comparator)} ?`, params: [c.value] }
      : stringCondition(d, 'value', c);
  return {
    sql: `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${table} WHERE key = ? AND ${cond.sql} LIMIT ?) t`,
    params: [c.key, ...cond.params, cap],
  };
}
