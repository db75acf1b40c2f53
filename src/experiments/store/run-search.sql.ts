import type { Clause, OrderKey } from '../../common/search';
import type { Dialect } from '../../database/db';
import { inList, listParam, stringComparison, textOrder } from '../../database/sql-dialect';
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

interface Sql {
  sql: string;
  params: unknown[];
}

function numericOp(op: string): string {
  if (!NUMERIC_OPS.has(op)) throw new Error(`unsupported numeric comparator ${op}`);
  return op;
}

function stringCondition(d: Dialect, col: string, c: Clause): Sql {
  if (c.comparator === 'IN' || c.comparator === 'NOT IN') {
    const values = (c.value as string[]) ?? [];
    const cond = inList(d, col);
    return { sql: c.comparator === 'IN' ? cond : `NOT (${cond})`, params: [listParam(d, values)] };
  }
  const { sql, param } = stringComparison(d, col, c.comparator, String(c.value));
  return { sql, params: [param] };
}

function keyedSubquery(d: Dialect, table: string, c: Clause): Sql {
  const cond = stringCondition(d, 'value', c);
  return {
    sql: `r.run_uuid IN (SELECT run_uuid FROM ${table} WHERE key = ? AND ${cond.sql})`,
    params: [c.key, ...cond.params],
  };
}

function datasetCondition(d: Dialect, c: Clause): Sql {
  if (c.key === 'context') {
    const cond = stringCondition(d, 'value', c);
    return {
      sql: `r.run_uuid IN (SELECT run_uuid FROM input_tags WHERE key = 'mlflow.data.context' AND ${cond.sql})`,
      params: cond.params,
    };
  }
  const cond = stringCondition(d, `ds.${c.key === 'digest' ? 'digest' : 'name'}`, c);
  return {
    sql: `r.run_uuid IN (SELECT ri.run_uuid FROM run_inputs ri JOIN datasets ds ON ds.dataset_id = ri.dataset_id WHERE ${cond.sql})`,
    params: cond.params,
  };
}

export function clauseCondition(d: Dialect, c: Clause): Sql {
  switch (c.entity) {
    case 'metric':
      // NaN never matches a numeric comparison (mlflow-api.md §8.1, harmless deviation).
      return {
        sql: `r.run_uuid IN (SELECT run_uuid FROM latest_metrics WHERE key = ? AND is_nan = 0 AND value ${numericOp(c.comparator)} ?)`,
        params: [c.key, c.value],
      };
    case 'param':
      return keyedSubquery(d, 'params', c);
    case 'tag':
      return keyedSubquery(d, 'tags', c);
    case 'dataset':
      return datasetCondition(d, c);
    default: {
      const col = ATTRIBUTE_COLUMNS[c.key];
      if (!col) throw new Error(`unknown run attribute ${c.key}`);
      if (typeof c.value === 'number') return { sql: `${col} ${numericOp(c.comparator)} ${integerBound(c.value)}`, params: [c.value] };
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
      out.terms.push(`CASE WHEN ${a}.run_uuid IS NULL THEN 2 WHEN ${a}.is_nan = 1 THEN 1 ELSE 0 END`, `${a}.value ${dir}`);
    } else if (k.entity === 'param' || k.entity === 'tag') {
      const a = `o${k.entity[0]}${i}`;
      out.joins.push(`LEFT JOIN ${k.entity === 'param' ? 'params' : 'tags'} ${a} ON ${a}.run_uuid = r.run_uuid AND ${a}.key = ?`);
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

/**
 * SELECT for one page of search-runs: filter and order in SQL, pinned to runs that existed
 * at `snapshot` (the highest `seq` when the first page was served) so offsets stay valid
 * while other clients insert runs.
 */
export function buildRunSearch(d: Dialect, q: SearchRunsQuery, snapshot: number, columns: string): Sql {
  const where: string[] = [inList(d, 'r.experiment_id'), inList(d, 'r.lifecycle_stage'), 'r.seq <= ?'];
  const params: unknown[] = [listParam(d, q.experimentIds.map(Number)), listParam(d, q.stages), snapshot];
  for (const c of q.clauses) {
    const cond = clauseCondition(d, c);
    where.push(cond.sql);
    params.push(...cond.params);
  }
  const order = orderTerms(d, q.orderBy);
  const offset = q.page?.offset ?? 0;
  const sql =
    `SELECT ${columns} FROM runs r ${order.joins.join(' ')} WHERE ${where.join(' AND ')} ` +
    `ORDER BY ${order.terms.join(', ')} LIMIT ? OFFSET ?`;
  return { sql, params: [...order.joinParams, ...params, q.maxResults + 1, offset] };
}
